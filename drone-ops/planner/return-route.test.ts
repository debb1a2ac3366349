import { describe, expect, it } from 'vitest';
import { createAirspace, type NoFlyZone } from '../airspace.js';
import { ll, lla, squareM } from '../testing/fixtures.js';
import { planReturn } from './return-route.js';

const area = { id: 'area', area: squareM(0, 0, 3000) };
const zone = (id: string, x: number, y: number, r: number, extra: Partial<NoFlyZone> = {}): NoFlyZone => ({ id, footprint: { type: 'Circle', center: ll(x, y), radiusM: r }, floorM: 0, ceilingM: 300, ...extra });
const home = ll(0, 0);

/** Independent check (not the planner's geometry): metres from a circle centre, sampled along each leg. */
function minClearance(route: { lon: number; lat: number }[], c: { lon: number; lat: number }): number {
  const k = 111_320;
  const toXY = (p: { lon: number; lat: number }) => ({ x: (p.lon - c.lon) * k * Math.cos((c.lat * Math.PI) / 180), y: (p.lat - c.lat) * 110_574 });
  let best = Infinity;
  for (let i = 0; i + 1 < route.length; i++) {
    const a = toXY(route[i]!);
    const b = toXY(route[i + 1]!);
    for (let s = 0; s <= 200; s++) best = Math.min(best, Math.hypot(a.x + ((b.x - a.x) * s) / 200, a.y + ((b.y - a.y) * s) / 200));
  }
  return best;
}

describe('planReturn', () => {
  it('flies plain RTL when the straight line home is clear', () => {
    const r = planReturn({ airspace: createAirspace({ operationAreas: [area] }), position: lla(1000, 0, 50), home, at: 0 });
    expect(r).toMatchObject({ kind: 'rtl', via: 'straight' });
    expect(r.route.at(-1)).toMatchObject({ altM: 0 });
  });

  it('goes around a zone on the straight line, keeping clear of it', () => {
    const nfz = zone('nfz', 500, 0, 150);
    const r = planReturn({ airspace: createAirspace({ operationAreas: [area], noFlyZones: [nfz] }), position: lla(1000, 0, 50), home, at: 0 });
    expect(r).toMatchObject({ kind: 'route', via: 'around' });
    expect(minClearance(r.route, ll(500, 0))).toBeGreaterThan(150);
  });

  it('flies under a zone whose floor is above it, and ignores a zone whose window is over', () => {
    const high = zone('high', 500, 0, 150, { floorM: 100 });
    const past = zone('past', 300, 0, 100, { windows: [{ startMs: 0, endMs: 1000 }] });
    expect(planReturn({ airspace: createAirspace({ noFlyZones: [high, past] }), position: lla(1000, 0, 50), home, at: 5000 }).kind).toBe('rtl');
  });

  it('leaves a zone it strayed into: straight out when nothing was flown, else back the way it came', () => {
    const nfz = zone('nfz', 1000, 0, 200);
    const airspace = createAirspace({ operationAreas: [area], noFlyZones: [nfz] });
    expect(planReturn({ airspace, position: lla(1000, 0, 50), home, at: 0 }).kind).toBe('rtl');
    // Came in from the east: it leaves eastwards, then goes around to the dock in the west.
    const r = planReturn({ airspace, position: lla(900, 0, 50), home, flown: [lla(0, 0, 50), lla(0, 800, 50), lla(1400, 800, 50), lla(1400, 0, 50), lla(1150, 0, 50)], at: 0 });
    expect(r).toMatchObject({ kind: 'route', via: 'reversed' });
    expect(r.route[1]).toMatchObject({ lon: lla(1400, 0, 50).lon });
    expect(minClearance(r.route.slice(1), ll(1000, 0))).toBeGreaterThan(200);
  });

  it('uses the reversed flown route when the way around is walled off, and a rally point when home is enclosed', () => {
    // A wall of zones across the direct way, the flown path went around its north end.
    const wall = [zone('w1', 500, -400, 250), zone('w2', 500, 0, 250), zone('w3', 500, 400, 250)];
    const flown = [lla(0, 0, 50), lla(0, 900, 50), lla(1000, 900, 50), lla(1000, 0, 50)];
    const r = planReturn({ airspace: createAirspace({ operationAreas: [area], noFlyZones: wall }), position: lla(1000, 0, 50), home, flown, at: 0 });
    expect(r.kind).toBe('route');
    for (const z of wall) expect(minClearance(r.route, (z.footprint as { center: { lon: number; lat: number } }).center)).toBeGreaterThan(250);
    const ring = zone('ring', 0, 0, 300);
    const rally = ll(2000, 0);
    const viaRally = planReturn({ airspace: createAirspace({ operationAreas: [area], noFlyZones: [ring] }), position: lla(1000, 0, 50), home, rally: [rally], at: 0 });
    expect(viaRally).toMatchObject({ kind: 'route', rally: true, target: rally });
  });

  it('lands where it is when no checked route exists', () => {
    const r = planReturn({ airspace: createAirspace({ operationAreas: [area], noFlyZones: [zone('ring', 0, 0, 300)] }), position: lla(1000, 0, 50), home, at: 0 });
    expect(r).toMatchObject({ kind: 'land', via: 'land_here' });
  });
});
