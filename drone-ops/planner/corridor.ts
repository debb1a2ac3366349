import { LocalPlane } from '../geo/enu.js';
import type { GeoPolygon, LonLat, XY } from '../geo/types.js';
import type { Route, RoutePoint } from './types.js';

/**
 * Corridor scan after QGroundControl's Corridor Scan: transects are offsets of the centre line at
 * w/2 − s/2 − i·s for i = 0 … ceil(w/s) − 1 (QGC `_transectCount`), with a single transect on the centre
 * line when the corridor is no wider than one spacing. Offsets use mitred joins (bevelled at sharp
 * turns), and transects alternate direction (boustrophedon).
 */
export interface CorridorOptions {
  widthM: number;
  spacingM: number;
  altM: number;
}

export function corridorOffsets(widthM: number, spacingM: number): number[] {
  if (!(spacingM > 0) || !(widthM >= 0)) throw new RangeError('widthM must be >= 0 and spacingM > 0');
  const n = widthM > spacingM ? Math.ceil(widthM / spacingM) : 1;
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => widthM / 2 - spacingM / 2 - i * spacingM);
}

export function planCorridor(line: LonLat[], opts: CorridorOptions): Route {
  if (line.length < 2) throw new RangeError('a corridor needs a line of at least two points');
  const plane = new LocalPlane(midpoint(line));
  const pts = dedupe(line.map((p) => plane.toXY(p)));
  const offsets = corridorOffsets(opts.widthM, opts.spacingM);
  const points: RoutePoint[] = [];
  const transects: Route['transects'] = [];
  offsets.forEach((d, i) => {
    let t = offsetLine(pts, d);
    if (i % 2 === 1) t = t.reverse();
    for (const p of t) points.push({ ...plane.toLonLat(p), altM: opts.altM });
    transects.push({ from: plane.toLonLat(t[0] as XY), to: plane.toLonLat(t[t.length - 1] as XY) });
  });
  return { kind: 'corridor', points, transects };
}

/** The corridor's footprint (centre line ± width/2) as a GeoJSON polygon: fence or intent footprint. */
export function corridorPolygon(line: LonLat[], widthM: number): GeoPolygon {
  const plane = new LocalPlane(midpoint(line));
  const pts = dedupe(line.map((p) => plane.toXY(p)));
  const ring = [...offsetLine(pts, widthM / 2), ...offsetLine(pts, -widthM / 2).reverse()];
  const coords = ring.map((p) => {
    const g = plane.toLonLat(p);
    return [g.lon, g.lat];
  });
  if (coords[0]) coords.push([...coords[0]]);
  return { type: 'Polygon', coordinates: [coords] };
}

/** The polyline offset by d metres to its left (negative: right). */
export function offsetLine(pts: XY[], d: number): XY[] {
  const normals: XY[] = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i] as XY;
    const b = pts[i + 1] as XY;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    normals.push({ x: -(b.y - a.y) / len, y: (b.x - a.x) / len });
  }
  const first = pts[0] as XY;
  const n0 = normals[0] as XY;
  const out: XY[] = [{ x: first.x + d * n0.x, y: first.y + d * n0.y }];
  for (let j = 1; j + 1 < pts.length; j++) {
    const p = pts[j] as XY;
    const na = normals[j - 1] as XY;
    const nb = normals[j] as XY;
    const k = 1 + na.x * nb.x + na.y * nb.y;
    // Mitre: the offset lines meet at p + d(na + nb)/(1 + na·nb); bevel when that is over 4·|d| away.
    if (k > 1 / 8) out.push({ x: p.x + (d * (na.x + nb.x)) / k, y: p.y + (d * (na.y + nb.y)) / k });
    else out.push({ x: p.x + d * na.x, y: p.y + d * na.y }, { x: p.x + d * nb.x, y: p.y + d * nb.y });
  }
  const last = pts[pts.length - 1] as XY;
  const nl = normals[normals.length - 1] as XY;
  out.push({ x: last.x + d * nl.x, y: last.y + d * nl.y });
  return out;
}

function dedupe(pts: XY[]): XY[] {
  return pts.filter((p, i) => i === 0 || Math.hypot(p.x - (pts[i - 1] as XY).x, p.y - (pts[i - 1] as XY).y) > 1e-6);
}

function midpoint(line: LonLat[]): LonLat {
  const lons = line.map((p) => p.lon);
  const lats = line.map((p) => p.lat);
  return { lon: (Math.min(...lons) + Math.max(...lons)) / 2, lat: (Math.min(...lats) + Math.max(...lats)) / 2 };
}
