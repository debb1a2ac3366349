/**
 * A ferry flight home (drone-ops.md "Landing"): a drone that landed away from its dock — its autopilot's
 * RTL to an alternate, a return to a rally point, a landing in place — flies back to it as a mission of its
 * own kind (`ferry`). The flight gets every check a mission gets: a route from where the drone stands to
 * its dock around the zones active then (the same route search as a contingency return), every leg against
 * the fence, the zones and the ceiling, the energy with the type's reserve against the battery the drone
 * has (it cannot charge away from its dock), the airspace reserved as an operational intent (a conflict is
 * refused with the next free slot) — and it ends with a waypoint over the dock and NAV_LAND on it. The
 * landing there docks the drone (landing.ts) and its dock's launches resume.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../kernel/errors.js';
import { checkPath, type Airspace } from '../airspace.js';
import { PRIORITY } from '../deconfliction.js';
import type { DroneType } from '../energy.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import { buildMission } from '../planner/mission.js';
import { planReturn } from '../planner/return-route.js';
import type { MissionPlan, MissionRecord } from '../store/types.js';
import type { OpsContext } from './context.js';
import { intentSpanMs, labelLeg, toPlan } from './planning.js';
import type { PlanRefusal, ScheduleOutcome, ScheduleWhen } from './types.js';

export const FERRY_KIND = 'ferry';
/** Transit altitude of a ferry flight unless asked, m above the take-off point (the missions' usual height). */
export const FERRY_ALT_M = 60;
/** Zone windows opening this long after the start count for the route search (the leg checks use the flight's own span). */
const ROUTE_HORIZON_MS = 3_600_000;

export interface FerryRequest {
  /** Transit altitude, m (default FERRY_ALT_M); above the ceiling is refused like any leg. */
  altM?: number;
  /** Start (epoch ms), e.g. the `nextFreeSlot` of a refusal; default now. */
  at?: number;
}

/**
 * Plans the ferry from `from` (where the drone landed) to its dock: the route around the zones active at
 * `at` (planReturn, without rally points: the flight ends on the dock), then the same leg checks, energy and
 * battery check as any mission. A refusal names the leg and zone, or the shortfall.
 */
export function planFerry(airspace: Airspace, from: LonLat, dock: LonLat, type: DroneType, batteryPct: number, opts: { at: number; altM: number }): { ok: true; plan: MissionPlan } | PlanRefusal {
  const { at, altM } = opts;
  const ret = planReturn({ airspace, position: { lon: from.lon, lat: from.lat, altM }, home: dock, at, horizonMs: ROUTE_HORIZON_MS, minAltM: altM });
  // [from@alt, from@alt, via…, dock@alt, dock@0]; no route found: the straight line, which the checks below refuse.
  const via: LonLatAlt[] = ret.kind === 'land' ? [] : ret.route.slice(2, -2).map((p) => ({ lon: p.lon, lat: p.lat, altM }));
  const dockAt = { lon: dock.lon, lat: dock.lat, altM: 0 };
  const mission = buildMission({ lon: from.lon, lat: from.lat, altM: 0 }, { kind: 'ferry', points: via.length > 0 ? via : [{ ...dockAt, altM }] }, type, dockAt);
  const check = checkPath(airspace, mission.path, { at, durationMs: intentSpanMs(mission.durationS) });
  if (!check.ok) {
    const violations = check.violations.map((v) => labelLeg(v, mission.path, 1));
    const first = violations[0];
    return { ok: false, reason: 'geofence', message: `ferry flight: ${first?.segment ?? 'leg'} ${first?.message ?? 'refused'}`, violations };
  }
  if (!mission.feasible) {
    const { usableS } = mission.estimate;
    return { ok: false, reason: 'energy', message: `ferry flight needs ${Math.round(mission.durationS)} s, the drone type has ${Math.round(usableS)} s usable`, requiredS: mission.durationS, usableS, shortfallS: mission.durationS - usableS };
  }
  const neededPct = mission.batteryPct + type.reservePct;
  if (batteryPct < neededPct) {
    return { ok: false, reason: 'energy', message: `battery ${batteryPct.toFixed(1)} % below the ${neededPct.toFixed(1)} % the ferry flight needs (${mission.batteryPct.toFixed(1)} % + ${type.reservePct} % reserve)`, requiredPct: neededPct, batteryPct };
  }
  return { ok: true, plan: toPlan(mission) };
}

export interface FerryDeps extends Pick<OpsContext, 'store' | 'intents' | 'bus' | 'clock' | 'log'> {
  airspace: () => Promise<Airspace>;
  /** The service's scheduling: the same intent check-and-commit and launch job as every mission. */
  schedule: (missionId: string, when: ScheduleWhen) => Promise<ScheduleOutcome>;
}

/**
 * Plans, stores and schedules the ferry of a drone landed away. Throws DRONE_NOT_FOUND,
 * DRONE_NOT_LANDED_AWAY (docked, flying, or a ferry already on its way); a plan or airspace refusal is
 * returned as a value (GEOFENCE_VIOLATION, PLAN_INFEASIBLE, AIRSPACE_CONFLICT at the API).
 */
export async function ferryHome(d: FerryDeps, droneId: string, req: FerryRequest, actor: string): Promise<ScheduleOutcome> {
  const { store } = d;
  const drone = await store.getDrone(droneId);
  if (!drone) throw new AppError('DRONE_NOT_FOUND', { details: { id: droneId } });
  if (drone.phase !== 'landed' || !drone.position) {
    throw new AppError('DRONE_NOT_LANDED_AWAY', { message: `Drone ${droneId} is ${drone.phase}, not landed away from its dock: nothing to fly home`, details: { droneId, phase: drone.phase } });
  }
  const pending = (await store.listMissions({ dockId: drone.dockId, status: ['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning'] })).filter((m) => m.droneId === droneId);
  const already = pending.find((m) => m.kind === FERRY_KIND);
  if (already) throw new AppError('DRONE_NOT_LANDED_AWAY', { message: `Drone ${droneId} is already being flown home (mission ${already.id}, ${already.status})`, details: { droneId, missionId: already.id } });
  const [dock, types] = await Promise.all([store.getDock(drone.dockId), store.listDroneTypes()]);
  const type = types.find((t) => t.id === drone.typeId);
  if (!dock || !type) throw new AppError('DOCK_NOT_FOUND', { message: `Drone ${droneId} has no dock or drone type`, details: { droneId, dockId: drone.dockId } });
  const now = d.clock.now();
  const at = Math.max(now, req.at ?? now);
  const planned = planFerry(await d.airspace(), drone.position, dock.location, type, drone.batteryPct, { at, altM: req.altM ?? FERRY_ALT_M });
  if (!planned.ok) {
    d.log.warn({ droneId, reason: planned.reason, message: planned.message }, 'ferry flight refused');
    return planned;
  }
  // The dock's own waiting launches cannot fly before their drone is back: their reservations (at the dock)
  // must not keep the ferry out. Each launch reserves its airspace again when it runs (runner.reserve).
  for (const m of pending.filter((x) => x.status === 'scheduled')) await d.intents.remove(m.id);
  const m = ferryMission(`m-${randomUUID()}`, drone.id, dock.id, drone.position, planned.plan, now);
  await store.insertMissions([m], actor);
  d.bus.emit('missionChanged', { missionId: m.id, dockId: m.dockId, droneId: m.droneId, from: null, to: 'planned', at: now, kind: m.kind, priority: m.priority, note: m.note ?? '' });
  return d.schedule(m.id, { ...(req.at === undefined ? {} : { at }), actor });
}

function ferryMission(id: string, droneId: string, dockId: string, from: LonLatAlt, plan: MissionPlan, now: number): MissionRecord {
  const note = `ferry home from ${from.lon.toFixed(6)},${from.lat.toFixed(6)} to dock ${dockId}`;
  return {
    id, kind: FERRY_KIND, status: 'planned', priority: PRIORITY.patrol, dockId, droneId, groupId: id, sortie: 1, sorties: 1, patrolId: null, alertId: null,
    request: { dockId, ferry: { from: { lon: from.lon, lat: from.lat } } },
    plan, runAt: null, startedAt: null, finishedAt: null, progressSeq: null, note, createdAt: now, updatedAt: now,
  };
}

