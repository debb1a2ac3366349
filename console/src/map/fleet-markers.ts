/**
 * Live drones and their flown tracks drawn over the map's canvas instead of in it (the overview and the
 * hall's big screen). Under SwiftShader every change to the WebGL map re-rasterises the whole canvas on
 * the CPU (bench:console --profile: hundreds of ms a repaint at 1920×1080), so 56 drones reporting at
 * 1 Hz inside the map cost a full repaint every second. Here a drone is a DOM marker and the tracks one
 * SVG: a report repaints the few pixels it touches, and the 10,000 devices stay one GPU layer, repainted
 * only when a device's state changes.
 */
import { Marker, type Map as MapLibre } from 'maplibre-gl';

const SVG = 'http://www.w3.org/2000/svg';

export interface FleetDrone {
  id: string;
  lon: number;
  lat: number;
  heading: number;
  battery: number | null;
  altM: number;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** The drone arrow of layers.ts `droneIcon`, as an element the marker rotates. */
function droneElement(id: string): HTMLElement {
  const el = document.createElement('div');
  el.className = 'fleet-drone';
  el.dataset['drone'] = id;
  const icon = svg('svg', { width: '29', height: '29', viewBox: '0 0 32 32' });
  icon.append(svg('polygon', { points: '16,2 28,28 16,21 4,28', fill: '#36c5f0', stroke: '#ffffff', 'stroke-width': '2', 'stroke-linejoin': 'round' }));
  el.append(icon);
  return el;
}

export class FleetMarkers {
  private readonly markers = new Map<string, Marker>();
  private readonly overlay: SVGSVGElement;
  private readonly lines = new Map<string, SVGPolylineElement>();
  private tracks = new Map<string, [number, number][]>();
  private readonly onMove = (): void => this.projectTracks();

  constructor(private readonly map: MapLibre) {
    this.overlay = svg('svg', { class: 'fleet-tracks' });
    map.getCanvasContainer().append(this.overlay);
    map.on('move', this.onMove);
    map.on('resize', this.onMove);
  }

  /** Moves, adds and removes drone markers and redraws the tracks; touches only what changed. */
  draw(drones: FleetDrone[], tracks: Map<string, [number, number][]>): void {
    const seen = new Set<string>();
    for (const d of drones) {
      seen.add(d.id);
      let m = this.markers.get(d.id);
      if (!m) {
        m = new Marker({ element: droneElement(d.id), rotationAlignment: 'map', pitchAlignment: 'map' });
        this.markers.set(d.id, m.setLngLat([d.lon, d.lat]).addTo(this.map));
      }
      const at = m.getLngLat();
      if (at.lng !== d.lon || at.lat !== d.lat) m.setLngLat([d.lon, d.lat]);
      if (m.getRotation() !== d.heading) m.setRotation(d.heading);
      const el = m.getElement();
      el.dataset['altM'] = String(Math.round(d.altM));
      el.dataset['battery'] = d.battery === null ? '' : String(Math.round(d.battery));
    }
    for (const [id, m] of this.markers) {
      if (seen.has(id)) continue;
      m.remove();
      this.markers.delete(id);
    }
    this.tracks = new Map([...tracks].filter(([, t]) => t.length > 1));
    for (const [id, line] of this.lines) {
      if (this.tracks.has(id)) continue;
      line.remove();
      this.lines.delete(id);
    }
    this.projectTracks();
  }

  /** Drones drawn (bench:console checks the scene it times is all there). */
  count(): number {
    return this.markers.size;
  }

  destroy(): void {
    this.map.off('move', this.onMove);
    this.map.off('resize', this.onMove);
    for (const m of this.markers.values()) m.remove();
    this.overlay.remove();
  }

  /** Screen positions of every track point; on each map move too (the SVG does not follow the camera). */
  private projectTracks(): void {
    for (const [id, track] of this.tracks) {
      let line = this.lines.get(id);
      if (!line) {
        line = svg('polyline', { 'data-track': id });
        this.overlay.append(line);
        this.lines.set(id, line);
      }
      let points = '';
      for (const c of track) {
        const p = this.map.project(c);
        points += `${p.x.toFixed(1)},${p.y.toFixed(1)} `;
      }
      line.setAttribute('points', points);
    }
  }
}
