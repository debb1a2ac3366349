/**
 * Ground-side safety monitoring (issue #5 part 3), pure: the live position against the mission's fence
 * and the no-fly zones, the battery against the remaining route plus the reserve, and the mission items
 * a resumed flight restarts from (breakpoint resume, drone-ops.md "breakpoint resume from MISSION_CURRENT").
 * The autopilot has its own failsafes; these checks are the ground station's independent second line.
 */
import { alarmText, joinTexts } from './alarm-messages.js';
import { checkPath, type Airspace, type PathViolation } from './airspace.js';
import { batteryToFinishPct, type DroneType } from './energy.js';
import type { LonLatAlt } from './geo/types.js';
import type { Localized } from '../kernel/i18n.js';
import { returnLegIndex } from './link/mission-items.js';
import { FIRST_ROUTE_SEQ, fromDegE7, MAV_CMD, type MissionItem } from './planner/mission.js';

export interface SafetyInput {
  /** Live position, altitude above home (GLOBAL_POSITION_INT.relative_alt). */
  position: LonLatAlt;
  batteryPct: number;
  at: number;
  airspace: Airspace;
  /** The mission's operation area; absent = the union of all areas (as planned). */
  fenceId?: string;
  /** Where the drone still has to fly: the remaining waypoints, then home at altitude and on the ground. */
  remaining: LonLatAlt[];
  type: DroneType;
  /** The speed the flight commands (its DO_CHANGE_SPEED, or the return's), m/s; default the type's cruise. */
  speedMps?: number;
}

/**
 * Battery kept on top of the estimate for what it does not see (a headwind, a wider approach, the battery
 * spent between two samples), percent of a full battery.
 */
export const RECALL_MARGIN_PCT = 2;

/** `reason` is `text.en` (the mission-history note); `text` has every language (the alert's message). */
export type SafetyVerdict = { action: 'continue' } | { action: 'rtl'; kind: 'geofence' | 'battery'; reason: string; text: Localized };

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

const rtl = (kind: 'geofence' | 'battery', text: Localized): SafetyVerdict => ({ action: 'rtl', kind, reason: text.en, text });

/** Where a position breaks the airspace, in every language ("inside no-fly zone tfr-1"). */
function breachText(v: PathViolation): Localized {
  if (v.kind !== 'no_fly_zone') return alarmText(v.kind === 'outside_fence' ? 'breach.fence' : 'breach.ceiling');
  return v.zoneId === undefined ? alarmText('breach.zone.any') : alarmText('breach.zone', { zone: v.zoneId });
}

/** One check of one telemetry sample: a breach or a battery shortfall means return to launch now. */
export function checkSafety(i: SafetyInput): SafetyVerdict {
  const here = checkPath(i.airspace, [i.position], { at: i.at, durationMs: 0, ...(i.fenceId === undefined ? {} : { fenceId: i.fenceId }) });
  if (!here.ok) {
    const what = joinTexts(here.violations.map(breachText));
    return rtl('geofence', alarmText('alarm.geofence', { lon: round(i.position.lon, 5), lat: round(i.position.lat, 5), alt: round(i.position.altM), what }));
  }
  // Energy: the rest of the route at the commanded speed, plus the reserve the plan was made with and a margin,
  // so a drone recalled now still lands above the reserve.
  const needed = batteryToFinishPct(i.type, i.position, i.remaining, { ...(i.speedMps === undefined ? {} : { speedMps: i.speedMps }), marginPct: RECALL_MARGIN_PCT });
  if (i.batteryPct < needed) {
    return rtl('battery', alarmText('alarm.battery', { pct: round(i.batteryPct), needed: round(needed), reserve: i.type.reservePct, margin: RECALL_MARGIN_PCT }));
  }
  return { action: 'continue' };
}

function itemPosition(it: MissionItem): LonLatAlt {
  return { lon: fromDegE7(it.y), lat: fromDegE7(it.x), altM: it.z };
}

const NAV_WITH_POSITION = new Set<number>([MAV_CMD.NAV_WAYPOINT, MAV_CMD.NAV_LOITER_TURNS, MAV_CMD.NAV_LOITER_TIME]);

/** The items before the way home (returnLegIndex): the route proper. */
function routeItems(items: readonly MissionItem[]): readonly MissionItem[] {
  return items.slice(0, returnLegIndex(items) ?? items.length);
}

/**
 * The route still to fly when the vehicle is heading for item `targetSeq` (MISSION_CURRENT, planner
 * numbering: take-off 0, speed 1, route from 2): the positioned items from there on, then home at the
 * last altitude and home on the ground (as the mission's home leg flies it).
 */
export function remainingRoute(items: readonly MissionItem[], targetSeq: number, home: LonLatAlt): LonLatAlt[] {
  const ahead = routeItems(items).filter((it) => it.seq >= Math.max(FIRST_ROUTE_SEQ, targetSeq) && NAV_WITH_POSITION.has(it.command)).map(itemPosition);
  const lastAlt = ahead[ahead.length - 1]?.altM ?? 0;
  return [...ahead, { ...home, altM: lastAlt }, { ...home, altM: 0 }];
}

/**
 * Breakpoint resume: a mission that restarts at the last reached item `reachedSeq` (it is flown again,
 * so a corridor scan has no gap). Take-off and the speed change stay, items are renumbered from 0, and
 * the path (for energy and the airspace intent) is rebuilt from them. Undefined when nothing is left.
 */
export function resumeItems(items: readonly MissionItem[], reachedSeq: number, home: LonLatAlt): { items: MissionItem[]; path: LonLatAlt[] } | undefined {
  const head = items.filter((it) => it.seq < FIRST_ROUTE_SEQ);
  if (head.length === 0) return undefined;
  const rest = items.filter((it) => it.seq >= Math.max(FIRST_ROUTE_SEQ, reachedSeq));
  if (!routeItems(rest).some((it) => NAV_WITH_POSITION.has(it.command))) return undefined;
  const out = [...head, ...rest].map((it, seq) => ({ ...it, seq, current: (seq === 0 ? 1 : 0) as 0 | 1 }));
  const h = { lon: home.lon, lat: home.lat, altM: 0 };
  const route = remainingRoute(out, FIRST_ROUTE_SEQ, h);
  const firstAlt = route[0]?.altM ?? 0;
  return { items: out, path: [h, { ...h, altM: firstAlt }, ...route] };
}
