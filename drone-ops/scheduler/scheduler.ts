/**
 * The JobScheduler port (issue #4 part 5): immediate, timed, recurring (cron with a time zone,
 * Asia/Shanghai by default) and retried jobs for drone-ops — patrols, dispatches, dock retries.
 * Two adapters implement it: `scheduler.memory.ts` (embedded, in process) and
 * `scheduler.bullmq.ts` (BullMQ 6 on Redis); `scheduler.conformance.ts` holds the one suite both pass.
 *
 * drone-ops.md "Docks and scheduling": a timed task fires within 30 s of its time or fails visibly
 * (reason `LATE`); retries when the dock is busy or the weather is out of limits (`RetryLater`).
 */

/** A JSON value: payloads and results are stored as JSON by the Redis adapter. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** drone-ops.md: "A timed task fires within 30 s of its time or fails visibly." */
export const DEFAULT_LATE_AFTER_MS = 30_000;
export const DEFAULT_TZ = 'Asia/Shanghai';
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 10_000;
/** Priorities used by drone-ops (higher runs first): an alert dispatch pre-empts a patrol. */
export const PRIORITY = { patrol: 10, inspection: 50, emergency: 100 } as const;
/** Priorities are integers in [-PRIORITY_LIMIT, PRIORITY_LIMIT] (BullMQ stores 1 … 2,097,151). */
export const PRIORITY_LIMIT = 1_000_000;
/**
 * Handlers running at once. Launch handlers are short (preflight, upload, start: the flight itself is
 * followed by events, not by a held slot), and at most one runs per dock (exclusive key), so this only
 * has to exceed the dock count of a city (50–100, architecture.md "Scale") plus the urgent slots.
 */
export const DEFAULT_CONCURRENCY = 256;
/** Jobs at or above this priority may use the slots held back from patrols (inspection, emergency). */
export const DEFAULT_URGENT_MIN_PRIORITY = PRIORITY.inspection;

/** Slots held back for urgent jobs: an eighth of the concurrency, at least one (when concurrency > 1). */
export function defaultUrgentSlots(concurrency: number): number {
  return concurrency > 1 ? Math.max(1, Math.floor(concurrency / 8)) : 0;
}

/** What to run and how: the argument of {@link JobScheduler.schedule}. */
export interface JobSpec {
  /** Caller-chosen id: scheduling the same id again is a no-op (no double launch). */
  id: string;
  /** Selects the handler registered with {@link JobScheduler.process}. */
  kind: string;
  payload: Json;
  /** Epoch ms; absent means immediate. A timed job not started by runAt + lateAfterMs fails with `LATE`. */
  runAt?: number;
  /** Higher runs first (emergency > patrol); default 0. */
  priority?: number;
  /** At most one job with the same key runs at a time (e.g. a dock id); the next one waits. */
  exclusiveKey?: string;
  /** Total attempts including the first (default 3). */
  attempts?: number;
  /** Base of the exponential backoff between attempts: backoffMs · 2^(attempt−1) (default 10 s). */
  backoffMs?: number;
}

/** The template recurring firings are made from (each firing is a job with a derived id). */
export type JobTemplate = Omit<JobSpec, 'id' | 'runAt'>;

/** Cron (5 or 6 fields, seconds first) in a time zone, or a fixed interval. */
export type Recurrence = { cron: string; tz?: string } | { everyMs: number };

export interface RecurringInfo {
  id: string;
  cron?: string;
  tz?: string;
  everyMs?: number;
  /** Epoch ms of the next firing, when known. */
  nextRunAt?: number;
  template: JobTemplate;
}

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface JobInfo {
  id: string;
  kind: string;
  payload: Json;
  state: JobState;
  priority: number;
  exclusiveKey?: string;
  /** Scheduled time of a timed or recurring job. */
  runAt?: number;
  /** When the handler first started. */
  firedAt?: number;
  /** firedAt − runAt (ms) for a timed job that fired. */
  latenessMs?: number;
  /** Attempts made so far (a RetryLater counts). */
  attempts: number;
  maxAttempts: number;
  /** Reason of the last failed attempt (`LATE` for a timed job that never started in time). */
  lastError?: string;
  finishedAt?: number;
  result?: Json;
  /** Id of the recurring schedule that produced this job. */
  recurringId?: string;
}

/** What a handler receives. */
export interface RunningJob {
  id: string;
  kind: string;
  payload: Json;
  /** 1-based attempt number. */
  attempt: number;
  runAt?: number;
  recurringId?: string;
  exclusiveKey?: string;
  /**
   * Fencing token of the exclusive-key lock: strictly increases per key, so a dock can reject a
   * command from a holder whose lock has expired (BullMQ adapter; the memory adapter counts too).
   */
  fencingToken?: number;
}

export type JobHandler = (job: RunningJob) => Promise<Json | void>;

/**
 * Thrown by a handler when the job cannot run now (dock busy, weather out of limits): the job is
 * retried after `delayMs` (or the backoff) and the attempt counts.
 */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
  constructor(
    readonly reason: string,
    readonly delayMs?: number,
  ) {
    super(reason);
  }
}

export const LATE = 'LATE';
export const NO_HANDLER = 'NO_HANDLER';

export interface SchedulerEvents {
  /** A handler started (every attempt). */
  fired: { id: string; kind: string; attempt: number; firedAt: number; runAt?: number; latenessMs?: number };
  completed: { id: string; kind: string; attempts: number; result?: Json };
  /** An attempt failed and another one is scheduled. */
  retrying: { id: string; kind: string; attempts: number; reason: string; retryAt: number };
  /** The job failed for good (attempts exhausted, `LATE`, `NO_HANDLER`). */
  failed: { id: string; kind: string; attempts: number; reason: string };
  /** A timed job was not started within lateAfterMs of its time; `failed` follows with `LATE`. */
  late: { id: string; kind: string; runAt: number; latenessMs: number };
  /**
   * The scheduler cannot take or run jobs: its store is unreachable (`SCHEDULER_UNAVAILABLE`) or was
   * found unable to keep them (`REDIS_NOT_DURABLE`, checked again on every reconnect). Writes fail fast.
   */
  unavailable: { code: 'SCHEDULER_UNAVAILABLE' | 'REDIS_NOT_DURABLE'; reason: string };
  /**
   * Running again after `unavailable` (reconnected to a durable store). Its jobs and recurring
   * schedules may be gone (a store restarted empty): owners rebuild theirs from their source of truth.
   */
  available: { reconnected: true };
}

/** Whether the scheduler can take and run jobs now (for health checks). */
export interface SchedulerHealth {
  ok: boolean;
  state: 'ready' | 'connecting' | 'unavailable' | 'not_durable' | 'closed';
  detail?: string;
}

export type ScheduleResult = { id: string; created: boolean };

/** The job scheduler port. Both adapters pass `describeJobScheduler`. */
export interface JobScheduler {
  /**
   * Adds a job. Idempotent on `id`: if a job with this id exists (in any state, including finished
   * or cancelled within the retention window), nothing is added and `created` is false.
   * Invalid specs reject with AppError `VALIDATION_FAILED`.
   */
  schedule(job: JobSpec): Promise<ScheduleResult>;
  /**
   * Creates or replaces the recurring schedule `id` (cron with a time zone, default Asia/Shanghai,
   * or every N ms). Each firing becomes a job built from `template`, with an id derived from the
   * schedule id and the firing time (so a firing is never launched twice) and `recurringId` = id.
   */
  scheduleRecurring(id: string, recurrence: Recurrence, template: JobTemplate): Promise<RecurringInfo>;
  /** Removes a recurring schedule and its pending firing; true if it existed. */
  removeRecurring(id: string): Promise<boolean>;
  /** All recurring schedules with their next firing time. */
  listRecurring(): Promise<RecurringInfo[]>;
  /**
   * Cancels a job that has not started (waiting or delayed, including between retries); true if
   * cancelled. A running handler is not interrupted (aborting a flight is the controller's job).
   */
  cancel(jobId: string): Promise<boolean>;
  /** Current state of a job, or undefined if unknown (never scheduled, or past retention). */
  get(jobId: string): Promise<JobInfo | undefined>;
  /** Registers the handler for `kind`. Call before {@link start}; jobs of a kind without one fail `NO_HANDLER`. */
  process(kind: string, handler: JobHandler): void;
  /** Subscribes to an event of this scheduler instance; returns the unsubscribe function. */
  on<K extends keyof SchedulerEvents>(event: K, listener: (e: SchedulerEvents[K]) => void): () => void;
  /** Starts running handlers. The BullMQ adapter refuses (`REDIS_NOT_DURABLE`) if Redis could lose jobs. */
  start(): Promise<void>;
  /** Whether jobs can be taken and run now; the BullMQ adapter reports a lost or non-durable Redis. */
  health(): SchedulerHealth;
  /** Stops taking jobs, waits for running handlers up to the close timeout, releases resources. */
  close(): Promise<void>;
}

/** Options shared by both adapters. */
export interface SchedulerOptions {
  /** A timed job not started this long after runAt fails with `LATE` (default 30 s). */
  lateAfterMs?: number;
  /** Handlers running at once (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /**
   * Slots only jobs of priority ≥ `urgentMinPriority` may use, so that an emergency never waits behind
   * patrols: ordinary jobs run at most `concurrency − urgentSlots` at once (default: an eighth).
   */
  urgentSlots?: number;
  /** Default {@link DEFAULT_URGENT_MIN_PRIORITY} (inspection and emergency dispatches). */
  urgentMinPriority?: number;
  /** How long close() waits for running handlers (default 30 s). */
  closeTimeoutMs?: number;
}
