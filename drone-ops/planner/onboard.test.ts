import { describe, expect, it } from 'vitest';
import { createAirspace, type NoFlyZone } from '../airspace.js';
import { ll, lla, polygonM, squareM } from '../testing/fixtures.js';
import { onboardFence } from './onboard.js';

const circle = (id: string, x: number, y: number, r: number, extra: Partial<NoFlyZone> = {}): NoFlyZone => ({ id, footprint: { type: 'Circle', center: ll(x, y), radiusM: r }, floorM: 0, ceilingM: 300, ...extra });
const path = [lla(0, 0, 0), lla(0, 0, 50), lla(800, 0, 50), lla(0, 0, 50), lla(0, 0, 0)];
const rally = [ll(0, 0), ll(-1500, 0)];

/** Independent even-odd point-in-ring on [lon, lat] pairs. */
function inside(p: { lon: number; lat: number }, ring: [number, number][]): boolean {
  let c = false;
  for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
    const [xa, ya] = ring[a]!;
    const [xb, yb] = ring[b]!;
    if (ya > p.lat !== yb > p.lat && p.lon < ((xb - xa) * (p.lat - ya)) / (yb - ya) + xa) c = !c;
  }
  return c;
}

describe('onboardFence', () => {
  it('uses the area as inclusion, nearby active zones as buffered exclusions, the dock first among rally points', () => {
    const f = onboardFence({
      airspace: createAirspace({ operationAreas: [{ id: 'a', area: squareM(0, 0, 3000) }], noFlyZones: [circle('near', 1500, 0, 200), circle('far', 20_000, 0, 200), circle('later', 500, 500, 100, { windows: [{ startMs: 10 * 3_600_000, endMs: 11 * 3_600_000 }] })] }),
      path,
      at: 0,
      durationMs: 600_000,
      rally,
    });
    expect(f.inclusion).toHaveLength(1);
    expect(f.exclusions).toHaveLength(1);
    expect(inside(ll(1500 + 205, 0), f.exclusions[0]!)).toBe(true); // the 20 m buffer
    expect(f.rally[0]).toMatchObject({ lon: rally[0]!.lon, lat: rally[0]!.lat });
    expect(f).toMatchObject({ maxAltM: 120, lostLinkAction: 'rtl' });
  });

  it('stays within 70 vertices: a detailed area becomes a box inside it around the flight, zones grow', () => {
    const detailed = polygonM(Array.from({ length: 200 }, (_, k) => [5000 * Math.cos((2 * Math.PI * k) / 200), 5000 * Math.sin((2 * Math.PI * k) / 200)] as [number, number]));
    const zones = Array.from({ length: 8 }, (_, k) => circle(`z${k}`, 1200 + 300 * k, 900, 100));
    const f = onboardFence({ airspace: createAirspace({ operationAreas: [{ id: 'a', area: detailed }], noFlyZones: zones }), path, at: 0, durationMs: 600_000, rally });
    const total = [...f.inclusion, ...f.exclusions].reduce((n, r) => n + r.length, 0);
    expect(total).toBeLessThanOrEqual(70);
    expect(f.exclusions).toHaveLength(8);
    for (const p of path) expect(inside(p, f.inclusion[0]!)).toBe(true);
    for (const [k] of zones.entries()) expect(inside(ll(1200 + 300 * k + 100, 900), f.exclusions[k]!)).toBe(true);
    // The box is inside the circle of radius 5000 m.
    for (const [lon, lat] of f.inclusion[0]!) expect(inside({ lon, lat }, detailed.coordinates[0] as [number, number][])).toBe(true);
  });
});
