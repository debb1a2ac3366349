/** Job records of the in-process scheduler and their read-outs (pure). */
import type { JobInfo, JobState, JobTemplate, Json, Recurrence, RecurringInfo } from './scheduler.js';
import type { NormalizedJob } from './rules.js';

export interface Rec {
  job: NormalizedJob;
  state: JobState;
  seq: number;
  /** When the job may start (runAt, retry time or creation). */
  readyAt: number;
  attemptsMade: number;
  firedAt?: number;
  lastError?: string;
  finishedAt?: number;
  result?: Json;
}

export interface Recurring {
  recurrence: Recurrence;
  template: JobTemplate;
  nextRunAt: number;
}

/** Pick order: highest priority, then earliest ready, then first scheduled. */
export function before(a: Rec, b: Rec): boolean {
  if (a.job.priority !== b.job.priority) return a.job.priority > b.job.priority;
  if (a.readyAt !== b.readyAt) return a.readyAt < b.readyAt;
  return a.seq < b.seq;
}

export function recurringInfo(id: string, e: Recurring): RecurringInfo {
  const r = e.recurrence;
  return { id, ...('everyMs' in r ? { everyMs: r.everyMs } : { cron: r.cron, tz: r.tz }), nextRunAt: e.nextRunAt, template: e.template };
}

export function toInfo(rec: Rec): JobInfo {
  const { job } = rec;
  return {
    id: job.id,
    kind: job.kind,
    payload: job.payload,
    state: rec.state,
    priority: job.priority,
    attempts: rec.attemptsMade,
    maxAttempts: job.attempts,
    ...(job.exclusiveKey === undefined ? {} : { exclusiveKey: job.exclusiveKey }),
    ...(job.runAt === undefined ? {} : { runAt: job.runAt }),
    ...(rec.firedAt === undefined ? {} : { firedAt: rec.firedAt }),
    ...(rec.firedAt !== undefined && job.runAt !== undefined ? { latenessMs: rec.firedAt - job.runAt } : {}),
    ...(rec.lastError === undefined ? {} : { lastError: rec.lastError }),
    ...(rec.finishedAt === undefined ? {} : { finishedAt: rec.finishedAt }),
    ...(rec.result === undefined ? {} : { result: rec.result }),
    ...(job.recurringId === undefined ? {} : { recurringId: job.recurringId }),
  };
}
