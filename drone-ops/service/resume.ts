/**
 * Breakpoint resume (drone-ops.md: "breakpoint resume from MISSION_CURRENT after an interruption"): an
 * aborted or failed mission that reached some of its items becomes a new mission that re-uploads the
 * rest, starting at the last reached item (re-upload rather than MISSION_SET_CURRENT: after a landing
 * and a battery swap the vehicle's stored mission is not to be trusted).
 */
import { AppError } from '../../kernel/errors.js';
import { estimateFlight, type DroneType } from '../energy.js';
import type { LonLatAlt } from '../geo/types.js';
import { resumeItems } from '../safety.js';
import type { MissionRecord } from '../store/types.js';
import { FERRY_KIND } from './ferry.js';

/**
 * The mission's dock, on the ground, where its way home leads: the first point of its flown path — the last
 * for a ferry flight, which takes off where its drone landed away (ferry.ts).
 */
export function homeOf(m: MissionRecord): LonLatAlt {
  const h = m.kind === FERRY_KIND ? m.plan.path[m.plan.path.length - 1] : m.plan.path[0];
  return { lon: h?.lon ?? NaN, lat: h?.lat ?? NaN, altM: 0 };
}

export function resumedMission(m: MissionRecord, type: DroneType, now: number, id: string): MissionRecord {
  if (m.status !== 'aborted' && m.status !== 'failed') {
    throw new AppError('MISSION_TRANSITION_INVALID', { message: `Mission ${m.id} is ${m.status}; only an aborted or failed mission resumes`, details: { id: m.id, status: m.status } });
  }
  if (m.kind === FERRY_KIND) throw new AppError('MISSION_TRANSITION_INVALID', { message: `Mission ${m.id} is a ferry flight: ferry the drone home again from where it is`, details: { id: m.id, kind: m.kind } });
  const rest = m.progressSeq === null ? undefined : resumeItems(m.plan.items, m.progressSeq, homeOf(m));
  if (!rest) throw new AppError('MISSION_TRANSITION_INVALID', { message: `Mission ${m.id} has no reached item to resume from, or nothing left to fly`, details: { id: m.id, progressSeq: m.progressSeq } });
  const est = estimateFlight(rest.path, type);
  return {
    ...m,
    id,
    status: 'planned',
    request: { ...m.request, resumeOf: m.id, resumeFromSeq: m.progressSeq },
    plan: { items: rest.items, path: rest.path, lengthM: est.horizontalM, durationS: est.durationS, batteryPct: est.batteryPct, ...(est.energyWh === undefined ? {} : { energyWh: est.energyWh }) },
    runAt: null,
    startedAt: null,
    finishedAt: null,
    progressSeq: null,
    note: `resumes mission ${m.id} from item ${m.progressSeq}`,
    createdAt: now,
    updatedAt: now,
  };
}
