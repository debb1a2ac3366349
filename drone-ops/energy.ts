import { LocalPlane } from './geo/enu.js';
import type { LonLat, LonLatAlt, XY } from './geo/types.js';
import type { Route, RoutePoint } from './planner/types.js';

/** A drone model's performance (configurable per dock and drone type, domain.md). */
export interface DroneType {
  id: string;
  cruiseMps: number;
  climbMps: number;
  descentMps: number;
  /** Flight time on a full battery, seconds. */
  enduranceS: number;
  /** Battery kept in reserve, percent of a full battery (0–100). */
  reservePct: number;
  windLimitMps: number;
  maxAltM: number;
  /** Battery energy, Wh (optional: with it estimates also give Wh). */
  batteryWh?: number;
  /**
   * Battery use while airborne, percent of a full battery per second (hover power). Absent: the
   * endurance model, 100 / enduranceS. Calibrated per type against flights (docs/drone-ops-api.md "Energy").
   */
  airbornePctPerS?: number;
  /** Extra battery use per metre flown (horizontal and vertical), percent; default 0. */
  pctPerM?: number;
}

/** MAV_CMD_DO_CHANGE_SPEED (common.xml): param2 = speed, m/s (−1 = no change). */
export const MAV_CMD_DO_CHANGE_SPEED = 178;

/** The speed a mission commands (its first DO_CHANGE_SPEED), or undefined when it commands none. */
export function commandedSpeedMps(items: readonly { command: number; param2: number }[]): number | undefined {
  const it = items.find((i) => i.command === MAV_CMD_DO_CHANGE_SPEED && i.param2 > 0);
  return it?.param2;
}

/** Options of an estimate: the horizontal speed actually commanded (default the type's cruise). */
export interface EstimateOptions {
  speedMps?: number;
}

/** Battery percent for a flight of `durationS` over `distanceM` (3-D) with this type's energy model. */
export function batteryPctFor(drone: DroneType, durationS: number, distanceM: number): number {
  const perS = drone.airbornePctPerS ?? 100 / drone.enduranceS;
  return perS * durationS + (drone.pctPerM ?? 0) * distanceM;
}

export interface FlightEstimate {
  horizontalM: number;
  climbM: number;
  descentM: number;
  holdS: number;
  durationS: number;
  /** Share of a full battery the flight uses. */
  batteryPct: number;
  energyWh?: number;
  /** endurance × (1 − reserve): the most a flight may take. */
  usableS: number;
  feasible: boolean;
}

/** Flight time the battery allows above the reserve, cruising (for the endurance model: endurance × (1 − reserve)). */
export function usableS(drone: DroneType): number {
  if (drone.airbornePctPerS === undefined && drone.pctPerM === undefined) return drone.enduranceS * (1 - drone.reservePct / 100);
  return (100 - drone.reservePct) / ((drone.airbornePctPerS ?? 100 / drone.enduranceS) + (drone.pctPerM ?? 0) * drone.cruiseMps);
}

/** Seconds for one leg: horizontal at cruise, then climb or descent (not concurrent: conservative). */
export function legS(drone: DroneType, horizontalM: number, dz: number, speedMps = drone.cruiseMps): number {
  return horizontalM / speedMps + (dz > 0 ? dz / drone.climbMps : -dz / drone.descentMps);
}

/**
 * Flight time = path / speed + climb + descent + hover (speed: the commanded one, else cruise); battery
 * from the type's energy model over that time and distance; feasible when the battery used leaves the
 * reserve (for the endurance model: duration ≤ endurance × (1 − reserve)).
 */
export function estimateFlight(path: (LonLatAlt & { holdS?: number })[], drone: DroneType, opts: EstimateOptions = {}): FlightEstimate {
  const first = path[0];
  let horizontalM = 0;
  let climbM = 0;
  let descentM = 0;
  let holdS = 0;
  if (first) {
    const plane = new LocalPlane(first);
    let prev = plane.toXY(first);
    let prevAlt = first.altM;
    holdS += first.holdS ?? 0;
    for (let i = 1; i < path.length; i++) {
      const p = path[i] as LonLatAlt & { holdS?: number };
      const q = plane.toXY(p);
      horizontalM += Math.hypot(q.x - prev.x, q.y - prev.y);
      const dz = p.altM - prevAlt;
      if (dz > 0) climbM += dz;
      else descentM -= dz;
      holdS += p.holdS ?? 0;
      prev = q;
      prevAlt = p.altM;
    }
  }
  const durationS = horizontalM / (opts.speedMps ?? drone.cruiseMps) + climbM / drone.climbMps + descentM / drone.descentMps + holdS;
  const batteryPct = batteryPctFor(drone, durationS, horizontalM + climbM + descentM);
  return {
    horizontalM,
    climbM,
    descentM,
    holdS,
    durationS,
    batteryPct,
    ...(drone.batteryWh === undefined ? {} : { energyWh: (batteryPct / 100) * drone.batteryWh }),
    usableS: usableS(drone),
    feasible: batteryPct <= 100 - drone.reservePct,
  };
}

/**
 * Battery a flying drone needs to finish: the rest of its route (or its return) from `position` at the
 * commanded speed, plus the type's reserve, plus `marginPct` for what the estimate does not see (wind,
 * a longer approach). The ground watch recalls the drone when its battery falls below this for the route
 * home, so that it lands above the reserve.
 */
export function batteryToFinishPct(drone: DroneType, position: LonLatAlt, remaining: LonLatAlt[], opts: EstimateOptions & { marginPct?: number } = {}): number {
  return estimateFlight([position, ...remaining], drone, opts).batteryPct + drone.reservePct + (opts.marginPct ?? 0);
}

export interface Sortie {
  route: Route;
  durationS: number;
}

export type SortieSplit =
  | { ok: true; sorties: Sortie[] }
  | { ok: false; reason: 'unreachable'; atIndex: number; message: string };

interface P3 extends XY {
  z: number;
  hold: number;
}

/**
 * Splits a long route (e.g. a corridor) into sorties that each fit the usable endurance: each sortie
 * climbs at the dock, flies to where the previous one stopped, follows the route as far as the
 * battery allows (cutting a leg mid-way, found by bisection), flies back and descends.
 */
export function splitIntoSorties(dock: LonLat, route: Route, drone: DroneType): SortieSplit {
  const plane = new LocalPlane(dock);
  const pts: P3[] = route.points.map((p) => ({ ...plane.toXY(p), z: p.altM, hold: p.holdS ?? 0 }));
  // Half a second of slack so a sortie cut exactly at the limit still passes estimateFlight's check.
  const budget = usableS(drone) - 0.5;
  const out = (p: P3): number => p.z / drone.climbMps + Math.hypot(p.x, p.y) / drone.cruiseMps;
  const back = (p: P3): number => Math.hypot(p.x, p.y) / drone.cruiseMps + p.z / drone.descentMps;
  const leg = (a: P3, b: P3): number => legS(drone, Math.hypot(b.x - a.x, b.y - a.y), b.z - a.z);
  const sorties: Sortie[] = [];
  let start = pts[0];
  let k = 1;
  while (start) {
    const part: P3[] = [start];
    let inner = start.hold;
    let cur = start;
    let cutAt: P3 | undefined;
    if (out(start) + inner + back(start) > budget) return unreachable(k - 1);
    for (; k < pts.length; k++) {
      const next = pts[k] as P3;
      const t = inner + leg(cur, next) + next.hold;
      if (out(start) + t + back(next) <= budget) {
        inner = t;
        cur = next;
        part.push(next);
        continue;
      }
      cutAt = bisectCut(cur, next, (q) => out(start as P3) + inner + leg(cur, q) + back(q) <= budget);
      break;
    }
    if (cutAt) {
      if (part.length === 1 && Math.hypot(cutAt.x - start.x, cutAt.y - start.y) < 1) return unreachable(k);
      inner += leg(cur, cutAt);
      part.push(cutAt);
    }
    sorties.push({ route: toRoute(plane, part), durationS: out(start) + inner + back(part[part.length - 1] as P3) });
    start = cutAt;
  }
  return { ok: true, sorties };
}

function bisectCut(a: P3, b: P3, fits: (q: P3) => boolean): P3 {
  let lo = 0;
  let hi = 1;
  const at = (f: number): P3 => ({ x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, z: a.z + (b.z - a.z) * f, hold: 0 });
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (fits(at(mid))) lo = mid;
    else hi = mid;
  }
  return at(lo);
}

function toRoute(plane: LocalPlane, part: P3[]): Route {
  const points: RoutePoint[] = part.map((p) => ({ ...plane.toLonLat(p), altM: p.z, ...(p.hold > 0 ? { holdS: p.hold } : {}) }));
  return { kind: 'sortie', points };
}

function unreachable(atIndex: number): SortieSplit {
  return { ok: false, reason: 'unreachable', atIndex, message: `route point ${atIndex} is out of round-trip range of the dock` };
}
