/**
 * The BullMQ adapter's producer connection to Redis, with the guarantees a dispatcher relies on:
 * - writes fail fast while Redis is unreachable (BullMQ "Failing fast when Redis is down": ioredis with
 *   `enableOfflineQueue: false`), with AppError SCHEDULER_UNAVAILABLE, instead of waiting for a reconnect;
 * - durability (appendonly yes, maxmemory-policy noeviction, constraints.md) is checked when the
 *   connection opens, again on every reconnect (a Redis restarted empty and without appendonly must not
 *   be trusted silently) and every `recheckMs`; a non-durable Redis stops scheduling (REDIS_NOT_DURABLE);
 * - the owner hears `unavailable` / `available`, so it can rebuild what a restarted Redis lost.
 */
import { Redis } from 'ioredis';
import { AppError, isAppError } from '../../kernel/errors.js';
import { assertRedisDurable } from './redis-durability.js';
import type { SchedulerEvents, SchedulerHealth } from './scheduler.js';

export interface RedisConnectionOptions {
  url: string;
  /** How long opening may take before SCHEDULER_UNAVAILABLE (default 5 s). */
  connectTimeoutMs?: number;
  /** How long one operation may wait for Redis before SCHEDULER_UNAVAILABLE (default 5 s). */
  opTimeoutMs?: number;
  /** Durability re-check period while connected (default 10 s). */
  recheckMs?: number;
}

export interface ConnectionListener {
  unavailable(e: SchedulerEvents['unavailable']): void;
  available(): void;
  error(err: unknown): void;
}

const unavailable = (message: string, cause?: unknown): AppError => new AppError('SCHEDULER_UNAVAILABLE', { message, ...(cause === undefined ? {} : { cause }) });

export class RedisConnection {
  /** Fails fast while disconnected (no offline queue). */
  readonly redis: Redis;
  private state: SchedulerHealth['state'] = 'connecting';
  private detail: string | undefined;
  private opened = false;
  private checking: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly opts: RedisConnectionOptions,
    private readonly listener: ConnectionListener,
  ) {
    this.redis = new Redis(opts.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: opts.connectTimeoutMs ?? 5_000 });
    this.redis.on('error', (err) => listener.error(err));
    this.redis.on('close', () => this.lost());
    this.redis.on('ready', () => {
      if (this.opened) void this.recheck();
    });
    this.timer = setInterval(() => {
      if (this.opened && this.redis.status === 'ready') void this.recheck();
    }, opts.recheckMs ?? 10_000);
    this.timer.unref();
  }

  /** Connects and proves durability. @throws SCHEDULER_UNAVAILABLE, REDIS_NOT_DURABLE */
  async open(): Promise<void> {
    const ms = this.opts.connectTimeoutMs ?? 5_000;
    try {
      if (this.redis.status === 'wait') await this.withDeadline(this.redis.connect(), ms, `no connection to Redis within ${ms} ms`);
      else if (this.redis.status !== 'ready') throw unavailable(`Redis connection is ${this.redis.status}`);
      await this.withDeadline(assertRedisDurable(this.redis), ms, `Redis did not answer within ${ms} ms`);
    } catch (err) {
      this.redis.disconnect();
      if (isAppError(err)) throw err;
      throw unavailable(`cannot connect to Redis: ${(err as Error).message}`, err);
    }
    this.opened = true;
    this.state = 'ready';
    this.detail = undefined;
  }

  health(): SchedulerHealth {
    return { ok: this.state === 'ready', state: this.state, ...(this.detail === undefined ? {} : { detail: this.detail }) };
  }

  /**
   * Runs one Redis operation now or fails fast.
   * @throws REDIS_NOT_DURABLE while Redis is known non-durable; SCHEDULER_UNAVAILABLE when it is not
   * connected or does not answer within `opTimeoutMs`.
   */
  async op<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.state === 'not_durable') throw new AppError('REDIS_NOT_DURABLE', { message: `${what} refused: ${this.detail ?? 'Redis could lose jobs'}` });
    if (this.state !== 'ready' || this.redis.status !== 'ready') throw unavailable(`${what} refused: Redis is ${this.redis.status === 'ready' ? this.state : this.redis.status}`);
    const ms = this.opts.opTimeoutMs ?? 5_000;
    try {
      return await this.withDeadline(fn(), ms, `${what}: Redis did not answer within ${ms} ms`);
    } catch (err) {
      if (isAppError(err) || this.redis.status === 'ready') throw err;
      throw unavailable(`${what} failed: Redis is ${this.redis.status} (${(err as Error).message})`, err);
    }
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    this.state = 'closed';
    if (this.redis.status === 'end' || this.redis.status === 'wait') return Promise.resolve();
    return this.redis.quit().then(
      () => undefined,
      () => this.redis.disconnect(),
    );
  }

  private lost(): void {
    if (this.state !== 'ready') return;
    this.state = 'unavailable';
    this.detail = 'connection to Redis lost';
    this.listener.unavailable({ code: 'SCHEDULER_UNAVAILABLE', reason: this.detail });
  }

  /** Durability again (after a reconnect, or periodically): a restarted Redis may have other settings. */
  private recheck(): Promise<void> {
    this.checking ??= (async () => {
      try {
        await assertRedisDurable(this.redis);
        if (this.state === 'ready' || this.state === 'closed') return;
        this.state = 'ready';
        this.detail = undefined;
        this.listener.available();
      } catch (err) {
        if (!isAppError(err) || err.code !== 'REDIS_NOT_DURABLE' || this.redis.status !== 'ready') return; // lost again: `close` reports it
        if (this.state === 'not_durable' || this.state === 'closed') return;
        this.state = 'not_durable';
        this.detail = err.message;
        this.listener.unavailable({ code: 'REDIS_NOT_DURABLE', reason: err.message });
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  private withDeadline<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
    p.catch(() => undefined); // a late rejection after the deadline is not unhandled
    let t: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => (t = setTimeout(() => reject(unavailable(message)), ms)));
    return Promise.race([p, deadline]).finally(() => clearTimeout(t));
  }
}
