import { describe, expect, it } from 'vitest';
import { estimateFlight, splitIntoSorties, usableS, type DroneType } from './energy.js';
import { LocalPlane } from './geo/enu.js';
import { ll, lla } from './testing/fixtures.js';
import { planCorridor } from './planner/corridor.js';
import { planWaypoints } from './planner/point.js';

const drone: DroneType = { id: 'm3', cruiseMps: 10, climbMps: 5, descentMps: 4, enduranceS: 1800, reservePct: 25, windLimitMps: 12, maxAltM: 120 };

describe('estimateFlight', () => {
  it('is path / cruise + climb + descent + hover, feasible within endurance × (1 − reserve)', () => {
    const e = estimateFlight([lla(0, 0, 0), lla(0, 0, 50), { ...lla(3000, 0, 50), holdS: 30 }, lla(0, 0, 50), lla(0, 0, 0)], drone);
    expect(e.horizontalM).toBeCloseTo(6000, 0);
    expect(e.durationS).toBeCloseTo(600 + 10 + 12.5 + 30, 1);
    expect(e.usableS).toBe(1350);
    expect(e.feasible).toBe(true);
    expect(estimateFlight([lla(0, 0, 0), lla(7000, 0, 0), lla(0, 0, 0)], drone).feasible).toBe(false);
  });
});

describe('splitIntoSorties', () => {
  const dock = ll(0, -500);
  const route = planCorridor([ll(0, 0), ll(6_000, 0)], { widthM: 120, spacingM: 30, altM: 60 });

  it('splits a long corridor into sorties that each fit and together cover the route in order', () => {
    const split = splitIntoSorties(dock, route, drone);
    expect(split.ok).toBe(true);
    if (!split.ok) return;
    expect(split.sorties.length).toBeGreaterThan(1);
    const plane = new LocalPlane(dock);
    let covered = 0;
    split.sorties.forEach((s, i) => {
      expect(s.durationS).toBeLessThanOrEqual(usableS(drone) + 1e-6);
      // Independent estimate of the sortie flown from the dock and back.
      const path = [{ ...dock, altM: 0 }, { ...dock, altM: 60 }, ...s.route.points, { ...dock, altM: 60 }, { ...dock, altM: 0 }];
      const est = estimateFlight(path, drone);
      expect(est.durationS).toBeCloseTo(s.durationS, 0);
      expect(est.feasible).toBe(true);
      const pts = s.route.points.map((p) => plane.toXY(p));
      for (let k = 1; k < pts.length; k++) covered += Math.hypot(pts[k]!.x - pts[k - 1]!.x, pts[k]!.y - pts[k - 1]!.y);
      const next = split.sorties[i + 1];
      if (next) {
        const end = plane.toXY(s.route.points[s.route.points.length - 1]!);
        const start = plane.toXY(next.route.points[0]!);
        expect(Math.hypot(end.x - start.x, end.y - start.y)).toBeLessThan(0.01);
      }
    });
    // Four 6 km transects and three 30 m hops between them.
    expect(covered).toBeCloseTo(24_090, -1);
    // Not wasteful: no sortie but the last ends with more than a minute to spare.
    for (const s of split.sorties.slice(0, -1)) expect(usableS(drone) - s.durationS).toBeLessThan(60);
  });

  it('returns one sortie when the route fits', () => {
    const short = planWaypoints([lla(0, 0, 60), lla(1000, 0, 60)]);
    const split = splitIntoSorties(dock, short, drone);
    expect(split.ok && split.sorties.length).toBe(1);
  });

  it('reports a route point beyond round-trip range', () => {
    const far = planWaypoints([lla(0, 0, 60), lla(9000, 0, 60)]);
    expect(splitIntoSorties(dock, far, drone)).toMatchObject({ ok: false, reason: 'unreachable', atIndex: 1 });
    expect(splitIntoSorties(dock, planWaypoints([lla(8000, 0, 60)]), drone)).toMatchObject({ ok: false, atIndex: 0 });
  });
});
