/**
 * Pure scheduling rules shared by both adapters: validation, cron next-fire times in a time zone,
 * backoff, lateness. Values in, values out.
 */
import { CronExpressionParser } from 'cron-parser';
import { AppError } from '../../kernel/errors.js';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_URGENT_MIN_PRIORITY,
  defaultUrgentSlots,
  type SchedulerOptions,
  DEFAULT_TZ,
  PRIORITY_LIMIT,
  RetryLater,
  type JobSpec,
  type JobTemplate,
  type Recurrence,
} from './scheduler.js';

export interface NormalizedJob {
  id: string;
  kind: string;
  payload: JobSpec['payload'];
  runAt?: number;
  priority: number;
  exclusiveKey?: string;
  attempts: number;
  backoffMs: number;
  recurringId?: string;
}

function invalid(message: string, details?: unknown): AppError {
  return new AppError('VALIDATION_FAILED', { message, details });
}

function checkTemplate(t: JobTemplate): void {
  if (typeof t.kind !== 'string' || t.kind === '') throw invalid('job kind must be a non-empty string');
  const p = t.priority ?? 0;
  if (!Number.isInteger(p) || Math.abs(p) > PRIORITY_LIMIT) {
    throw invalid(`priority must be an integer within ±${PRIORITY_LIMIT}`, { priority: p });
  }
  const a = t.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(a) || a < 1) throw invalid('attempts must be an integer ≥ 1', { attempts: a });
  const b = t.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (!Number.isFinite(b) || b < 0) throw invalid('backoffMs must be ≥ 0', { backoffMs: b });
  if (t.exclusiveKey !== undefined && t.exclusiveKey === '') throw invalid('exclusiveKey must not be empty');
}

/** Validates a spec and fills defaults; throws AppError VALIDATION_FAILED. */
export function normalizeJob(spec: JobSpec, recurringId?: string): NormalizedJob {
  if (typeof spec.id !== 'string' || spec.id === '') throw invalid('job id must be a non-empty string');
  checkTemplate(spec);
  if (spec.runAt !== undefined && !Number.isFinite(spec.runAt)) throw invalid('runAt must be epoch ms', { runAt: spec.runAt });
  return {
    id: spec.id,
    kind: spec.kind,
    payload: spec.payload,
    ...(spec.runAt === undefined ? {} : { runAt: spec.runAt }),
    priority: spec.priority ?? 0,
    ...(spec.exclusiveKey === undefined ? {} : { exclusiveKey: spec.exclusiveKey }),
    attempts: spec.attempts ?? DEFAULT_ATTEMPTS,
    backoffMs: spec.backoffMs ?? DEFAULT_BACKOFF_MS,
    ...(recurringId === undefined ? {} : { recurringId }),
  };
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A recurrence with its defaults (tz Asia/Shanghai), validated. */
export function normalizeRecurrence(id: string, r: Recurrence, template: JobTemplate): Recurrence {
  if (typeof id !== 'string' || id === '') throw invalid('recurring id must be a non-empty string');
  checkTemplate(template);
  if ('everyMs' in r) {
    if (!Number.isFinite(r.everyMs) || r.everyMs < 1) throw invalid('everyMs must be ≥ 1', { everyMs: r.everyMs });
    return { everyMs: r.everyMs };
  }
  const tz = r.tz ?? DEFAULT_TZ;
  if (!validTimeZone(tz)) throw invalid(`unknown time zone ${tz}`, { tz });
  try {
    CronExpressionParser.parse(r.cron, { tz });
  } catch (cause) {
    throw new AppError('VALIDATION_FAILED', { message: `invalid cron "${r.cron}"`, details: { cron: r.cron }, cause });
  }
  return { cron: r.cron, tz };
}

/** Next firing strictly after `after` (epoch ms). */
export function nextFire(r: Recurrence, after: number): number {
  if ('everyMs' in r) return after + r.everyMs;
  const it = CronExpressionParser.parse(r.cron, { tz: r.tz ?? DEFAULT_TZ, currentDate: new Date(after) });
  return it.next().getTime();
}

/** Id of the job a recurring schedule makes for the firing at `at` (deterministic: no double launch). */
export function recurringJobId(recurringId: string, at: number): string {
  return `${recurringId}:${at}`;
}

/**
 * Delay before the next attempt after `attemptsMade` attempts failed with `err`: the RetryLater
 * delay if given, else exponential backoff backoffMs · 2^(attemptsMade−1) (BullMQ's formula).
 */
export function retryDelay(err: unknown, attemptsMade: number, backoffMs: number): number {
  if (err instanceof RetryLater && err.delayMs !== undefined) return Math.max(0, err.delayMs);
  return Math.round(backoffMs * 2 ** Math.max(0, attemptsMade - 1));
}

/** True when a timed job that has not started yet is past its start deadline. */
export function isLate(runAt: number | undefined, now: number, lateAfterMs: number): boolean {
  return runAt !== undefined && now - runAt > lateAfterMs;
}

export function errorReason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** How handler slots are shared: `ordinaryLimit` of them for jobs below `urgentMinPriority`. */
export interface SlotPolicy {
  concurrency: number;
  urgentMinPriority: number;
  ordinaryLimit: number;
}

export function slotPolicy(o: SchedulerOptions): SlotPolicy {
  const concurrency = Math.max(1, Math.floor(o.concurrency ?? DEFAULT_CONCURRENCY));
  const urgent = Math.min(concurrency - 1, Math.max(0, Math.floor(o.urgentSlots ?? defaultUrgentSlots(concurrency))));
  return { concurrency, urgentMinPriority: o.urgentMinPriority ?? DEFAULT_URGENT_MIN_PRIORITY, ordinaryLimit: concurrency - urgent };
}

/** True when a job of `priority` may start while `ordinaryRunning` ordinary jobs run. */
export function admits(policy: SlotPolicy, priority: number, ordinaryRunning: number): boolean {
  return priority >= policy.urgentMinPriority || ordinaryRunning < policy.ordinaryLimit;
}
