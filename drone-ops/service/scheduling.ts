/**
 * How missions and patrols become scheduler jobs, and how they are rebuilt from the relational store
 * (the source of truth) when the scheduler's Redis comes back without them — restarted empty, or
 * flushed — or is found without them by the periodic check.
 */
import type { CommitResult } from '../deconfliction.js';
import { PRIORITY as INTENT_PRIORITY } from '../deconfliction.js';
import { PRIORITY as JOB_PRIORITY, LATE, DEFAULT_LATE_AFTER_MS, type JobSpec, type Json } from '../scheduler/scheduler.js';
import type { MissionRecord, PatrolRecord } from '../store/types.js';
import { intentFor } from './planning.js';
import { ACTIVE, LAUNCH_KIND, type OpsContext } from './runner.js';
import type { ConflictRefusal, LaunchConditions, PlanRequest, ScheduleWhen } from './types.js';

export const PATROL_KIND = 'patrol.fire';
/** Launch conditions of a scheduled mission, kept as settings `launch-conditions:<missionId>` to rebuild its job. */
export const CONDITIONS_KEY = 'launch-conditions:';
/** Errors that mean "this dock cannot fly this patrol now", not "try the firing again". */
export const UNFLYABLE = new Set<string>(['DOCK_NOT_FOUND', 'DOCK_UNAVAILABLE', 'DRONE_TYPE_NOT_FOUND']);

export const patrolScheduleId = (patrolId: string): string => `patrol:${patrolId}`;
export const launchJobId = (missionId: string): string => `mission:${missionId}`;

/** Scheduler priority of a mission's launch: emergencies and inspections use the urgent slots. */
export function jobPriority(intentPriority: number): number {
  if (intentPriority >= INTENT_PRIORITY.emergency) return JOB_PRIORITY.emergency;
  return intentPriority > INTENT_PRIORITY.patrol ? JOB_PRIORITY.inspection : JOB_PRIORITY.patrol;
}

/** The `mission.launch` job of a scheduled mission (one per dock at a time). */
export function launchJob(m: MissionRecord, when: ScheduleWhen, o: { launchAttempts?: number; retryDelayMs?: number }): JobSpec {
  return {
    id: launchJobId(m.id),
    kind: LAUNCH_KIND,
    payload: (when.conditions ? { missionId: m.id, conditions: when.conditions } : { missionId: m.id }) as unknown as Json,
    ...(when.at === undefined ? {} : { runAt: when.at }),
    priority: jobPriority(m.priority),
    exclusiveKey: m.dockId,
    attempts: o.launchAttempts ?? 5,
    backoffMs: o.retryDelayMs ?? 60_000,
  };
}

export function patrolTemplate(patrolId: string): { kind: string; payload: Json; priority: number } {
  return { kind: PATROL_KIND, payload: { patrolId }, priority: JOB_PRIORITY.patrol };
}

export function conflictRefusal(r: Extract<CommitResult, { ok: false }>): ConflictRefusal {
  const names = r.conflictsWith.map((c) => c.owner ?? c.id);
  return {
    ok: false,
    reason: 'conflict',
    message: `airspace conflicts with mission ${names.join(', ')}${r.nextFreeSlot === undefined ? '' : `; next free slot ${new Date(r.nextFreeSlot).toISOString()}`}`,
    conflictsWith: r.conflictsWith.map((c) => ({ missionId: c.owner ?? c.id, priority: c.priority })),
    ...(r.nextFreeSlot === undefined ? {} : { nextFreeSlot: r.nextFreeSlot }),
  };
}

/** A patrol firing that could not be planned, as a mission record (no plan, status `refused`). */
export function refusedMission(id: string, p: PatrolRecord, req: PlanRequest, droneId: string, note: string, now: number): MissionRecord {
  return {
    id,
    kind: req.pattern.kind,
    status: 'refused',
    priority: INTENT_PRIORITY.patrol,
    dockId: p.dockId,
    droneId,
    groupId: id,
    sortie: 1,
    sorties: 1,
    patrolId: p.id,
    alertId: null,
    request: req as unknown as Record<string, unknown>,
    plan: { items: [], path: [], lengthM: 0, durationS: 0, batteryPct: 0 },
    runAt: null,
    startedAt: null,
    finishedAt: now,
    progressSeq: null,
    note,
    createdAt: now,
    updatedAt: now,
  };
}

export interface Reconciled {
  /** Patrols whose recurring schedule was missing and is rebuilt. */
  patrols: string[];
  /** Recurring patrol schedules without a patrol in the store, removed. */
  orphans: string[];
  /** Scheduled missions whose launch job was missing and is rebuilt. */
  launches: string[];
  /** Scheduled missions whose time passed while their job was lost: failed `LATE`, visibly. */
  late: string[];
  /** Reserved intents of scheduled or flying missions that were missing and are reserved again. */
  intents: string[];
  /** Missing intents that could not be reserved again (another intent of equal or higher priority holds the airspace). */
  unreserved: string[];
}

export interface ReconcileDeps extends OpsContext {
  launchAttempts?: number;
  retryDelayMs?: number;
  /** Fail (rather than move) a scheduled mission whose lost job was due more than this ago (default 30 s). */
  lateAfterMs?: number;
}

/**
 * Makes the scheduler and the intent registry agree with the store: every patrol has its recurring
 * schedule, no schedule outlives its patrol, every scheduled mission has its launch job and every
 * scheduled or flying mission its reserved intent. Idempotent; cheap when nothing is missing.
 */
export async function reconcile(d: ReconcileDeps, refuseLate: (m: MissionRecord, note: string) => Promise<void>): Promise<Reconciled> {
  const out: Reconciled = { patrols: [], orphans: [], launches: [], late: [], intents: [], unreserved: [] };
  const [patrols, recurring] = await Promise.all([d.store.listPatrols(), d.scheduler.listRecurring()]);
  const scheduledIds = new Set(recurring.map((r) => r.id));
  // A paused patrol has no schedule: not rebuilt, and one left over is removed below.
  const active = patrols.filter((p) => !p.paused);
  for (const p of active) {
    if (scheduledIds.has(patrolScheduleId(p.id))) continue;
    await d.scheduler.scheduleRecurring(patrolScheduleId(p.id), { cron: p.cron, tz: p.tz }, patrolTemplate(p.id));
    out.patrols.push(p.id);
  }
  const known = new Set(active.map((p) => patrolScheduleId(p.id)));
  for (const r of recurring) {
    if (!r.id.startsWith('patrol:') || known.has(r.id)) continue;
    await d.scheduler.removeRecurring(r.id);
    out.orphans.push(r.id);
  }
  const now = d.clock.now();
  const live = await d.store.listMissions({ status: ['scheduled', ...ACTIVE], limit: 100_000 });
  const reserved = new Set((await d.intents.list(now)).map((i) => i.id));
  for (const m of live) {
    if (m.status === 'scheduled' && (await d.scheduler.get(launchJobId(m.id))) === undefined) {
      if (m.runAt !== null && now - m.runAt > (d.lateAfterMs ?? DEFAULT_LATE_AFTER_MS)) {
        await refuseLate(m, `${LATE}: launch job lost while the scheduler was unavailable; due ${new Date(m.runAt).toISOString()}`);
        out.late.push(m.id);
        continue;
      }
      const raw = await d.store.getSetting(CONDITIONS_KEY + m.id);
      const conditions = raw === undefined ? undefined : (JSON.parse(raw) as LaunchConditions);
      await d.scheduler.schedule(launchJob(m, { ...(m.runAt === null ? {} : { at: Math.max(now, m.runAt) }), ...(conditions ? { conditions } : {}) }, d));
      out.launches.push(m.id);
    }
    if (!reserved.has(m.id)) {
      const start = m.startedAt ?? Math.max(now, m.runAt ?? now);
      const r = await d.intents.checkAndCommit(intentFor(m.id, m.plan, m.priority, start), now);
      (r.ok ? out.intents : out.unreserved).push(m.id);
    }
  }
  return out;
}
