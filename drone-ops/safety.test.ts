import { describe, expect, it } from 'vitest';
import { createAirspace } from './airspace.js';
import { buildMission } from './planner/mission.js';
import { planWaypoints } from './planner/point.js';
import { checkSafety, RECALL_MARGIN_PCT, remainingRoute, resumeItems } from './safety.js';
import { DEFAULT_DRONE_TYPE } from './service/registry.js';
import { ll, lla, squareM } from './testing/fixtures.js';

const airspace = createAirspace({
  operationAreas: [{ id: 'area', area: squareM(0, 0, 2000) }],
  noFlyZones: [{ id: 'nfz', footprint: { type: 'Circle', center: ll(1000, 1000), radiusM: 200 }, floorM: 0, ceilingM: 500 }],
});
const type = DEFAULT_DRONE_TYPE;
const mission = buildMission({ ...ll(0, 0), altM: 0 }, planWaypoints([lla(0, 1000, 50), lla(500, 1000, 50), lla(500, 0, 50)]), type);
const base = { at: 0, airspace, type, batteryPct: 90, remaining: remainingRoute(mission.items, 3, mission.home) };

describe('checkSafety', () => {
  it('lets a drone inside the fence with enough battery continue', () => {
    expect(checkSafety({ ...base, position: lla(0, 1000, 50) })).toEqual({ action: 'continue' });
  });
  it('returns on leaving the fence, naming where', () => {
    const v = checkSafety({ ...base, position: lla(2500, 0, 50) });
    expect(v).toMatchObject({ action: 'rtl', kind: 'geofence' });
    expect(v.action === 'rtl' && v.reason).toMatch(/^geofence breach at 120\.\d+,36\.\d+ alt 50 m: outside the fence/);
  });
  it('returns on entering a no-fly zone', () => {
    const v = checkSafety({ ...base, position: lla(1000, 1050, 50) });
    expect(v.action === 'rtl' && v.reason).toMatch(/inside no-fly zone nfz/);
  });
  it('returns when the battery cannot cover the remaining route plus the reserve', () => {
    expect(checkSafety({ ...base, batteryPct: 25, position: lla(0, 1000, 50) })).toMatchObject({ action: 'rtl', kind: 'battery' });
    expect(checkSafety({ ...base, batteryPct: 40, position: lla(0, 1000, 50) }).action).toBe('continue');
  });
  it('recalls on batteryToFinishPct at the commanded speed: a slower mission needs more battery for the same route', () => {
    const here = lla(0, 1000, 50);
    // Independent figure: the rest of the loop (500 m east, 1000 m south, 500 m west home) and the 50 m
    // descent, at 5 m/s and 1.5 m/s, with the type's 0.05 %/s airborne and 0.002 %/m.
    const horizontal = 500 + 1000 + 500;
    const slowS = horizontal / 5 + 50 / 1.5;
    const need = 0.05 * slowS + 0.002 * (horizontal + 50) + 20 + RECALL_MARGIN_PCT;
    expect(checkSafety({ ...base, batteryPct: need - 0.5, position: here, speedMps: 5 })).toMatchObject({ action: 'rtl', kind: 'battery' });
    expect(checkSafety({ ...base, batteryPct: need + 0.5, position: here, speedMps: 5 }).action).toBe('continue');
    // The same battery is plenty at the type's 12 m/s cruise.
    expect(checkSafety({ ...base, batteryPct: need - 0.5, position: here }).action).toBe('continue');
  });
});

describe('remainingRoute and resumeItems', () => {
  it('lists the waypoints ahead, then home at altitude and on the ground', () => {
    const r = remainingRoute(mission.items, 3, mission.home);
    expect(r).toHaveLength(4);
    expect(r[0]!.lon).toBeCloseTo(lla(500, 1000, 50).lon, 6);
    expect(r[3]).toMatchObject({ altM: 0 });
  });
  it('restarts from the last reached item with take-off and the speed change kept and items renumbered', () => {
    const r = resumeItems(mission.items, 3, mission.home)!;
    expect(r.items.map((i) => i.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    // …, the home leg: NAV_WAYPOINT over the dock, NAV_LAND on it.
    expect(r.items.map((i) => i.command)).toEqual([22, 178, 16, 16, 16, 21]);
    expect(r.items[2]!.x).toBe(mission.items[3]!.x);
    expect(r.path[0]).toMatchObject({ altM: 0 });
    expect(resumeItems(mission.items, 99, mission.home)).toBeUndefined();
    // Reached the way home: nothing of the route is left to fly again.
    expect(resumeItems(mission.items, mission.items.length - 2, mission.home)).toBeUndefined();
  });
});
