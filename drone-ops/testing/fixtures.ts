/** Test fixtures: shapes built in metres around an origin and turned into lon/lat values. */
import fc from 'fast-check';
import { LocalPlane } from '../geo/enu.js';
import type { GeoPolygon, LonLat, LonLatAlt } from '../geo/types.js';

export const ORIGIN: LonLat = { lon: 120.38, lat: 36.1 };
export const plane = new LocalPlane(ORIGIN);

export function ll(x: number, y: number): LonLat {
  return plane.toLonLat({ x, y });
}

/** A GeoJSON LineString through points given in metres east/north of ORIGIN. */
export function lineM(...pts: [number, number][]): { type: 'LineString'; coordinates: [number, number][] } {
  return { type: 'LineString', coordinates: pts.map(([x, y]) => [ll(x, y).lon, ll(x, y).lat]) };
}

export function lla(x: number, y: number, altM: number): LonLatAlt {
  return { ...plane.toLonLat({ x, y }), altM };
}

/** A GeoJSON polygon from metre coordinates around ORIGIN (closed automatically). */
export function polygonM(pts: [number, number][], holes: [number, number][][] = []): GeoPolygon {
  const ring = (r: [number, number][]): number[][] => {
    const c = r.map(([x, y]) => {
      const g = ll(x, y);
      return [g.lon, g.lat];
    });
    return [...c, [...(c[0] ?? [])]];
  };
  return { type: 'Polygon', coordinates: [ring(pts), ...holes.map(ring)] };
}

export function squareM(cx: number, cy: number, h: number): GeoPolygon {
  return polygonM([
    [cx - h, cy - h],
    [cx + h, cy - h],
    [cx + h, cy + h],
    [cx - h, cy + h],
  ]);
}

/** Star-shaped polygons (angles sorted, radii varied): concave unless `convex`. Radii in metres. */
export function starPolygonArb(opts: { convex: boolean; minR: number; maxR: number }): fc.Arbitrary<{ pts: [number, number][]; r: number }> {
  return fc
    .record({
      n: fc.integer({ min: opts.convex ? 3 : 5, max: 18 }),
      r: fc.double({ min: opts.minR, max: opts.maxR, noNaN: true }),
      seedAngles: fc.array(fc.double({ min: 0.2, max: 1, noNaN: true }), { minLength: 18, maxLength: 18 }),
      seedRadii: fc.array(fc.double({ min: 0.3, max: 1, noNaN: true }), { minLength: 18, maxLength: 18 }),
      rot: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
    })
    .map(({ n, r, seedAngles, seedRadii, rot }) => {
      const w = seedAngles.slice(0, n);
      const total = w.reduce((a, b) => a + b, 0);
      let acc = rot;
      const pts: [number, number][] = [];
      for (let i = 0; i < n; i++) {
        const rad = opts.convex ? r : r * (seedRadii[i] ?? 1);
        pts.push([rad * Math.cos(acc), rad * Math.sin(acc)]);
        acc += ((w[i] ?? 1) / total) * 2 * Math.PI;
      }
      return { pts, r };
    });
}
