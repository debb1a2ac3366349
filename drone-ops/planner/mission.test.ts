import { describe, expect, it } from 'vitest';
import type { DroneType } from '../energy.js';
import { lla, ll } from '../testing/fixtures.js';
import { MAV_CMD, MAV_FRAME, buildMission, fromDegE7, toDegE7 } from './mission.js';
import { planPoint, planWaypoints } from './point.js';

const drone: DroneType = { id: 'm3', cruiseMps: 10, climbMps: 5, descentMps: 4, enduranceS: 2400, reservePct: 20, windLimitMps: 12, maxAltM: 120, batteryWh: 100 };

describe('buildMission', () => {
  it('builds take-off, the commanded speed, waypoints and the way home as MISSION_ITEM_INT fields (no home placeholder)', () => {
    const home = { ...ll(0, 0), altM: 12 };
    const m = buildMission(home, planWaypoints([lla(0, 1000, 60), { ...lla(1000, 1000, 60), holdS: 20 }]), drone);
    expect(m.items.map((i) => [i.seq, i.command, i.frame])).toEqual([
      [0, MAV_CMD.NAV_TAKEOFF, MAV_FRAME.GLOBAL_RELATIVE_ALT],
      [1, MAV_CMD.DO_CHANGE_SPEED, MAV_FRAME.MISSION],
      [2, MAV_CMD.NAV_WAYPOINT, MAV_FRAME.GLOBAL_RELATIVE_ALT],
      [3, MAV_CMD.NAV_WAYPOINT, MAV_FRAME.GLOBAL_RELATIVE_ALT],
      // Not NAV_RETURN_TO_LAUNCH (the autopilot would pick the nearest rally point): over the dock, then land on it.
      [4, MAV_CMD.NAV_WAYPOINT, MAV_FRAME.GLOBAL_RELATIVE_ALT],
      [5, MAV_CMD.NAV_LAND, MAV_FRAME.GLOBAL_RELATIVE_ALT],
    ]);
    expect(m.items[4]).toMatchObject({ x: toDegE7(home.lat), y: toDegE7(home.lon), z: 60 });
    expect(m.items[5]).toMatchObject({ x: toDegE7(home.lat), y: toDegE7(home.lon), z: 0 });
    expect(m.items[0]).toMatchObject({ current: 1, x: toDegE7(home.lat), y: toDegE7(home.lon), z: 60 });
    // MAV_CMD_DO_CHANGE_SPEED: ground speed (1), the type's cruise speed, throttle unchanged (−1).
    expect(m.items[1]).toMatchObject({ param1: 1, param2: 10, param3: -1 });
    expect(m.speedMps).toBe(10);
    expect(m.items[3]?.param1).toBe(20);
    expect(m.items.every((i) => Number.isInteger(i.x) && Number.isInteger(i.y) && i.missionType === 0 && i.autocontinue === 1)).toBe(true);
  });

  it('computes length, duration and battery from the drone type', () => {
    const m = buildMission({ ...ll(0, 0), altM: 0 }, planWaypoints([lla(0, 1000, 60), { ...lla(1000, 1000, 60), holdS: 20 }]), drone);
    // 1000 + 1000 + √2·1000 m at 10 m/s, climb 60 m at 5 m/s, descent 60 m at 4 m/s, hold 20 s.
    const horizontal = 2000 + Math.SQRT2 * 1000;
    expect(m.lengthM).toBeCloseTo(horizontal, 0);
    expect(m.durationS).toBeCloseTo(horizontal / 10 + 12 + 15 + 20, 0);
    expect(m.batteryPct).toBeCloseTo((m.durationS / 2400) * 100, 6);
    expect(m.energyWh).toBeCloseTo(m.batteryPct, 6);
    expect(m.feasible).toBe(true);
    expect(buildMission({ ...ll(0, 0), altM: 0 }, planWaypoints([lla(0, 10_000, 60)]), { ...drone, enduranceS: 2000 }).feasible).toBe(false);
  });

  it('orbits a point with NAV_LOITER_TURNS and counts the circle in the path', () => {
    const m = buildMission({ ...ll(0, 0), altM: 0 }, planPoint(ll(500, 0), { altM: 50, orbitRadiusM: 40, turns: 2 }), drone);
    expect(m.items[2]).toMatchObject({ command: MAV_CMD.NAV_LOITER_TURNS, param1: 2, param3: 40 });
    // Two turns of a 16-gon inscribed in r = 40 m, plus 40 m out from the centre, back from the circle edge.
    const circle = 2 * 16 * 2 * 40 * Math.sin(Math.PI / 16);
    expect(m.lengthM).toBeCloseTo(500 + 40 + circle + 540, 0);
    const hover = buildMission({ ...ll(0, 0), altM: 0 }, planPoint(ll(500, 0), { altM: 50, hoverS: 45 }), drone);
    expect(hover.items[2]).toMatchObject({ command: MAV_CMD.NAV_WAYPOINT, param1: 45 });
    expect(hover.durationS).toBeCloseTo(100 + 10 + 12.5 + 45, 0);
  });

  it('converts degrees to degE7 and back within 1e-7°', () => {
    expect(toDegE7(120.3812345678)).toBe(1203812346);
    expect(fromDegE7(toDegE7(36.0712345))).toBeCloseTo(36.0712345, 7);
  });
});

describe('inspection pictures', () => {
  it('puts MAV_CMD_IMAGE_START_CAPTURE right after the inspection point: every camera, 2 s apart, N images', () => {
    const home = { ...ll(0, 0), altM: 0 };
    const m = buildMission(home, planPoint(ll(300, 0), { altM: 60, hoverS: 20, captureImages: 3 }), drone);
    expect(m.items.map((i) => i.command)).toEqual([MAV_CMD.NAV_TAKEOFF, MAV_CMD.DO_CHANGE_SPEED, MAV_CMD.NAV_WAYPOINT, MAV_CMD.IMAGE_START_CAPTURE, MAV_CMD.NAV_WAYPOINT, MAV_CMD.NAV_LAND]);
    expect(m.items[3]).toMatchObject({ seq: 3, frame: MAV_FRAME.MISSION, param1: 0, param2: 2, param3: 3, param4: 0 });
    const single = buildMission(home, planPoint(ll(300, 0), { altM: 60, captureImages: 1 }), drone);
    expect(single.items[3]).toMatchObject({ param3: 1, param4: 1 }); // a single capture carries its sequence number
    expect(buildMission(home, planPoint(ll(300, 0), { altM: 60 }), drone).items.map((i) => i.command)).not.toContain(MAV_CMD.IMAGE_START_CAPTURE);
  });
});
