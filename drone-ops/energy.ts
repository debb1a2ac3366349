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

export function usableS(drone: DroneType): number {
  return drone.enduranceS * (1 - drone.reservePct / 100);
}

/** Seconds for one leg: horizontal at cruise, then climb or descent (not concurrent: conservative). */
export function legS(drone: DroneType, horizontalM: number, dz: number): number {
  return horizontalM / drone.cruiseMps + (dz > 0 ? dz / drone.climbMps : -dz / drone.descentMps);
}

/** Flight time = path / cruise + climb + descent + hover; feasible when ≤ endurance × (1 − reserve). */
export function estimateFlight(path: (LonLatAlt & { holdS?: number })[], drone: DroneType): FlightEstimate {
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
  const durationS = horizontalM / drone.cruiseMps + climbM / drone.climbMps + descentM / drone.descentMps + holdS;
  const batteryPct = (durationS / drone.enduranceS) * 100;
  return {
    horizontalM,
    climbM,
    descentM,
    holdS,
    durationS,
    batteryPct,
    ...(drone.batteryWh === undefined ? {} : { energyWh: (batteryPct / 100) * drone.batteryWh }),
    usableS: usableS(drone),
    feasible: durationS <= usableS(drone),
  };
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
