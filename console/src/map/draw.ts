/**
 * Drawing on the map for the mission planner and the airspace editor: a click adds a vertex, Enter or a
 * double-click finishes, Backspace removes the last vertex, Escape cancels. A point finishes on its
 * first click. Coordinates are WGS84 [lon, lat], as the API takes them.
 */
import type { Feature } from 'geojson';
import type { MapMouseEvent } from 'maplibre-gl';
import type { CityMap } from './city-map.js';

export type DrawKind = 'point' | 'line' | 'polygon';
export type Coord = [number, number];

export function draftFeatures(kind: DrawKind, coords: Coord[]): Feature[] {
  const vertices: Feature[] = coords.map((c) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: c } }));
  if (kind === 'line' && coords.length >= 2) return [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } }, ...vertices];
  if (kind === 'polygon' && coords.length >= 3) return [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...coords, coords[0]!]] } }, ...vertices];
  if (kind === 'polygon' && coords.length === 2) return [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } }, ...vertices];
  return vertices;
}

/** Starts drawing; returns the function that stops it. `onChange` sees every vertex, `onDone` the result. */
export function startDrawing(cityMap: CityMap, kind: DrawKind, onChange: (coords: Coord[]) => void, onDone: (coords: Coord[]) => void): () => void {
  const map = cityMap.map;
  const coords: Coord[] = [];
  const minimum = kind === 'point' ? 1 : kind === 'line' ? 2 : 3;
  const redraw = () => {
    void cityMap.showDraft(draftFeatures(kind, coords));
    onChange([...coords]);
  };
  const finish = () => {
    if (coords.length < minimum) return;
    stop();
    onDone([...coords]);
  };
  const onClick = (e: MapMouseEvent) => {
    coords.push([Math.round(e.lngLat.lng * 1e7) / 1e7, Math.round(e.lngLat.lat * 1e7) / 1e7]);
    redraw();
    if (kind === 'point') finish();
  };
  const onDblClick = (e: MapMouseEvent) => {
    e.preventDefault();
    finish();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') finish();
    else if (e.key === 'Escape') {
      coords.length = 0;
      redraw();
      stop();
    } else if (e.key === 'Backspace' && coords.length > 0) {
      coords.pop();
      redraw();
    }
  };
  map.doubleClickZoom.disable();
  map.getCanvas().style.cursor = 'crosshair';
  map.on('click', onClick);
  map.on('dblclick', onDblClick);
  addEventListener('keydown', onKey);
  function stop(): void {
    map.off('click', onClick);
    map.off('dblclick', onDblClick);
    removeEventListener('keydown', onKey);
    map.getCanvas().style.cursor = '';
    setTimeout(() => map.doubleClickZoom.enable(), 0);
  }
  redraw();
  return stop;
}
