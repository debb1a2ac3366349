import { checkPath, zoneActive, type Airspace, type PathViolation } from '../airspace.js';
import { bufferedHull } from '../geo/buffer.js';
import { distanceM, LocalPlane } from '../geo/enu.js';
import { pointInRings } from '../geo/plane.js';
import { pointInShape, projectFootprint } from '../geo/shapes.js';
import type { LonLat, LonLatAlt, PlanePolygon, XY } from '../geo/types.js';
import { FreeSpace } from './free-space.js';

/**
 * Contingency returns (drone-ops.md "Returns are routes"): an autopilot's RTL flies a straight line home
 * through anything, so a return is planned and checked like any leg before it is commanded. In order:
 * the straight line home when it is clear (plain RTL is then safe), a route around the active zones
 * (FreeSpace visibility graph over buffered zones), the flown route reversed (shortcut where legs are
 * clear), the same to each rally point; if no checked route exists, landing where the drone is (when that
 * spot is outside every zone) — never an unchecked straight line.
 */
export type ReturnPlan =
  | { kind: 'rtl'; via: 'straight'; route: LonLatAlt[]; target: LonLat }
  | { kind: 'route'; via: 'around' | 'reversed'; route: LonLatAlt[]; target: LonLat; rally: boolean }
  | { kind: 'land'; via: 'land_here'; route: LonLatAlt[]; target: LonLat; reason: string };

export interface ReturnInput {
  airspace: Airspace;
  /** Where the drone is now (altitude above home). */
  position: LonLatAlt;
  /** The dock: where the return lands. */
  home: LonLat;
  /** Alternate landing points (other docks), nearest first is not required. */
  rally?: LonLat[];
  /** Positions flown so far, oldest first (telemetry breadcrumbs): the reversed route's candidates. */
  flown?: LonLatAlt[];
  at: number;
  /** How long the return may take, ms: zones with a window inside it count (default 10 min). */
  horizonMs?: number;
  fenceId?: string;
  /** Clearance kept from zones by the around-route, m (default 40). */
  bufferM?: number;
  /** Lowest transit altitude of a return, m (default 20). */
  minAltM?: number;
}

/**
 * Plans the return. Every returned route is `[position, …, target@alt, target@0]` and passes `checkPath`
 * leg by leg, except the first horizontal leg when it only leaves the zone or fence the drone is already in.
 */
export function planReturn(i: ReturnInput): ReturnPlan {
  // Strayed into a zone (or out of the fence): leave the way it came, to the last flown point that was clear.
  const exit = wayOut(i);
  if (exit) {
    const rest = planReturn({ ...i, position: exit.point, flown: exit.before });
    if (rest.kind !== 'land') return { ...rest, kind: 'route', via: 'reversed', route: [i.position, ...rest.route], rally: 'rally' in rest ? rest.rally : false } as ReturnPlan;
  }
  const alt = Math.min(i.airspace.ceilingM, Math.max(i.position.altM, i.minAltM ?? 20));
  const start = { ...i.position, altM: alt };
  const horizonMs = i.horizonMs ?? 600_000;
  const ok = (route: LonLatAlt[]): boolean => acceptable(i, route, horizonMs);
  const finish = (pts: LonLat[], target: LonLat): LonLatAlt[] => [i.position, ...[...pts, target].map((p) => ({ lon: p.lon, lat: p.lat, altM: alt })), { lon: target.lon, lat: target.lat, altM: 0 }];
  const targets = [i.home, ...(i.rally ?? [])];
  for (const [k, target] of targets.entries()) {
    const straight = finish([start], target);
    if (k === 0 && ok(straight)) return { kind: 'rtl', via: 'straight', route: straight, target };
    if (k > 0 && ok(straight)) return { kind: 'route', via: 'around', route: straight, target, rally: true };
    const around = aroundRoute(i, start, target, horizonMs);
    if (around && ok(finish([start, ...around], target))) return { kind: 'route', via: 'around', route: finish([start, ...around], target), target, rally: k > 0 };
    const reversed = reversedRoute(i, start, target, horizonMs);
    if (reversed && ok(finish([start, ...reversed], target))) return { kind: 'route', via: 'reversed', route: finish([start, ...reversed], target), target, rally: k > 0 };
  }
  return { kind: 'land', via: 'land_here', route: [i.position, { ...i.position, altM: 0 }], target: i.position, reason: 'no checked return route to the dock or a rally point' };
}

function wayOut(i: ReturnInput): { point: LonLatAlt; before: LonLatAlt[] } | undefined {
  const clear = (p: LonLatAlt): boolean => checkPath(i.airspace, [p], { at: i.at, durationMs: 0, ...(i.fenceId === undefined ? {} : { fenceId: i.fenceId }) }).ok;
  if (clear(i.position)) return undefined;
  const flown = i.flown ?? [];
  for (let k = flown.length - 1; k >= 0; k--) {
    const p = { ...(flown[k] as LonLatAlt), altM: i.position.altM };
    if (clear(p)) return { point: p, before: flown.slice(0, k) };
  }
  return undefined;
}

/** Violations of a return route, ignoring what the first leg only leaves (the drone is already there). */
export function returnViolations(i: Pick<ReturnInput, 'airspace' | 'position' | 'at' | 'fenceId'>, route: LonLatAlt[], horizonMs: number): PathViolation[] {
  const r = checkPath(i.airspace, route, { at: i.at, durationMs: horizonMs, ...(i.fenceId === undefined ? {} : { fenceId: i.fenceId }) });
  if (r.ok) return [];
  const here = checkPath(i.airspace, [i.position], { at: i.at, durationMs: 0, ...(i.fenceId === undefined ? {} : { fenceId: i.fenceId }) });
  const already = new Set(here.ok ? [] : here.violations.map((v) => `${v.kind}:${v.zoneId ?? ''}`));
  // Legs from the drone's spot (a climb there, then the first horizontal leg) may only leave where it is.
  let leaving = 0;
  while (leaving < route.length && distanceM(route[leaving] as LonLat, i.position) < 1) leaving++;
  return r.violations.filter((v) => !(v.leg < Math.max(1, leaving) && already.has(`${v.kind}:${v.zoneId ?? ''}`)));
}

function acceptable(i: ReturnInput, route: LonLatAlt[], horizonMs: number): boolean {
  return returnViolations(i, route, horizonMs).length === 0;
}

/** Zones active during the return whose band reaches the transit altitude, buffered, as plane polygons. */
function obstacles(i: ReturnInput, plane: LocalPlane, altM: number, horizonMs: number, exclude: XY): PlanePolygon[] {
  return i.airspace.noFlyZones
    .filter((z) => zoneActive(z, i.at, horizonMs) && z.floorM < altM && z.ceilingM > 0)
    .map((z) => projectFootprint(plane, z.footprint))
    // The zone the drone is in cannot be an obstacle of its way out.
    .filter((shape) => !pointInShape(exclude, shape))
    .map((shape) => ({ rings: [bufferedHull(shape, i.bufferM ?? 40)] }));
}

function aroundRoute(i: ReturnInput, start: LonLatAlt, target: LonLat, horizonMs: number): LonLat[] | undefined {
  const plane = new LocalPlane(start);
  const a = plane.toXY(start);
  const b = plane.toXY(target);
  const avoid = obstacles(i, plane, start.altM, horizonMs, a).filter((p) => !pointInRings(b, p.rings));
  // The fence of the search is a generous box; checkPath enforces the real operation area afterwards.
  const pts = [a, b, ...avoid.flatMap((p) => p.rings[0] ?? [])];
  const m = 2000;
  const [x0, x1, y0, y1] = [Math.min(...pts.map((p) => p.x)) - m, Math.max(...pts.map((p) => p.x)) + m, Math.min(...pts.map((p) => p.y)) - m, Math.max(...pts.map((p) => p.y)) + m];
  const space = new FreeSpace({ rings: [[{ x: x0, y: y0 }, { x: x1, y: y0 }, { x: x1, y: y1 }, { x: x0, y: y1 }]] }, avoid);
  const via = space.connect(a, b);
  if (via.length === 1 && !space.segFree(a, b)) return undefined;
  return via.slice(0, -1).map((p) => plane.toLonLat(p));
}

/** The flown breadcrumbs back to the target, each jump as far as a clear leg reaches (string pulling). */
function reversedRoute(i: ReturnInput, start: LonLatAlt, target: LonLat, horizonMs: number): LonLat[] | undefined {
  // At most ~40 candidates: the string pulling below checks O(n²) legs.
  const flown = [...(i.flown ?? [])].reverse();
  const step = Math.max(1, Math.ceil(flown.length / 40));
  const back = flown.filter((_, k) => k % step === 0).map((p) => ({ ...p, altM: start.altM }));
  if (back.length === 0) return undefined;
  const chain: LonLatAlt[] = [start, ...back, { ...target, altM: start.altM }];
  const out: LonLatAlt[] = [];
  let k = 0;
  while (k < chain.length - 1) {
    let j = chain.length - 1;
    const from = chain[k] as LonLatAlt;
    while (j > k + 1 && returnViolations({ ...i, position: k === 0 ? i.position : from }, [from, chain[j] as LonLatAlt], horizonMs).length > 0) j--;
    if (j < chain.length - 1) out.push(chain[j] as LonLatAlt);
    k = j;
  }
  return out;
}
