/**
 * The city map's style: no tiles, no glyphs, no sprite from anywhere (console.md "works with no
 * internet") — the base map is the city's own district GeoJSON; an optional raster basemap can be laid
 * under it. Severity is colour here and text in every list beside the map.
 */
import type { FeatureCollection } from 'geojson';
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { SEVERITY_COLOUR } from '../types.js';

const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/**
 * One source per rate of change. Docks, drones and their flown tracks share `fleet`: a drone report is
 * then one `setData`, one worker round trip and one repaint, not three (bench:console: a repaint is what
 * a slow frame is made of under SwiftShader).
 */
export const SOURCES = ['districts', 'zones', 'impacts', 'routes', 'devices', 'fleet', 'plan', 'replay', 'draft', 'highlight'] as const;
export type SourceId = (typeof SOURCES)[number];

export const STATE_COLOUR = { ok: '#2fbf71', alert: '#e5322d', offline: '#7c8594' } as const;

const severityColour: unknown = ['match', ['get', 'severity'], 'red', SEVERITY_COLOUR.red, 'orange', SEVERITY_COLOUR.orange, 'yellow', SEVERITY_COLOUR.yellow, SEVERITY_COLOUR.blue];

/** A device's state: its feature state once changed live (city-map.ts drawDevices), else as loaded. */
const deviceState: unknown = ['coalesce', ['feature-state', 'state'], ['get', 'state']];

/**
 * A colour (or width) a feature may override with its own property. Being data-driven also lets these
 * layers share one compiled shader program with the data-driven layers of their type (districts, impact
 * areas, devices): under SwiftShader each program compiled costs the first render ~0.1 s (bench:console).
 */
const own = (property: string, fallback: string | number): never => ['coalesce', ['get', property], fallback] as never;

export function cityStyle(opts: { dark: boolean; basemapUrl?: string }): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  for (const id of SOURCES) sources[id] = { type: 'geojson', data: empty() };
  // Feature state (a device's colour) is keyed by the device id.
  sources['devices'] = { type: 'geojson', data: empty(), promoteId: 'id' };
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': opts.dark ? '#0b1220' : '#eef1f5' } }];
  if (opts.basemapUrl) {
    sources['basemap'] = { type: 'raster', tiles: [opts.basemapUrl], tileSize: 256 };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  layers.push(
    // Fills have their own line layers, so no `fill-antialias` outline: one shader program fewer to compile
    // for the first render (under SwiftShader each one blocks the page ~0.1 s) and one pass less a repaint.
    // One fill pass for all districts, the urban core a shade lighter. Opaque over the background (the
    // colours are what 0.9 over it gave): an opaque fill is drawn in MapLibre's cheap opaque pass, the
    // second biggest cost of a repaint under SwiftShader after the background. Translucent over a basemap.
    {
      id: 'districts-fill',
      type: 'fill',
      source: 'districts',
      paint: { 'fill-antialias': false,
        'fill-color': ['case', ['==', ['get', 'urban_core'], true], opts.dark ? '#1c2e4d' : '#f7f9fc', opts.dark ? '#152138' : '#fdfefe'] as never,
        'fill-opacity': opts.basemapUrl ? 0.9 : 1,
      },
    },
    { id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': own('line_colour', opts.dark ? '#4a6fa5' : '#8a9bb5'), 'line-width': 1.2 } },
    { id: 'zones-fill', type: 'fill', source: 'zones', paint: { 'fill-antialias': false, 'fill-color': own('colour', '#b0172a'), 'fill-opacity': 0.18 } },
    // Solid, not dashed: a dashed line is a shader program of its own (the fill already marks the zone).
    { id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': own('colour', '#b0172a'), 'line-width': 1.5 } },
    { id: 'impacts-fill', type: 'fill', source: 'impacts', paint: { 'fill-antialias': false, 'fill-color': severityColour as never, 'fill-opacity': 0.28 } },
    { id: 'impacts-line', type: 'line', source: 'impacts', paint: { 'line-color': severityColour as never, 'line-width': 2 } },
    { id: 'routes', type: 'line', source: 'routes', paint: { 'line-color': '#36c5f0', 'line-width': 1.5, 'line-dasharray': [2, 2] } },
    { id: 'tracks', type: 'line', source: 'fleet', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#ffd166', 'line-width': 2.5 } },
    {
      id: 'devices',
      type: 'circle',
      source: 'devices',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2, 13, 5],
        'circle-color': ['match', deviceState, 'alert', STATE_COLOUR.alert, 'offline', STATE_COLOUR.offline, STATE_COLOUR.ok] as never,
        'circle-stroke-width': ['case', ['==', deviceState, 'alert'], 1.5, 0] as never,
        'circle-stroke-color': '#ffffff',
      },
    },
    { id: 'docks', type: 'circle', source: 'fleet', filter: ['==', ['get', 'kind'], 'dock'], paint: { 'circle-radius': 6, 'circle-color': own('colour', '#1b1f2a'), 'circle-stroke-color': '#36c5f0', 'circle-stroke-width': own('stroke_width', 2) } },
    {
      id: 'drones',
      type: 'symbol',
      source: 'fleet',
      filter: ['==', ['get', 'kind'], 'drone'],
      layout: { 'icon-image': 'drone-arrow', 'icon-rotate': ['get', 'heading'], 'icon-rotation-alignment': 'map', 'icon-allow-overlap': true, 'icon-ignore-placement': true, 'icon-size': 0.9 },
    },
    { id: 'plan', type: 'line', source: 'plan', paint: { 'line-color': '#9be9a8', 'line-width': 3 } },
    // A completed mission replayed: the track flown so far and the drone where it was.
    { id: 'replay-track', type: 'line', source: 'replay', filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': '#ff9f1c', 'line-width': 3 } },
    { id: 'replay-drone', type: 'symbol', source: 'replay', filter: ['==', ['geometry-type'], 'Point'], layout: { 'icon-image': 'drone-arrow', 'icon-rotate': ['get', 'heading'], 'icon-rotation-alignment': 'map', 'icon-allow-overlap': true } },
    { id: 'draft-fill', type: 'fill', source: 'draft', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-antialias': false, 'fill-color': '#36c5f0', 'fill-opacity': 0.15 } },
    { id: 'draft-line', type: 'line', source: 'draft', paint: { 'line-color': '#36c5f0', 'line-width': 2, 'line-dasharray': [1, 1] } },
    { id: 'draft-points', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 5, 'circle-color': '#ffffff', 'circle-stroke-color': '#36c5f0', 'circle-stroke-width': 2 } },
    { id: 'highlight-fill', type: 'fill', source: 'highlight', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-antialias': false, 'fill-color': '#ff00aa', 'fill-opacity': 0.25 } },
    { id: 'highlight-line', type: 'line', source: 'highlight', paint: { 'line-color': '#ff00aa', 'line-width': 4 } },
  );
  return { version: 8, sources, layers };
}

/** A 32 px arrow for drones, drawn here rather than loaded from a sprite server. */
export function droneIcon(): ImageData {
  const size = 32;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  // A CPU canvas: read back from a GPU one, this icon cost ~240 ms of the first render under SwiftShader.
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  g.fillStyle = '#36c5f0';
  g.strokeStyle = '#ffffff';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(16, 2);
  g.lineTo(28, 28);
  g.lineTo(16, 21);
  g.lineTo(4, 28);
  g.closePath();
  g.fill();
  g.stroke();
  return g.getImageData(0, 0, size, size);
}
