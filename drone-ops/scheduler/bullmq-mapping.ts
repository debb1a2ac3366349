/** How our jobs are stored in BullMQ and read back (pure mapping, no I/O). */
import type { Job, JobsOptions } from 'bullmq';
import { PRIORITY_LIMIT, type JobInfo, type JobState, type JobTemplate, type Json } from './scheduler.js';
import type { NormalizedJob } from './rules.js';

/** The BullMQ job data: our spec minus what BullMQ keeps itself (attempts, delay). */
export interface StoredData {
  kind: string;
  payload: Json;
  priority: number;
  backoffMs: number;
  runAt?: number;
  exclusiveKey?: string;
  recurringId?: string;
  /** Random per schedule() call: tells whether this call created the job (ids are idempotent). */
  nonce?: string;
  /** When the handler first started (set by the worker). */
  firedAt?: number;
}

export function storedData(job: NormalizedJob, nonce?: string): StoredData {
  return {
    kind: job.kind,
    payload: job.payload,
    priority: job.priority,
    backoffMs: job.backoffMs,
    ...(job.runAt === undefined ? {} : { runAt: job.runAt }),
    ...(job.exclusiveKey === undefined ? {} : { exclusiveKey: job.exclusiveKey }),
    ...(job.recurringId === undefined ? {} : { recurringId: job.recurringId }),
    ...(nonce === undefined ? {} : { nonce }),
  };
}

/**
 * BullMQ priorities run lowest first within 1 … 2,097,151 (0 = unprioritized, which would jump the
 * queue); ours run highest first within ±PRIORITY_LIMIT, so p ↦ PRIORITY_LIMIT + 1 − p.
 */
export function bullPriority(p: number): number {
  return PRIORITY_LIMIT + 1 - p;
}

export function jobOptions(job: NormalizedJob, keepMs: number): JobsOptions {
  const keep = { age: Math.ceil(keepMs / 1000) };
  return {
    priority: bullPriority(job.priority),
    attempts: job.attempts,
    // A custom type routes every retry through the worker's backoffStrategy (RetryLater delays).
    backoff: { type: 'citybrain', delay: job.backoffMs },
    removeOnComplete: keep,
    removeOnFail: keep,
  };
}

/** Scheduled time: ours for timed jobs, the firing time BullMQ's Job Scheduler stored for recurring ones. */
export function runAtOf(job: Job): number | undefined {
  const data = job.data as StoredData;
  if (data.runAt !== undefined) return data.runAt;
  return data.recurringId !== undefined ? job.opts.prevMillis : undefined;
}

export function templateOf(kind: string, data: StoredData | undefined): JobTemplate {
  if (!data) return { kind, payload: null };
  return {
    kind: data.kind,
    payload: data.payload,
    priority: data.priority,
    backoffMs: data.backoffMs,
    ...(data.exclusiveKey === undefined ? {} : { exclusiveKey: data.exclusiveKey }),
  };
}

/**
 * BullMQ refuses custom job ids containing ':' (its key separator) — ids such as `mission:m-7` are ours to
 * choose, so the adapter escapes them on the way in and unescapes them on the way out.
 */
export function toBullId(id: string): string {
  return id.replace(/%/g, '%25').replace(/:/g, '%3A');
}

export function fromBullId(id: string | undefined): string {
  return (id ?? '').replace(/%3A/g, ':').replace(/%25/g, '%');
}

export function toInfo(job: Job, state: JobState): JobInfo {
  const data = job.data as StoredData;
  const runAt = runAtOf(job);
  const result = job.returnvalue as Json | undefined;
  return {
    id: fromBullId(job.id),
    kind: job.name,
    payload: data.payload,
    state,
    priority: data.priority,
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    ...(data.exclusiveKey === undefined ? {} : { exclusiveKey: data.exclusiveKey }),
    ...(runAt === undefined ? {} : { runAt }),
    ...(data.firedAt === undefined ? {} : { firedAt: data.firedAt }),
    ...(data.firedAt !== undefined && runAt !== undefined ? { latenessMs: data.firedAt - runAt } : {}),
    ...(job.failedReason ? { lastError: job.failedReason } : {}),
    ...(job.finishedOn === undefined ? {} : { finishedAt: job.finishedOn }),
    ...(result == null ? {} : { result }),
    ...(data.recurringId === undefined ? {} : { recurringId: data.recurringId }),
  };
}
