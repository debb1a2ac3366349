/**
 * Changing a recurring patrol: pause and resume, a new cron or zone, a new area. The scheduler is told
 * first (it refuses a bad cron or zone with VALIDATION_FAILED, or SCHEDULER_UNAVAILABLE), then the store,
 * as on create; a new area is checked like a new patrol's and refused with the planner's reason.
 */
import { AppError } from '../../kernel/errors.js';
import type { PatrolChanges, PatrolRecord } from '../store/types.js';
import type { OpsContext } from './runner.js';
import { patrolScheduleId, patrolTemplate } from './scheduling.js';
import type { Pattern, PlanOutcome, PlanRequest } from './types.js';

export interface PatrolPatch {
  name?: string | null;
  cron?: string;
  tz?: string;
  /** A new area (coverage polygon, corridor, point or waypoints) from the same dock. */
  pattern?: Pattern;
  fenceId?: string | null;
  paused?: boolean;
}

type Outcome = { patrol: PatrolRecord; nextRunAt?: number } | Extract<PlanOutcome, { ok: false }>;

export async function editPatrol(ctx: OpsContext, validate: (req: PlanRequest) => Promise<PlanOutcome>, id: string, patch: PatrolPatch): Promise<Outcome> {
  const p = await ctx.store.getPatrol(id);
  if (!p) throw new AppError('PATROL_NOT_FOUND', { message: `Patrol ${id} not found`, details: { id } });
  const changes: PatrolChanges = {};
  if (patch.pattern !== undefined || patch.fenceId !== undefined) {
    const fenceId = patch.fenceId === undefined ? (p.request['fenceId'] as string | undefined) : (patch.fenceId ?? undefined);
    const request = { dockId: p.dockId, pattern: patch.pattern ?? (p.request['pattern'] as Pattern), ...(fenceId === undefined ? {} : { fenceId }) };
    const check = await validate(request);
    if (!check.ok) return check;
    changes.request = request as unknown as Record<string, unknown>;
  }
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.cron !== undefined) changes.cron = patch.cron;
  if (patch.tz !== undefined) changes.tz = patch.tz;
  if (patch.paused !== undefined) changes.paused = patch.paused;
  const next = { ...p, ...changes };
  const scheduleId = patrolScheduleId(id);
  let nextRunAt: number | undefined;
  if (next.paused) await ctx.scheduler.removeRecurring(scheduleId);
  else if (p.paused || next.cron !== p.cron || next.tz !== p.tz) {
    nextRunAt = (await ctx.scheduler.scheduleRecurring(scheduleId, { cron: next.cron, tz: next.tz }, patrolTemplate(id))).nextRunAt;
  }
  try {
    const stored = await ctx.store.updatePatrol(id, changes);
    if (!stored) throw new AppError('PATROL_NOT_FOUND', { message: `Patrol ${id} not found`, details: { id } });
    return { patrol: stored, ...(nextRunAt === undefined ? {} : { nextRunAt }) };
  } catch (err) {
    // The store refused: put the schedule back as it was.
    if (p.paused) await ctx.scheduler.removeRecurring(scheduleId);
    else await ctx.scheduler.scheduleRecurring(scheduleId, { cron: p.cron, tz: p.tz }, patrolTemplate(id));
    throw err;
  }
}
