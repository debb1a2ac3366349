/**
 * Pure planning steps of the service (values in, values out): pattern → route → MAVLink mission,
 * energy with sorties for long routes, every leg (incl. take-off and transit from the dock) checked
 * against the airspace, and the operational intent a mission reserves.
 */
import { checkPath, zonesToAvoid, type Airspace, type PathViolation } from '../airspace.js';
import type { Intent, IntentState } from '../deconfliction.js';
import { estimateFlight, splitIntoSorties, type DroneType } from '../energy.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import { planCorridor } from '../planner/corridor.js';
import { planCoverage } from '../planner/coverage.js';
import { buildMission, type Mission } from '../planner/mission.js';
import { planPoint, planWaypoints } from '../planner/point.js';
import type { Route } from '../planner/types.js';
import type { MissionPlan } from '../store/types.js';
import type { LegSegment, LegViolation, Pattern, PlannedSortie, PlanOutcome } from './types.js';

/** Dock turnaround between sorties: charge 20 → 90 % in under 30 min class (domain.md). */
export const DEFAULT_TURNAROUND_S = 1800;
/** Horizontal margin around the flown path in an intent's footprint, m. */
export const INTENT_MARGIN_M = 30;
/** Legs per intent volume: long paths become several boxes instead of one huge one. */
const LEGS_PER_VOLUME = 8;

export function routeFor(p: Pattern, airspace: Airspace, at: number): Route {
  switch (p.kind) {
    case 'coverage':
      return planCoverage(p.area, {
        spacingM: p.spacingM,
        angleDeg: p.angleDeg ?? 0,
        altM: p.altM,
        ...(p.turnaroundM === undefined ? {} : { turnaroundM: p.turnaroundM }),
        avoid: zonesToAvoid(airspace, { at, durationMs: 3_600_000, altM: p.altM }),
      });
    case 'corridor':
      return planCorridor(p.line.coordinates.map(toLonLat), { widthM: p.widthM, spacingM: p.spacingM, altM: p.altM });
    case 'point':
      return planPoint(toLonLat(p.target.coordinates), {
        altM: p.altM,
        ...(p.orbitRadiusM === undefined ? {} : { orbitRadiusM: p.orbitRadiusM }),
        ...(p.turns === undefined ? {} : { turns: p.turns }),
        ...(p.hoverS === undefined ? {} : { hoverS: p.hoverS }),
        ...(p.captureImages === undefined ? {} : { captureImages: p.captureImages }),
      });
    case 'waypoints':
      return planWaypoints(p.path.coordinates.map((c) => ({ ...toLonLat(c), altM: c[2] ?? 0, ...(p.holdS ? { holdS: p.holdS } : {}) })));
  }
}

function toLonLat(c: number[]): LonLat {
  return { lon: c[0] ?? NaN, lat: c[1] ?? NaN };
}

export function toPlan(m: Mission): MissionPlan {
  return { items: m.items, path: m.path, lengthM: m.lengthM, durationS: m.durationS, batteryPct: m.batteryPct, ...(m.energyWh === undefined ? {} : { energyWh: m.energyWh }) };
}

/**
 * Plans a pattern from a dock: one mission when it fits the drone's usable endurance, otherwise (for
 * routes with several points) sorties; then validates every leg of every sortie at its start time.
 */
export function planFromDock(
  airspace: Airspace,
  dock: LonLat,
  drone: DroneType,
  pattern: Pattern,
  opts: { at: number; fenceId?: string; turnaroundS?: number },
): PlanOutcome {
  const home: LonLatAlt = { ...dock, altM: 0 };
  const route = routeFor(pattern, airspace, opts.at);
  if (route.points.length === 0) return { ok: false, reason: 'energy', message: 'the pattern produced no waypoints (area too small for the spacing?)' };
  const whole = buildMission(home, route, drone);
  let missions: { route: Route; mission: Mission }[] = [{ route, mission: whole }];
  if (!whole.feasible) {
    const usable = whole.estimate.usableS;
    const shortfall = { requiredS: whole.durationS, usableS: usable, shortfallS: whole.durationS - usable };
    if (pattern.kind === 'point') {
      return { ok: false, reason: 'energy', message: `flight needs ${fmt(whole.durationS)} s, the drone has ${fmt(usable)} s usable (after ${drone.reservePct} % reserve)`, ...shortfall };
    }
    const split = splitIntoSorties(dock, route, drone);
    if (!split.ok) return { ok: false, reason: 'energy', message: split.message, atIndex: split.atIndex, ...shortfall };
    missions = split.sorties.map((s) => ({ route: s.route, mission: buildMission(home, s.route, drone) }));
  }
  const turnaroundMs = (opts.turnaroundS ?? DEFAULT_TURNAROUND_S) * 1000;
  const sorties: PlannedSortie[] = [];
  const violations: LegViolation[] = [];
  let offsetMs = 0;
  missions.forEach(({ route: r, mission }, i) => {
    const check = checkPath(airspace, mission.path, { at: opts.at + offsetMs, durationMs: mission.durationS * 1000, ...(opts.fenceId === undefined ? {} : { fenceId: opts.fenceId }) });
    if (!check.ok) for (const v of check.violations) violations.push(labelLeg(v, mission.path, i + 1));
    sorties.push({ route: r, plan: toPlan(mission), offsetMs });
    offsetMs += mission.durationS * 1000 + turnaroundMs;
  });
  if (violations.length > 0) {
    const first = violations[0] as LegViolation;
    return { ok: false, reason: 'geofence', message: `sortie ${first.sortie}, ${first.segment} ${first.message}`, violations };
  }
  return { ok: true, sorties };
}

/** buildMission's path: dock@0, dock@alt, route…, dock@alt, dock@0 — so legs 0, 1, n−3, n−2 are take-off, transit out, transit back, landing. */
export function legSegment(leg: number, pathLength: number): LegSegment {
  const last = pathLength - 2;
  if (leg === 0) return 'takeoff';
  if (leg === last) return 'landing';
  if (leg === 1) return 'transit_out';
  if (leg === last - 1) return 'transit_back';
  return 'route';
}

export function labelLeg(v: PathViolation, path: LonLatAlt[], sortie: number): LegViolation {
  const a = path[v.leg] as LonLatAlt;
  const b = path[Math.min(v.leg + 1, path.length - 1)] as LonLatAlt;
  return { ...v, sortie, segment: legSegment(v.leg, path.length), from: [a.lon, a.lat, a.altM], to: [b.lon, b.lat, b.altM] };
}

/**
 * Time an intent reserves for a flight planned at `durationS` (computed at the speed the mission
 * commands with MAV_CMD_DO_CHANGE_SPEED): ×1.25 for wind and acceleration, plus a minute for arming and
 * landing. A flight that still overruns is nonconforming and its intent is extended while it flies.
 */
export const INTENT_TIME_FACTOR = 1.25;
export const INTENT_TIME_MARGIN_S = 60;

export function intentSpanMs(durationS: number): number {
  return Math.ceil((durationS * INTENT_TIME_FACTOR + INTENT_TIME_MARGIN_S) * 1000);
}

/**
 * The operational intent of a mission flown from `startMs` (ASTM F3548 model): the path in chunks of
 * legs, each a box around its points plus a margin, from the ground to above the highest point, for
 * the whole flight time with its margin. The flown path ends with the return home, and a contingency
 * return along the flown route reversed stays inside the same boxes.
 */
export function intentFor(missionId: string, plan: MissionPlan, priority: number, startMs: number, state?: IntentState): Intent {
  return pathIntent(missionId, plan.path, priority, startMs, startMs + intentSpanMs(plan.durationS), state);
}

/**
 * The intent of a contingency return from now: the return route's boxes, for its flight time with the
 * margin; `contingent`, so it is committed whatever it overlaps and nothing launches into it.
 */
export function returnIntentFor(missionId: string, route: LonLatAlt[], priority: number, type: DroneType, speedMps: number, nowMs: number): Intent {
  const est = estimateFlight(route, { ...type, cruiseMps: speedMps });
  return pathIntent(missionId, route, priority, nowMs, nowMs + intentSpanMs(est.durationS), 'contingent');
}

/** The same intent with every volume lasting until `endMs` at least (a conformance extension). */
export function extendIntent(intent: Intent, endMs: number, state: IntentState): Intent {
  return { ...intent, state, volumes: intent.volumes.map((v) => ({ ...v, endMs: Math.max(v.endMs, endMs) })) };
}

function pathIntent(missionId: string, path: LonLatAlt[], priority: number, startMs: number, endMs: number, state?: IntentState): Intent {
  const top = Math.max(...path.map((p) => p.altM)) + 10;
  const volumes = [];
  for (let i = 0; i < Math.max(1, path.length - 1); i += LEGS_PER_VOLUME) {
    const chunk = path.slice(i, i + LEGS_PER_VOLUME + 1);
    volumes.push({ footprint: boxAround(chunk, INTENT_MARGIN_M), floorM: 0, ceilingM: top, startMs, endMs });
  }
  return { id: missionId, owner: missionId, priority, volumes, ...(state === undefined ? {} : { state }) };
}

/**
 * Airspace as it stands now, for a stored plan (drone-ops.md: checked when planned, when scheduled and
 * at launch): the first violation of any leg against zones and windows active over the flight, or undefined.
 */
export function airspaceChange(airspace: Airspace, plan: MissionPlan, at: number, fenceId?: string): PathViolation | undefined {
  const r = checkPath(airspace, plan.path, { at, durationMs: intentSpanMs(plan.durationS), ...(fenceId === undefined ? {} : { fenceId }) });
  return r.ok ? undefined : r.violations[0];
}

function boxAround(pts: LonLat[], marginM: number): { type: 'Polygon'; coordinates: number[][][] } {
  const lats = pts.map((p) => p.lat);
  const lons = pts.map((p) => p.lon);
  const dLat = marginM / 110_000;
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const dLon = dLat / Math.cos((midLat * Math.PI) / 180);
  const [w, e, s, n] = [Math.min(...lons) - dLon, Math.max(...lons) + dLon, Math.min(...lats) - dLat, Math.max(...lats) + dLat];
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

function fmt(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1);
}
