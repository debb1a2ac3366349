/**
 * The MapLibre map every view shares (overview, hall, alert detail, drone operations): the city's
 * features rendered on the GPU, updated in place with `setData` (10,000 devices stay one layer, not
 * 10,000 DOM markers — bench:console measures the difference).
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { Map as MapLibre, Marker, prewarm, setWorkerUrl, type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import type { City } from '../city.js';
import { lang } from '../i18n/index.js';
import { cityStyle, droneIcon, type SourceId } from './layers.js';
import { FleetMarkers, type FleetDrone } from './fleet-markers.js';
import { deviceRendererFromUrl, fadeFromUrl, fleetIntervalFromUrl, fleetRendererFromUrl } from './url-flags.js';

setWorkerUrl(workerUrl);
// Start MapLibre's workers (and fetch their 0.5 MB script) while the city's data is still loading, not
// after: the first complete render waits for both (bench:console).
prewarm();

const fc = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });
const point = (lon: number, lat: number, properties: Record<string, unknown>, id?: string): Feature => ({
  type: 'Feature',
  ...(id === undefined ? {} : { id }),
  properties,
  geometry: { type: 'Point', coordinates: [lon, lat] },
});

const FLEET_INTERVAL_MS = fleetIntervalFromUrl();

export interface CityMapOptions {
  dark?: boolean;
  basemapUrl?: string;
  /** Show only these alerts' impact areas (the alert detail); default every active alert. */
  onlyAlert?: string;
  interactive?: boolean;
  /**
   * How devices are drawn: one GPU layer (default), or one DOM marker each — the naive way, kept only
   * so bench:console can measure the difference (`?devices=dom`).
   */
  deviceRenderer?: 'layer' | 'dom';
  /**
   * Where live drones and their tracks are drawn: in the WebGL map (default; the drone view's tests ask
   * MapLibre for them), or as DOM markers and an SVG over it (fleet-markers.ts), so that a drone report
   * does not repaint the whole map (the overview and the hall; `?fleet=layer` overrides, for bench:console).
   */
  fleet?: 'layer' | 'markers';
}

export class CityMap {
  readonly map: MapLibre;
  private ready: Promise<void>;
  private labels: Marker[] = [];
  private readonly domMarkers = new Map<string, { marker: Marker; state: string }>();
  private labelKey = '';
  /** Each device's colour state as last drawn. */
  private deviceStates = new Map<string, string>();
  private fleetAt = -Infinity;
  private fleetTimer: ReturnType<typeof setTimeout> | undefined;
  private fitted = false;
  private readonly fleetMarkers: FleetMarkers | undefined;
  /** The docks as last sent to the map (with the fleet as markers, docks alone are in the `fleet` source). */
  private docksDrawn = '';
  /** The city revisions last drawn, per group of sources. */
  private drawn = { devices: -1, alerts: -1, fleet: -1, missions: -1, airspace: -1 };

  constructor(container: HTMLElement, private readonly city: City, private readonly opts: CityMapOptions = {}) {
    this.map = new MapLibre({
      container,
      style: cityStyle({ dark: opts.dark ?? true, ...(opts.basemapUrl ? { basemapUrl: opts.basemapUrl } : {}) }),
      center: [120.38, 36.1],
      zoom: 9,
      attributionControl: false,
      interactive: opts.interactive ?? true,
      fadeDuration: fadeFromUrl(),
      // Headless Chromium (SwiftShader) and screenshots need the drawing buffer kept.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    const fleet = fleetRendererFromUrl() ?? opts.fleet ?? 'layer';
    this.fleetMarkers = fleet === 'markers' ? new FleetMarkers(this.map) : undefined;
    this.ready = new Promise((resolve) => {
      this.map.on('load', () => {
        performance.mark('console-map-load');
        this.map.addImage('drone-arrow', droneIcon());
        resolve();
      });
    });
  }

  /** Resolves once the first full render of the current data is on screen. */
  async idle(): Promise<void> {
    await this.ready;
    if (this.map.loaded() && !this.map.isMoving()) return;
    await new Promise<void>((r) => this.map.once('idle', () => r()));
  }

  destroy(): void {
    clearTimeout(this.fleetTimer);
    this.fleetMarkers?.destroy();
    for (const m of this.labels) m.remove();
    for (const m of this.domMarkers.values()) m.marker.remove();
    this.map.remove();
  }

  /** Redraws every source from the city's current state. */
  async update(): Promise<void> {
    await this.ready;
    const city = this.city;
    // Nothing to draw yet (the map is made while the city loads); the fleet's 1 s clock starts with data.
    if (!city.loaded) return;
    const rev = city.rev;
    const moved = (k: keyof City['rev']) => this.drawn[k] !== rev[k];
    if (moved('airspace')) {
      this.set('districts', city.districts);
      this.set('zones', fc(city.zones));
    }
    // Device colours depend on alerts too (in alert = red).
    if (moved('devices') || moved('alerts')) this.drawDevices();
    if (moved('alerts')) this.drawImpacts();
    if (moved('fleet')) this.drawFleetSoon();
    if (moved('missions')) {
      const routes: Feature[] = [];
      for (const m of city.missions.values()) {
        if (m.route && ['scheduled', 'preflight', 'uploading', 'in_flight', 'returning'].includes(m.status)) routes.push(m.route);
      }
      this.set('routes', fc(routes));
    }
    this.drawn = { ...rev };
    this.placeLabels();
    if (!this.fitted && city.districts.features.length > 0) {
      performance.mark('console-sources-set');
      this.fitted = true;
      this.fit(city.districts);
    }
  }

  /**
   * Device dots coloured by state. The 10,000 points are sent to the worker (and tiled) only when the set
   * of devices changed; a colour change is a feature-state change of the devices concerned (no re-tiling).
   */
  private drawDevices(): void {
    const inAlert = this.city.devicesInAlert();
    const states = new Map<string, string>();
    for (const d of this.city.devices.values()) states.set(d.id, d.revokedAt !== null || !d.online ? 'offline' : inAlert.has(d.id) ? 'alert' : 'ok');
    const dom = (this.opts.deviceRenderer ?? deviceRendererFromUrl() ?? 'layer') === 'dom';
    const sameSet = states.size === this.deviceStates.size && [...states.keys()].every((id) => this.deviceStates.has(id));
    if (!dom && sameSet) {
      for (const [id, state] of states) {
        if (this.deviceStates.get(id) !== state) this.map.setFeatureState({ source: 'devices', id }, { state });
      }
      this.deviceStates = states;
      return;
    }
    this.deviceStates = states;
    const devices: Feature[] = [];
    for (const d of this.city.devices.values()) devices.push(point(d.location.lon, d.location.lat, { id: d.id, state: states.get(d.id) }, d.id));
    if (dom) return this.placeDomMarkers(devices);
    this.map.removeFeatureState({ source: 'devices' });
    this.set('devices', fc(devices));
  }

  private drawImpacts(): void {
    const impacts: Feature[] = [];
    for (const a of this.city.activeAlerts()) {
      if (this.opts.onlyAlert !== undefined && a.id !== this.opts.onlyAlert) continue;
      const area = a.impact?.area;
      if (area?.geometry) impacts.push({ type: 'Feature', properties: { id: a.id, severity: a.severity }, geometry: area.geometry as Geometry });
    }
    this.set('impacts', fc(impacts));
  }

  /**
   * Drones report at 1 Hz, and not all in the same instant: drawn at most once a second, so the fleet
   * costs one repaint a second however its reports are spread.
   */
  private drawFleetSoon(): void {
    const wait = this.fleetAt + FLEET_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.fleetAt = performance.now();
      this.drawFleet();
    } else if (this.fleetTimer === undefined) {
      this.fleetTimer = setTimeout(() => {
        this.fleetTimer = undefined;
        this.fleetAt = performance.now();
        this.drawFleet();
      }, wait);
    }
  }

  /**
   * Docks, live drones and flown tracks: one source, so one repaint per fleet draw (layers.ts SOURCES) —
   * or, with the fleet as markers, docks alone in the map (re-sent only when they change) and drones and
   * tracks over it.
   */
  private drawFleet(): void {
    const city = this.city;
    const features: Feature[] = [...city.docks.values()].map((d) => point(d.location.lon, d.location.lat, { kind: 'dock', id: d.id, status: d.status ?? '' }));
    const drones: FleetDrone[] = [];
    for (const d of city.drones.values()) {
      if (d.position && d.phase !== 'docked') drones.push({ id: d.id, lon: d.position.lon, lat: d.position.lat, heading: d.headingDeg ?? 0, battery: d.batteryPct ?? null, altM: d.position.altM });
    }
    if (this.fleetMarkers) {
      this.fleetMarkers.draw(drones, city.tracks);
      const docks = JSON.stringify(features);
      if (docks !== this.docksDrawn) this.set('fleet', fc(features));
      this.docksDrawn = docks;
      return;
    }
    for (const [id, t] of city.tracks) if (t.length > 1) features.push({ type: 'Feature', properties: { kind: 'track', id }, geometry: { type: 'LineString', coordinates: t } });
    for (const d of drones) features.push(point(d.lon, d.lat, { kind: 'drone', id: d.id, heading: d.heading, battery: d.battery, altM: d.altM }));
    this.set('fleet', fc(features));
  }

  /** Draws a highlighted geometry (a refused leg, a zone) on top of everything. */
  async highlight(features: Feature[]): Promise<void> {
    await this.ready;
    this.set('highlight', fc(features));
  }

  /** A planned route (validated sorties) in its own colour. */
  async showPlan(features: Feature[]): Promise<void> {
    await this.ready;
    this.set('plan', fc(features));
  }

  /** A mission replayed: its flown track up to the slider's time and the drone there. */
  async showReplay(features: Feature[]): Promise<void> {
    await this.ready;
    this.set('replay', fc(features));
  }

  /** The shape being drawn, with its vertices. */
  async showDraft(features: Feature[]): Promise<void> {
    await this.ready;
    this.set('draft', fc(features));
  }

  fit(collection: FeatureCollection, padding = 24): void {
    const b = bounds(collection);
    if (b) this.map.fitBounds(b as LngLatBoundsLike, { padding, duration: 0 });
  }

  private set(id: SourceId, data: FeatureCollection): void {
    void (this.map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
  }

  private placeDomMarkers(devices: Feature[]): void {
    for (const f of devices) {
      const id = String(f.id);
      const state = String(f.properties?.['state']);
      const known = this.domMarkers.get(id);
      if (known) {
        if (known.state !== state) known.marker.getElement().className = `dom-device dom-${state}`;
        known.state = state;
        continue;
      }
      const el = document.createElement('div');
      el.className = `dom-device dom-${state}`;
      const [lon, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
      this.domMarkers.set(id, { marker: new Marker({ element: el }).setLngLat([lon, lat]).addTo(this.map), state });
    }
  }

  /** What is drawn as DOM markers (bench:console checks the scene it times is all there). */
  markerCounts(): { devices: number; drones: number } {
    return { devices: this.domMarkers.size, drones: this.fleetMarkers?.count() ?? 0 };
  }

  /** District names as HTML labels: MapLibre text needs glyph files, which we do not fetch from anywhere. */
  private placeLabels(): void {
    const key = `${lang()}|${this.city.districts.features.length}`;
    if (key === this.labelKey) return;
    this.labelKey = key;
    for (const m of this.labels) m.remove();
    this.labels = [];
    for (const f of this.city.districts.features) {
      const b = bounds(fc([f]));
      if (!b) continue;
      const el = document.createElement('div');
      el.className = 'district-label';
      el.textContent = this.city.districtName(String(f.id ?? f.properties?.['id']), lang());
      this.labels.push(new Marker({ element: el }).setLngLat([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]).addTo(this.map));
    }
  }
}

/** [west, south, east, north] of every coordinate in the collection. */
export function bounds(collection: FeatureCollection): [number, number, number, number] | undefined {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
    } else if (Array.isArray(c)) for (const x of c) visit(x);
  };
  for (const f of collection.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return Number.isFinite(w) ? [w, s, e, n] : undefined;
}
