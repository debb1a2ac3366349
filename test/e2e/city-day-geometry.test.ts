import { describe, expect, it } from 'vitest';
import { clearanceM, insideRings, insideZone, metres, polygonsOverlap, type Ring } from './city-day-geometry.js';

const o = { lon: 120.38, lat: 36.07 };
const box = (x0: number, y0: number, x1: number, y1: number): Ring => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map(([x, y]) => [o.lon + x! * 1e-4, o.lat + y! * 1e-4] as [number, number]);

describe('the city-day test’s own geometry', () => {
  it('measures metres, points in polygons (with holes) and circles', () => {
    expect(metres(o, { lon: o.lon, lat: o.lat + 0.001 }).y).toBeCloseTo(111.2, 0);
    const pt = (x: number, y: number) => ({ lon: o.lon + x * 1e-4, lat: o.lat + y * 1e-4 });
    expect(insideRings(pt(5, 5), [box(0, 0, 10, 10)])).toBe(true);
    expect(insideRings(pt(5, 5), [box(0, 0, 10, 10), box(4, 4, 6, 6)])).toBe(false);
    expect(insideRings(pt(11, 5), [box(0, 0, 10, 10)])).toBe(false);
    expect(insideZone({ lon: o.lon + 0.001, lat: o.lat }, { circle: { ...o, r: 100 } })).toBe(true);
    expect(insideZone({ lon: o.lon + 0.0013, lat: o.lat }, { circle: { ...o, r: 100 } })).toBe(false);
  });

  it('finds overlapping, containing and separate polygons, and the clearance of a route', () => {
    expect(polygonsOverlap(box(0, 0, 10, 10), box(5, 5, 15, 15))).toBe(true);
    expect(polygonsOverlap(box(0, 0, 10, 10), box(2, 2, 3, 3))).toBe(true);
    expect(polygonsOverlap(box(0, 0, 10, 10), box(11, 0, 20, 10))).toBe(false);
    expect(clearanceM([{ lon: o.lon - 0.01, lat: o.lat + 0.001 }, { lon: o.lon + 0.01, lat: o.lat + 0.001 }], o)).toBeCloseTo(111.2, 0);
  });
});
