/**
 * Calibration of the default drone type's energy model against the bundled vehicle simulator: planned
 * missions are flown with the simulator's own physics and battery drain (simulators/vehicle/physics.ts)
 * at the speeds the mission commands, the battery used is fitted as a·t + b·d by least squares, and the
 * planner's estimates must match what was flown: battery and duration within 10 %.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_AIRFRAME, drain, moveToward, type Pose } from '../simulators/vehicle/physics.js';
import { LocalPlane } from '../drone-ops/geo/enu.js';
import { buildMission } from '../drone-ops/planner/mission.js';
import { planCorridor } from '../drone-ops/planner/corridor.js';
import { planPoint, planWaypoints } from '../drone-ops/planner/point.js';
import { DEFAULT_DRONE_TYPE } from '../drone-ops/service/registry.js';
import { ll, lla } from '../drone-ops/testing/fixtures.js';
import type { Route } from '../drone-ops/planner/types.js';

const type = DEFAULT_DRONE_TYPE;
/** The simulator's airframe flying the commanded speed (DO_CHANGE_SPEED = the type's cruise). */
const af = { ...DEFAULT_AIRFRAME, cruiseMs: type.cruiseMps };

interface Flown {
  s: number;
  m: number;
  pct: number;
}

/** Flies the planned path point by point with the simulator's kinematics and drain (10 Hz). */
function fly(path: { lon: number; lat: number; altM: number; holdS?: number }[]): Flown {
  const plane = new LocalPlane(path[0]!);
  let pose: Pose = { x: 0, y: 0, z: 0 };
  let battery = 100;
  let s = 0;
  let m = 0;
  const dt = 0.1;
  for (const p of path.slice(1)) {
    const xy = plane.toXY(p);
    const target = { x: xy.x, y: xy.y, z: p.altM };
    for (let guard = 0; guard < 1e6; guard++) {
      const step = moveToward(pose, target, dt, { ...af, arrivalM: 0.5 });
      pose = step.pose;
      battery = drain(battery, dt, step.movedM, 0, af);
      s += dt;
      m += step.movedM;
      if (step.arrived && Math.hypot(target.x - pose.x, target.y - pose.y) < 0.6) break;
    }
    for (let h = 0; h < (p.holdS ?? 0); h += dt) {
      battery = drain(battery, dt, 0, 0, af);
      s += dt;
    }
  }
  return { s, m, pct: 100 - battery };
}

/** Least squares for pct = a·s + b·m (normal equations). */
function fit(xs: Flown[]): { a: number; b: number } {
  let ss = 0, sm = 0, mm = 0, sp = 0, mp = 0;
  for (const x of xs) {
    ss += x.s * x.s; sm += x.s * x.m; mm += x.m * x.m; sp += x.s * x.pct; mp += x.m * x.pct;
  }
  const det = ss * mm - sm * sm;
  return { a: (sp * mm - mp * sm) / det, b: (mp * ss - sp * sm) / det };
}

const home = lla(0, 0, 0);
const routes: Route[] = [
  planPoint(ll(800, 300), { altM: 60, hoverS: 60 }),
  planPoint(ll(-2500, 1200), { altM: 90, hoverS: 30 }),
  planWaypoints([lla(500, 0, 40), lla(1500, 800, 80), lla(3000, -500, 60)]),
  planCorridor([ll(200, 0), ll(2200, 0)], { widthM: 60, spacingM: 30, altM: 50 }),
  planCorridor([ll(-1000, 500), ll(-1000, 3500)], { widthM: 90, spacingM: 30, altM: 70 }),
];

describe('energy model calibrated against the vehicle simulator', () => {
  const flights = routes.map((r) => {
    const mission = buildMission(home, r, type);
    return { planned: mission, flown: fly(mission.path) };
  });

  it('fits the simulator drain: a·t + b·d with the default type coefficients (within 5 %)', () => {
    const { a, b } = fit(flights.map((f) => f.flown));
    expect(Math.abs(a - type.airbornePctPerS!) / type.airbornePctPerS!).toBeLessThan(0.05);
    expect(Math.abs(b - type.pctPerM!) / type.pctPerM!).toBeLessThan(0.05);
  });

  it('plans what the simulator flies: battery and duration within 10 % on every mission', () => {
    for (const { planned, flown } of flights) {
      expect(Math.abs(planned.batteryPct - flown.pct) / flown.pct).toBeLessThan(0.1);
      expect(Math.abs(planned.durationS - flown.s) / flown.s).toBeLessThan(0.1);
    }
  });
});
