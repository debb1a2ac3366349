/**
 * IntentRegistry on Redis: atomic check-and-commit across processes (issue #4 part 4).
 *
 * Intents are stored in one hash per region (a 0.1° lon/lat cell, ~10 km here), an intent in every
 * region its footprints' boxes touch. A commit WATCHes the hashes of its regions, reads them, runs
 * the pure IntentBook check, and writes in MULTI/EXEC: if any watched region changed meanwhile (another
 * process committed nearby), EXEC returns null and the whole step is retried on fresh data. Two
 * conflicting intents always share a region, so one of two racing commits must see the other.
 */
import { Redis } from 'ioredis';
import { AppError, isAppError } from '../../kernel/errors.js';
import { IntentBook, type CommitResult, type Intent } from '../deconfliction.js';
import type { Footprint } from '../geo/types.js';
import { endOf, stripEnd, type IntentRegistry } from './intents.js';

export interface RedisIntentRegistryOptions {
  url: string;
  /** Key prefix (default `citybrain`); tests isolate by prefix. */
  prefix?: string;
  /** Region cell size in degrees (default 0.1). */
  cellDeg?: number;
  /** Optimistic retries before giving up (default 50). */
  maxRetries?: number;
}

const unavailable = (why: string, cause?: unknown): AppError =>
  new AppError('SCHEDULER_UNAVAILABLE', { message: `airspace reservations unavailable: ${why}`, ...(cause === undefined ? {} : { cause }) });

interface Stored extends Intent {
  endMs: number;
  regions: string[];
}

export class RedisIntentRegistry implements IntentRegistry {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly cell: number;
  private readonly maxRetries: number;
  /** WATCH is per connection: this process's commits take turns on it. */
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private everReady = false;

  constructor(opts: RedisIntentRegistryOptions) {
    // Fail fast while Redis is down (no offline queue), like the scheduler's producer connection.
    this.redis = new Redis(opts.url, { lazyConnect: false, maxRetriesPerRequest: 3, enableOfflineQueue: false });
    this.redis.on('error', () => undefined); // reported to callers as SCHEDULER_UNAVAILABLE by serial()
    this.prefix = `${opts.prefix ?? 'citybrain'}:intents`;
    this.cell = opts.cellDeg ?? 0.1;
    this.maxRetries = opts.maxRetries ?? 50;
  }

  checkAndCommit(intent: Intent, now: number): Promise<CommitResult> {
    return this.serial(() => this.commitLoop(intent, now));
  }

  remove(id: string): Promise<boolean> {
    return this.serial(async () => {
      const raw = await this.redis.get(this.idKey(id));
      if (raw === null) return false;
      const s = JSON.parse(raw) as Stored;
      const m = this.redis.multi();
      for (const r of s.regions) m.hdel(this.regionKey(r), id);
      m.del(this.idKey(id));
      await m.exec();
      return true;
    });
  }

  async list(now: number): Promise<Intent[]> {
    await this.connected();
    const keys = await this.redis.keys(`${this.prefix}:id:*`);
    if (keys.length === 0) return [];
    const vals = await this.redis.mget(keys);
    return vals.flatMap((v) => (v === null ? [] : [JSON.parse(v) as Stored])).filter((s) => s.endMs > now).map(stripEnd);
  }

  /** Idempotent, like LocalIntentRegistry's (the conformance suite checks): a second QUIT would throw. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.queue.catch(() => undefined);
      await this.redis.quit();
    })();
    return this.closing;
  }

  /** Waits for the first connection (up to 5 s); afterwards a lost connection fails at once. */
  private async connected(): Promise<void> {
    if (this.redis.status === 'ready') {
      this.everReady = true;
      return;
    }
    if (this.everReady || this.redis.status === 'end') throw unavailable(`Redis is ${this.redis.status}`);
    let t: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve) => this.redis.once('ready', resolve));
    const timeout = new Promise<never>((_, reject) => (t = setTimeout(() => reject(unavailable('no connection within 5 s')), 5_000)));
    await Promise.race([ready, timeout]).finally(() => clearTimeout(t));
    this.everReady = true;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const fn = async (): Promise<T> => {
      await this.connected();
      try {
        return await op();
      } catch (err) {
        if (isAppError(err) || this.redis.status === 'ready') throw err;
        throw unavailable(`Redis is ${this.redis.status}`, err);
      }
    };
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commitLoop(intent: Intent, now: number): Promise<CommitResult> {
    const regions = this.regionsOf(intent);
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const keys = regions.map((r) => this.regionKey(r));
      await this.redis.watch(...keys);
      const book = new IntentBook();
      const existing = new Map<string, Stored>();
      for (const key of keys) {
        for (const raw of Object.values(await this.redis.hgetall(key))) {
          const s = JSON.parse(raw) as Stored;
          if (s.endMs > now && !existing.has(s.id)) {
            existing.set(s.id, s);
            book.put(stripEnd(s));
          }
        }
      }
      const r = book.checkAndCommit(intent);
      if (!r.ok) {
        await this.redis.unwatch();
        return r;
      }
      const stored: Stored = { ...intent, endMs: endOf(intent), regions };
      const m = this.redis.multi();
      const old = existing.get(intent.id);
      for (const reg of old?.regions ?? []) m.hdel(this.regionKey(reg), intent.id);
      for (const p of r.preempted) {
        for (const reg of existing.get(p.id)?.regions ?? regions) m.hdel(this.regionKey(reg), p.id);
        m.del(this.idKey(p.id));
      }
      for (const reg of regions) m.hset(this.regionKey(reg), intent.id, JSON.stringify(stored));
      m.set(this.idKey(intent.id), JSON.stringify(stored));
      // EXEC answers null when a watched region changed: retry with what the other process wrote.
      if ((await m.exec()) !== null) return r;
    }
    throw new AppError('INTERNAL', { message: `intent ${intent.id}: too much contention on its airspace regions` });
  }

  private regionsOf(intent: Intent): string[] {
    const out = new Set<string>();
    for (const v of intent.volumes) {
      const [w, s, e, n] = footprintBox(v.footprint);
      for (let x = Math.floor(w / this.cell); x <= Math.floor(e / this.cell); x++) {
        for (let y = Math.floor(s / this.cell); y <= Math.floor(n / this.cell); y++) out.add(`${x}:${y}`);
      }
    }
    return [...out].sort();
  }

  private regionKey(r: string): string {
    return `${this.prefix}:region:${r}`;
  }

  private idKey(id: string): string {
    return `${this.prefix}:id:${id}`;
  }
}

/** Lon/lat box of a footprint; a circle is boxed by its radius (1° lat ≈ 111 km, lon scaled by cos lat). */
function footprintBox(fp: Footprint): [number, number, number, number] {
  if (fp.type === 'Circle') {
    const dLat = fp.radiusM / 111_000;
    const dLon = dLat / Math.max(0.01, Math.cos((fp.center.lat * Math.PI) / 180));
    return [fp.center.lon - dLon, fp.center.lat - dLat, fp.center.lon + dLon, fp.center.lat + dLat];
  }
  const pts = fp.type === 'Polygon' ? fp.coordinates.flat() : fp.coordinates.flat(2);
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of pts) {
    w = Math.min(w, p[0] ?? 0);
    e = Math.max(e, p[0] ?? 0);
    s = Math.min(s, p[1] ?? 0);
    n = Math.max(n, p[1] ?? 0);
  }
  return [w, s, e, n];
}
