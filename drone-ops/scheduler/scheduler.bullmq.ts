/**
 * JobScheduler on BullMQ 6 + Redis (architecture.md: the at-scale adapter, switched on by REDIS_URL).
 * One queue per scheduler name under a key prefix; timed jobs are BullMQ delayed jobs, recurring ones
 * Job Schedulers (bullmq 6 removed `repeat`), priorities map to BullMQ's (lower first), retries use
 * a custom backoff honouring RetryLater, and job ids are ours so a double submit or a restart never
 * launches twice. Per-key exclusivity is ours (`exclusive-lock.ts`): BullMQ groups are Pro-only.
 * Events are those of this instance's worker.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { AppError } from '../../kernel/errors.js';
import { EventBus } from '../../kernel/bus.js';
import {
  DEFAULT_LATE_AFTER_MS,
  LATE,
  NO_HANDLER,
  type JobHandler,
  type JobInfo,
  type JobScheduler,
  type JobSpec,
  type JobState,
  type JobTemplate,
  type Json,
  type Recurrence,
  type RecurringInfo,
  type ScheduleResult,
  type SchedulerEvents,
  type SchedulerHealth,
  type SchedulerOptions,
} from './scheduler.js';
import { admits, errorReason, isLate, normalizeJob, normalizeRecurrence, retryDelay, slotPolicy, type SlotPolicy } from './rules.js';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { ExclusiveLocks } from './exclusive-lock.js';
import { fromBullId, jobOptions, runAtOf, storedData, templateOf, toBullId, toInfo, type StoredData } from './bullmq-mapping.js';

export interface BullMqSchedulerOptions extends SchedulerOptions, RedisConnectionOptions {
  /** redis://host:port (REDIS_URL). */
  url: string;
  /** Queue name (default `citybrain-jobs`). */
  name?: string;
  /** Redis key prefix (default `citybrain`); tests isolate by prefix. */
  prefix?: string;
  /** TTL of a per-key lock, renewed every third of it while the holder runs (default 60 s). */
  lockTtlMs?: number;
  /** Longest a job waits for a held key before checking again, if no release wakes it (default 1 s). */
  exclusivePollMs?: number;
  /** How long finished and cancelled jobs are kept (get() and duplicate detection; default 7 days). */
  keepFinishedMs?: number;
  /** Called with errors that have no caller to reject (lock renewal, wake-ups, worker errors). */
  onError?: (err: unknown) => void;
}

interface Conn {
  conn: RedisConnection;
  /** Producer connection (fails fast). */
  redis: Redis;
  /** The worker's and the locks' connection (waits for Redis). */
  workerRedis: Redis;
  queue: Queue;
  locks: ExclusiveLocks;
}

export class BullMqJobScheduler implements JobScheduler {
  private readonly name: string;
  private readonly prefix: string;
  private readonly lateAfterMs: number;
  private readonly pollMs: number;
  private readonly keepMs: number;
  private readonly bus = new EventBus<SchedulerEvents>();
  private readonly handlers = new Map<string, JobHandler>();
  private readonly onError: (err: unknown) => void;
  private connecting: Promise<Conn> | undefined;
  private conn: RedisConnection | undefined;
  private readonly slots: SlotPolicy;
  /** Running jobs below the urgent priority in this process (they may not take the urgent slots). */
  private ordinaryRunning = 0;
  private worker: Worker | undefined;
  private closed = false;

  constructor(private readonly opts: BullMqSchedulerOptions) {
    this.name = opts.name ?? 'citybrain-jobs';
    this.prefix = opts.prefix ?? 'citybrain';
    this.lateAfterMs = opts.lateAfterMs ?? DEFAULT_LATE_AFTER_MS;
    this.pollMs = opts.exclusivePollMs ?? 1_000;
    this.keepMs = opts.keepFinishedMs ?? 7 * 86_400_000;
    this.onError = opts.onError ?? (() => {});
    this.slots = slotPolicy(opts);
  }

  /** Connects once and checks durability before anything is written; retried after a failure. */
  private ready(): Promise<Conn> {
    if (this.closed) return Promise.reject(new AppError('INTERNAL', { message: 'scheduler is closed' }));
    this.connecting ??= this.connect().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  private async connect(): Promise<Conn> {
    const conn = new RedisConnection(this.opts, {
      error: this.onError,
      unavailable: (e) => {
        // A Redis that could lose jobs must not run them either (BullMQ keeps its state there).
        if (e.code === 'REDIS_NOT_DURABLE') void this.worker?.pause(true).catch(this.onError);
        this.bus.emit('unavailable', e);
      },
      available: () => {
        if (this.worker?.isPaused()) void Promise.resolve(this.worker.resume()).catch(this.onError);
        this.bus.emit('available', { reconnected: true });
      },
    });
    this.conn = conn;
    await conn.open();
    // The worker blocks on its own connection, which BullMQ requires to retry forever (maxRetriesPerRequest null).
    const workerRedis = new Redis(this.opts.url, { maxRetriesPerRequest: null });
    workerRedis.on('error', this.onError);
    const queue = new Queue(this.name, { connection: conn.redis, prefix: this.prefix });
    queue.on('error', this.onError);
    const locks = new ExclusiveLocks(workerRedis, `${this.base}:excl`, this.opts.lockTtlMs ?? 60_000);
    return { conn, redis: conn.redis, workerRedis, queue, locks };
  }

  /** A write or read through the producer connection: fails fast while Redis is down or not durable. */
  private async op<T>(what: string, fn: (c: Conn) => Promise<T>): Promise<T> {
    const c = await this.ready();
    return c.conn.op(what, () => fn(c));
  }

  health(): SchedulerHealth {
    if (this.closed) return { ok: false, state: 'closed' };
    return this.conn?.health() ?? { ok: false, state: 'connecting' };
  }

  private get base(): string {
    return `${this.prefix}:${this.name}:cb`;
  }

  async schedule(spec: JobSpec): Promise<ScheduleResult> {
    const job = normalizeJob(spec);
    return this.op(`scheduling job ${job.id}`, async ({ redis, queue }) => {
      if ((await redis.exists(this.cancelledKey(job.id))) === 1) return { id: job.id, created: false };
      const nonce = randomUUID();
      await queue.add(job.kind, storedData(job, nonce), {
        ...jobOptions(job, this.keepMs),
        jobId: toBullId(job.id),
        delay: Math.max(0, (job.runAt ?? 0) - Date.now()),
      });
      // BullMQ ignores an add whose id exists; the stored nonce tells whether this call created it.
      const stored = await queue.getJob(toBullId(job.id));
      return { id: job.id, created: (stored?.data as StoredData | undefined)?.nonce === nonce };
    });
  }

  async scheduleRecurring(id: string, recurrence: Recurrence, template: JobTemplate): Promise<RecurringInfo> {
    const r = normalizeRecurrence(id, recurrence, template);
    const job = normalizeJob({ ...template, id }, id);
    const repeat = 'everyMs' in r ? { every: r.everyMs } : { pattern: r.cron, tz: r.tz };
    await this.op(`scheduling ${id}`, ({ queue }) => queue.upsertJobScheduler(toBullId(id), repeat, { name: job.kind, data: storedData(job), opts: jobOptions(job, this.keepMs) }));
    const info = (await this.listRecurring()).find((x) => x.id === id);
    return info ?? { id, ...('everyMs' in r ? { everyMs: r.everyMs } : { cron: r.cron, tz: r.tz }), template };
  }

  removeRecurring(id: string): Promise<boolean> {
    return this.op(`removing ${id}`, ({ queue }) => queue.removeJobScheduler(toBullId(id)));
  }

  async listRecurring(): Promise<RecurringInfo[]> {
    const all = await this.op('listing schedules', ({ queue }) => queue.getJobSchedulers(0, -1, true));
    return all.map((s) => ({
      id: fromBullId(s.id ?? s.key),
      ...(s.pattern === undefined ? {} : { cron: s.pattern, tz: s.tz }),
      ...(s.every === undefined ? {} : { everyMs: Number(s.every) }),
      ...(s.next === undefined ? {} : { nextRunAt: Number(s.next) }),
      template: templateOf(s.name, s.template?.data as StoredData | undefined),
    }));
  }

  cancel(jobId: string): Promise<boolean> {
    return this.op(`cancelling job ${jobId}`, async ({ redis, queue }) => {
      const job = await queue.getJob(toBullId(jobId));
      if (!job) return false;
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
      const info = toInfo(job, 'cancelled');
      // remove() answers 0 when a worker holds the job's lock: it started, too late to cancel.
      if ((await queue.remove(toBullId(jobId))) !== 1) return false;
      await redis.set(this.cancelledKey(jobId), JSON.stringify({ ...info, finishedAt: Date.now() }), 'PX', this.keepMs);
      return true;
    });
  }

  get(jobId: string): Promise<JobInfo | undefined> {
    return this.op(`reading job ${jobId}`, async ({ redis, queue }) => {
      const job = await queue.getJob(toBullId(jobId));
      if (job) return toInfo(job, mapState(await job.getState()));
      const cancelled = await redis.get(this.cancelledKey(jobId));
      return cancelled === null ? undefined : (JSON.parse(cancelled) as JobInfo);
    });
  }

  process(kind: string, handler: JobHandler): void {
    if (this.worker) throw new AppError('INTERNAL', { message: 'register handlers before start()' });
    this.handlers.set(kind, handler);
  }

  on<K extends keyof SchedulerEvents>(event: K, listener: (e: SchedulerEvents[K]) => void): () => void {
    return this.bus.on(event, listener);
  }

  async start(): Promise<void> {
    const { workerRedis } = await this.ready();
    if (this.worker) return;
    const worker = new Worker(this.name, (job, token) => this.run(job, token), {
      connection: workerRedis,
      prefix: this.prefix,
      concurrency: this.slots.concurrency,
      autorun: false,
      settings: {
        backoffStrategy: (attemptsMade, _type, err, job) =>
          retryDelay(err, attemptsMade, (job?.data as StoredData | undefined)?.backoffMs ?? 0),
      },
    });
    worker.on('error', this.onError);
    worker.on('completed', (job, result: Json | undefined) => {
      this.bus.emit('completed', { id: fromBullId(job.id), kind: job.name, attempts: job.attemptsMade, ...(result == null ? {} : { result }) });
    });
    worker.on('failed', (job, err) => job && this.afterFailure(job, err));
    this.worker = worker;
    void worker.run().catch(this.onError);
    await worker.waitUntilReady();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const conn = this.connecting && (await this.connecting.catch(() => undefined));
    if (this.worker) {
      let t: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (t = setTimeout(() => r('timeout'), this.opts.closeTimeoutMs ?? 30_000)));
      const graceful = this.worker.close();
      if ((await Promise.race([graceful, timeout])) === 'timeout') await this.worker.close(true);
      clearTimeout(t);
    }
    if (conn) {
      await conn.queue.close().catch(this.onError);
      await conn.conn.close();
      await conn.workerRedis.quit().catch(() => conn.workerRedis.disconnect());
    }
  }

  private cancelledKey(jobId: string): string {
    return `${this.base}:cancelled:${jobId}`;
  }

  private afterFailure(job: Job, err: Error): void {
    const id = fromBullId(job.id);
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const reason = errorReason(err);
    if (final) return void this.bus.emit('failed', { id, kind: job.name, attempts: job.attemptsMade, reason });
    const wait = retryDelay(err, job.attemptsMade, (job.data as StoredData).backoffMs);
    this.bus.emit('retrying', { id, kind: job.name, attempts: job.attemptsMade, reason, retryAt: Date.now() + wait });
  }

  /** The BullMQ processor: lateness, handler lookup, a slot for its priority, per-key lock, then the handler. */
  private async run(job: Job, token: string | undefined): Promise<Json | null> {
    const data = job.data as StoredData;
    const id = fromBullId(job.id);
    const now = Date.now();
    const runAt = runAtOf(job);
    const first = job.attemptsMade === 0 && data.firedAt === undefined;
    if (first && runAt !== undefined && isLate(runAt, now, this.lateAfterMs)) {
      this.bus.emit('late', { id, kind: job.name, runAt, latenessMs: now - runAt });
      throw new UnrecoverableError(LATE);
    }
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(NO_HANDLER);
    // Wait (for a slot or a key): re-checked after pollMs, never past the LATE deadline of a timed job not yet fired.
    const waitUntil = Math.max(now + 1, Math.min(now + this.pollMs, first && runAt !== undefined ? runAt + this.lateAfterMs + 1 : Infinity));
    const ordinary = data.priority < this.slots.urgentMinPriority;
    if (!admits(this.slots, data.priority, this.ordinaryRunning)) {
      await job.moveToDelayed(waitUntil, token);
      throw new DelayedError();
    }
    if (ordinary) this.ordinaryRunning += 1;
    try {
      const { queue, locks } = await this.ready();
      const key = data.exclusiveKey;
      const held = key === undefined ? undefined : await locks.acquire(key, id, this.onError);
      if (key !== undefined && !held) {
        // Woken early by the holder's release.
        await job.moveToDelayed(waitUntil, token);
        if (!(await locks.isHeld(key))) await job.promote().catch(() => undefined); // released meanwhile
        throw new DelayedError();
      }
      try {
        const firedAt = Date.now();
        if (first) await job.updateData({ ...data, firedAt });
        const attempt = job.attemptsMade + 1;
        this.bus.emit('fired', { id, kind: job.name, attempt, firedAt, ...(runAt === undefined ? {} : { runAt, latenessMs: firedAt - runAt }) });
        const result = await handler({
          id,
          kind: job.name,
          payload: data.payload,
          attempt,
          ...(runAt === undefined ? {} : { runAt }),
          ...(data.recurringId === undefined ? {} : { recurringId: data.recurringId }),
          ...(key === undefined ? {} : { exclusiveKey: key, fencingToken: held?.fencingToken }),
        });
        return result ?? null;
      } finally {
        if (held) await this.wake(queue, await held.release());
      }
    } finally {
      if (ordinary) this.ordinaryRunning -= 1;
    }
  }

  private async wake(queue: Queue, waiters: string[]): Promise<void> {
    for (const w of waiters) {
      const j = await queue.getJob(toBullId(w));
      // promote() fails if the waiter is not delayed any more (it already runs or was removed).
      await j?.promote().catch(() => undefined);
    }
  }
}

function mapState(s: string): JobState {
  switch (s) {
    case 'completed':
    case 'failed':
    case 'delayed':
    case 'active':
      return s;
    default:
      return 'waiting'; // waiting, prioritized, waiting-children, unknown
  }
}

