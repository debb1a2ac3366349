/**
 * Embedded in-process JobScheduler: one timer, a priority pick over ready jobs, per-key exclusivity
 * held in memory. The default when REDIS_URL is unset (architecture.md "Embedded by default").
 * Jobs live in this process only: a restart forgets them (use the BullMQ adapter for durability).
 */
import { AppError } from '../../kernel/errors.js';
import { EventBus } from '../../kernel/bus.js';
import { systemClock, type Clock } from '../../kernel/clock.js';
import {
  DEFAULT_LATE_AFTER_MS,
  LATE,
  NO_HANDLER,
  type JobHandler,
  type JobInfo,
  type JobScheduler,
  type JobSpec,
  type JobTemplate,
  type Recurrence,
  type RecurringInfo,
  type ScheduleResult,
  type SchedulerEvents,
  type SchedulerHealth,
  type SchedulerOptions,
} from './scheduler.js';
import {
  admits,
  errorReason,
  isLate,
  nextFire,
  normalizeJob,
  normalizeRecurrence,
  recurringJobId,
  retryDelay,
  slotPolicy,
  type NormalizedJob,
  type SlotPolicy,
} from './rules.js';
import { before, recurringInfo, toInfo, type Rec, type Recurring } from './memory-records.js';

export interface MemorySchedulerOptions extends SchedulerOptions {
  clock?: Clock;
  /** Finished and cancelled jobs kept for get() and duplicate detection (default 10,000). */
  keepFinished?: number;
}


/** setTimeout cannot wait longer than 2^31−1 ms; re-arm at least hourly. */
const MAX_TIMER_MS = 3_600_000;

export class MemoryJobScheduler implements JobScheduler {
  private readonly clock: Clock;
  private readonly lateAfterMs: number;
  private readonly slots: SlotPolicy;
  /** Running jobs below the urgent priority (they may not take the urgent slots). */
  private ordinaryRunning = 0;
  private readonly closeTimeoutMs: number;
  private readonly keepFinished: number;
  private readonly bus = new EventBus<SchedulerEvents>();
  private readonly handlers = new Map<string, JobHandler>();
  private readonly recs = new Map<string, Rec>();
  /** Ids of jobs not yet finished, in insertion order. */
  private readonly pending = new Set<string>();
  private readonly finishedOrder: string[] = [];
  private readonly recurring = new Map<string, Recurring>();
  private readonly heldKeys = new Set<string>();
  private readonly fences = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;

  constructor(opts: MemorySchedulerOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.lateAfterMs = opts.lateAfterMs ?? DEFAULT_LATE_AFTER_MS;
    this.slots = slotPolicy(opts);
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 30_000;
    this.keepFinished = opts.keepFinished ?? 10_000;
  }

  schedule(spec: JobSpec): Promise<ScheduleResult> {
    try {
      this.assertOpen();
      const job = normalizeJob(spec);
      return Promise.resolve({ id: job.id, created: this.add(job) });
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  scheduleRecurring(id: string, recurrence: Recurrence, template: JobTemplate): Promise<RecurringInfo> {
    try {
      this.assertOpen();
      const r = normalizeRecurrence(id, recurrence, template);
      const entry: Recurring = { recurrence: r, template, nextRunAt: nextFire(r, this.clock.now()) };
      this.recurring.set(id, entry);
      this.pump();
      return Promise.resolve(recurringInfo(id, entry));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  removeRecurring(id: string): Promise<boolean> {
    return Promise.resolve(this.recurring.delete(id));
  }

  listRecurring(): Promise<RecurringInfo[]> {
    return Promise.resolve([...this.recurring].map(([id, e]) => recurringInfo(id, e)));
  }

  cancel(jobId: string): Promise<boolean> {
    const rec = this.recs.get(jobId);
    if (!rec || (rec.state !== 'waiting' && rec.state !== 'delayed')) return Promise.resolve(false);
    this.finish(rec, 'cancelled');
    return Promise.resolve(true);
  }

  get(jobId: string): Promise<JobInfo | undefined> {
    const rec = this.recs.get(jobId);
    return Promise.resolve(rec && toInfo(rec));
  }

  process(kind: string, handler: JobHandler): void {
    if (this.started) throw new AppError('INTERNAL', { message: 'register handlers before start()' });
    this.handlers.set(kind, handler);
  }

  on<K extends keyof SchedulerEvents>(event: K, listener: (e: SchedulerEvents[K]) => void): () => void {
    return this.bus.on(event, listener);
  }

  start(): Promise<void> {
    this.assertOpen();
    this.started = true;
    this.pump();
    return Promise.resolve();
  }

  health(): SchedulerHealth {
    return this.closed ? { ok: false, state: 'closed' } : { ok: true, state: 'ready', detail: 'in process' };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (t = setTimeout(resolve, this.closeTimeoutMs)));
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(t);
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('INTERNAL', { message: 'scheduler is closed' });
  }

  private add(job: NormalizedJob): boolean {
    if (this.recs.has(job.id)) return false;
    const now = this.clock.now();
    const readyAt = job.runAt ?? now;
    const rec: Rec = { job, state: readyAt > now ? 'delayed' : 'waiting', seq: this.seq++, readyAt, attemptsMade: 0 };
    this.recs.set(job.id, rec);
    this.pending.add(job.id);
    this.pump();
    return true;
  }

  /** One pass: fire due recurrences, promote due jobs, fail late ones, start the best ready ones. */
  private pump(): void {
    if (!this.started || this.closed) return;
    const now = this.clock.now();
    this.fireRecurring(now);
    for (const id of this.pending) {
      const rec = this.recs.get(id);
      if (!rec) continue;
      if (rec.state === 'delayed' && rec.readyAt <= now) rec.state = 'waiting';
      if (rec.state === 'waiting' && rec.firedAt === undefined && isLate(rec.job.runAt, now, this.lateAfterMs)) {
        this.failLate(rec, now);
      }
    }
    while (this.running.size < this.slots.concurrency) {
      const next = this.pick();
      if (!next) break;
      this.run(next);
    }
    this.arm(now);
  }

  private fireRecurring(now: number): void {
    for (const [id, r] of this.recurring) {
      if (r.nextRunAt > now) continue;
      const at = r.nextRunAt;
      this.add(normalizeJob({ ...r.template, id: recurringJobId(id, at), runAt: at }, id));
      // Missed firings are skipped, not replayed in a burst (BullMQ Job Schedulers do the same).
      r.nextRunAt = nextFire(r.recurrence, Math.max(now, at));
    }
  }

  /** Highest priority first, then earliest ready, then first scheduled; skips held keys. */
  private pick(): Rec | undefined {
    let best: Rec | undefined;
    for (const id of this.pending) {
      const rec = this.recs.get(id);
      if (!rec || rec.state !== 'waiting') continue;
      if (rec.job.exclusiveKey !== undefined && this.heldKeys.has(rec.job.exclusiveKey)) continue;
      if (!admits(this.slots, rec.job.priority, this.ordinaryRunning)) continue;
      if (!best || before(rec, best)) best = rec;
    }
    return best;
  }

  private arm(now: number): void {
    clearTimeout(this.timer);
    let wake = Infinity;
    for (const r of this.recurring.values()) wake = Math.min(wake, r.nextRunAt);
    for (const id of this.pending) {
      const rec = this.recs.get(id);
      if (rec?.state === 'delayed') wake = Math.min(wake, rec.readyAt);
      if (rec?.state === 'waiting' && rec.firedAt === undefined && rec.job.runAt !== undefined) {
        wake = Math.min(wake, rec.job.runAt + this.lateAfterMs + 1);
      }
    }
    if (wake === Infinity) return;
    this.timer = setTimeout(() => this.pump(), Math.min(MAX_TIMER_MS, Math.max(0, wake - now)));
  }

  private run(rec: Rec): void {
    const { job } = rec;
    const now = this.clock.now();
    rec.state = 'active';
    rec.attemptsMade += 1;
    rec.firedAt ??= now;
    const ordinary = job.priority < this.slots.urgentMinPriority;
    if (ordinary) this.ordinaryRunning += 1;
    let fencingToken: number | undefined;
    if (job.exclusiveKey !== undefined) {
      this.heldKeys.add(job.exclusiveKey);
      fencingToken = (this.fences.get(job.exclusiveKey) ?? 0) + 1;
      this.fences.set(job.exclusiveKey, fencingToken);
    }
    this.bus.emit('fired', {
      id: job.id,
      kind: job.kind,
      attempt: rec.attemptsMade,
      firedAt: now,
      ...(job.runAt === undefined ? {} : { runAt: job.runAt, latenessMs: now - job.runAt }),
    });
    const handler = this.handlers.get(job.kind);
    const p = (async () => {
      try {
        if (!handler) return this.fail(rec, NO_HANDLER);
        const result = await handler({
          id: job.id,
          kind: job.kind,
          payload: job.payload,
          attempt: rec.attemptsMade,
          ...(job.runAt === undefined ? {} : { runAt: job.runAt }),
          ...(job.recurringId === undefined ? {} : { recurringId: job.recurringId }),
          ...(job.exclusiveKey === undefined ? {} : { exclusiveKey: job.exclusiveKey, fencingToken }),
        });
        if (result !== undefined) rec.result = result;
        this.finish(rec, 'completed');
        this.bus.emit('completed', { id: job.id, kind: job.kind, attempts: rec.attemptsMade, ...(result === undefined ? {} : { result }) });
      } catch (err) {
        this.afterError(rec, err);
      } finally {
        if (job.exclusiveKey !== undefined) this.heldKeys.delete(job.exclusiveKey);
        if (ordinary) this.ordinaryRunning -= 1;
      }
    })();
    this.running.add(p);
    void p.finally(() => {
      this.running.delete(p);
      this.pump();
    });
  }

  private afterError(rec: Rec, err: unknown): void {
    const reason = errorReason(err);
    rec.lastError = reason;
    if (rec.attemptsMade >= rec.job.attempts) return this.fail(rec, reason);
    const retryAt = this.clock.now() + retryDelay(err, rec.attemptsMade, rec.job.backoffMs);
    rec.state = 'delayed';
    rec.readyAt = retryAt;
    this.bus.emit('retrying', { id: rec.job.id, kind: rec.job.kind, attempts: rec.attemptsMade, reason, retryAt });
  }

  private failLate(rec: Rec, now: number): void {
    const runAt = rec.job.runAt ?? now;
    this.bus.emit('late', { id: rec.job.id, kind: rec.job.kind, runAt, latenessMs: now - runAt });
    this.fail(rec, LATE);
  }

  private fail(rec: Rec, reason: string): void {
    rec.lastError = reason;
    this.finish(rec, 'failed');
    this.bus.emit('failed', { id: rec.job.id, kind: rec.job.kind, attempts: rec.attemptsMade, reason });
  }

  private finish(rec: Rec, state: 'completed' | 'failed' | 'cancelled'): void {
    rec.state = state;
    rec.finishedAt = this.clock.now();
    this.pending.delete(rec.job.id);
    this.finishedOrder.push(rec.job.id);
    while (this.finishedOrder.length > this.keepFinished) {
      const old = this.finishedOrder.shift();
      if (old !== undefined) this.recs.delete(old);
    }
  }
}
