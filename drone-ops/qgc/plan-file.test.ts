import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import { DEFAULT_DRONE_TYPE } from '../service/index.js';
import { buildMission, MAV_CMD } from '../planner/mission.js';
import { planWaypoints } from '../planner/point.js';
import { lla, ll } from '../testing/fixtures.js';
import { toQgcPlan } from './plan-file.js';
import { fromQgcPlan } from './plan-import.js';

const fixture = (): unknown => JSON.parse(readFileSync(new URL('./fixtures/pier-inspection.plan', import.meta.url), 'utf8'));

function invalidReason(file: unknown): { reason: string; path: string } {
  try {
    fromQgcPlan(file);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('QGC_PLAN_INVALID');
    return (err as AppError).details as { reason: string; path: string };
  }
  throw new Error('accepted');
}

describe('QGroundControl .plan import', () => {
  it('reads a QGC plan: waypoints, AMSL through the planned home, survey items, loiter hold; a warning for each part not kept', () => {
    const r = fromQgcPlan(fixture());
    expect(r.path).toEqual([
      [120.3822, 36.1, 60],
      [120.3822, 36.1018, 60],
      [120.3844, 36.1018, 60],
      [120.3844, 36.1, 60],
      [120.3855, 36.1009, 60],
    ]);
    expect(r.holdS).toBe(10);
    expect(r.home).toEqual({ lat: 36.1, lon: 120.38, altM: 12.5 });
    const msgs = r.warnings.map((w) => `${w.item ?? '-'}:${w.message}`);
    expect(msgs).toContainEqual(expect.stringMatching(/^2:speed change to 8 m\/s not kept/));
    expect(msgs).toContainEqual(expect.stringMatching(/^5:command 206 not kept/));
    expect(msgs).toContainEqual(expect.stringMatching(/^7:command 206 not kept/));
    expect(msgs).toContainEqual(expect.stringMatching(/^6:survey imported as its 2 generated waypoints/));
    expect(msgs).toContainEqual(expect.stringMatching(/hold times differ \(0, 10 s\)/));
    expect(msgs).toContainEqual(expect.stringMatching(/1 rally point\(s\) not kept/));
    expect(msgs.some((m) => /fence/.test(m))).toBe(false);
    expect(r.fence).toHaveLength(2);
    expect(r.fence[1]).toEqual({ inclusion: false, circle: { center: { lat: 36.106, lon: 120.395 }, radiusM: 50 } });
    expect(r.rally).toEqual([{ lat: 36.1005, lon: 120.381, altM: 30 }]);
  });

  it("warns about waypoints outside the file's inclusion fence or inside an exclusion", () => {
    const f = fixture() as { geoFence: { circles: { circle: { center: number[]; radius: number } }[] } };
    f.geoFence.circles[0]!.circle = { center: [36.1, 120.3822], radius: 30 };
    const plan = fixture() as { geoFence: { polygons: { polygon: number[][] }[] } };
    plan.geoFence.polygons[0]!.polygon = [[36.098, 120.378], [36.098, 120.383], [36.104, 120.383], [36.104, 120.378]];
    expect(fromQgcPlan(f).warnings.map((w) => w.message)).toContain("waypoint 1 is inside one of the plan's exclusion fences");
    expect(fromQgcPlan(plan).warnings.map((w) => w.message)).toContain("waypoint 3 is outside the plan's inclusion fence");
  });

  it('answers QGC_PLAN_INVALID, with where, for what is not a plan', () => {
    const base = fixture() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(invalidReason([1, 2])).toMatchObject({ path: '/' });
    expect(invalidReason({ ...base, fileType: 'Mission' })).toMatchObject({ path: '/fileType' });
    expect(invalidReason({ ...base, version: 2 })).toMatchObject({ path: '/version' });
    expect(invalidReason({ ...base, mission: {} })).toMatchObject({ path: '/mission/items' });
    const shortParams = structuredClone(base);
    shortParams.mission.items[2].params = [0, 0, 0, 0, 36.1];
    expect(invalidReason(shortParams)).toMatchObject({ path: '/mission/items/2/params' });
    const badLat = structuredClone(base);
    badLat.mission.items[2].params = [0, 0, 0, null, 136.1, 120.38, 60];
    expect(invalidReason(badLat)).toMatchObject({ path: '/mission/items/2/params' });
    const nothing = structuredClone(base);
    nothing.mission.items = [base.mission.items[0], base.mission.items[1]];
    expect(invalidReason(nothing)).toMatchObject({ reason: 'no waypoint to fly' });
    expect(invalidReason({ ...base, geoFence: { version: 2, polygons: [{ inclusion: true, polygon: [[36.1, 120.38]] }] } })).toMatchObject({ path: '/geoFence/polygons/0' });
  });
});

describe('QGroundControl .plan export', () => {
  const home = { ...ll(0, 0), altM: 0 };
  const route = planWaypoints([{ ...lla(100, 0, 50), holdS: 5 }, { ...lla(300, 200, 70), holdS: 5 }, { ...lla(500, 0, 70), holdS: 5 }]);
  const mission = buildMission(home, route, DEFAULT_DRONE_TYPE);
  const fence = { inclusion: [[[120.37, 36.09], [120.4, 36.09], [120.4, 36.11], [120.37, 36.11], [120.37, 36.09]] as [number, number][]], exclusions: [], rally: [{ ...ll(0, 0), altM: 30 }] };
  const file = JSON.parse(JSON.stringify(toQgcPlan({ items: mission.items, home, speedMps: mission.speedMps, autopilot: 'px4', fence }))) as ReturnType<typeof toQgcPlan>;

  it('writes the QGC shape: SimpleItems with seven params (NaN as null), home, speeds, firmware, fence in [lat, lon] without the closing vertex', () => {
    expect(file).toMatchObject({ fileType: 'Plan', version: 1, mission: { version: 2, firmwareType: 12, vehicleType: 2, cruiseSpeed: mission.speedMps, plannedHomePosition: [home.lat, home.lon, 0] } });
    expect(file.mission.items.map((i) => i.command)).toEqual([MAV_CMD.NAV_TAKEOFF, MAV_CMD.DO_CHANGE_SPEED, 16, 16, 16, 16, MAV_CMD.NAV_LAND]);
    expect(file.mission.items[2]).toMatchObject({ type: 'SimpleItem', doJumpId: 3, frame: 3, Altitude: 50, AltitudeMode: 1, AMSLAltAboveTerrain: null, params: [5, 0, 0, null, expect.closeTo(lla(100, 0, 0).lat, 7), expect.closeTo(lla(100, 0, 0).lon, 7), 50] });
    expect(file.mission.items[1]).not.toHaveProperty('Altitude');
    expect(file.geoFence.polygons).toEqual([{ inclusion: true, version: 1, polygon: [[36.09, 120.37], [36.09, 120.4], [36.11, 120.4], [36.11, 120.37]] }]);
    expect(file.rallyPoints.points).toEqual([[home.lat, home.lon, 30]]);
  });

  it('round-trips: the imported route, planned again, gives the same MAVLink items', () => {
    const back = fromQgcPlan(file);
    expect(back.holdS).toBe(5);
    const again = buildMission(home, planWaypoints(back.path.map(([lon, lat, altM]) => ({ lon, lat, altM, holdS: back.holdS ?? 0 }))), DEFAULT_DRONE_TYPE);
    expect(JSON.stringify(again.items)).toBe(JSON.stringify(mission.items));
    expect(back.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^speed change to .* not kept/), '1 rally point(s) not kept: the platform sends its own (the dock, then the nearest docks)']);
  });
});
