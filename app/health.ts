/**
 * What `/healthz` and `/readyz` report: each dependency checked for real on every call (a query on the
 * relational store, a ping of the telemetry store and of Redis), bounded by a timeout so a hung
 * dependency answers "down" instead of hanging the probe. `required: false` marks what the platform
 * rides out: with the telemetry store down readings spill to disk, so it stays ready until the spill is full.
 */
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import type { HealthReport } from '../http/index.js';
import type { Database } from '../kernel/db/index.js';
import type { TelemetryStore, TelemetryWriter } from '../device-registry/telemetry/index.js';
import type { Broker } from '../broker/index.js';

type Check = HealthReport['checks'][string];

const PROBE_TIMEOUT_MS = 2_000;

async function probe(run: () => Promise<string>, required = true): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    return { ok: true, detail: await Promise.race([run(), timeout]), required };
  } catch (err) {
    return { ok: false, detail: (err as Error).message || String(err), required };
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthSources {
  database: Database;
  store: TelemetryStore;
  writer: TelemetryWriter;
  spillMaxBytes: number;
  broker: Broker;
  /** The job scheduler's own view (BullMQ: connected and durable). */
  scheduler?: () => { ok: boolean; detail: string };
  redisUrl?: string;
}

export interface HealthChecker {
  check(): Promise<HealthReport>;
  close(): Promise<void>;
}

export function healthChecker(src: HealthSources): HealthChecker {
  // Its own connection: no offline queue and no retries per command, so a Redis that is down fails the
  // ping at once, while the client keeps reconnecting in the background for when it is back.
  const redis = src.redisUrl
    ? new Redis(src.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 1_000 })
    : undefined;
  redis?.on('error', () => {});
  return {
    async check() {
      const [relationalStore, telemetryStore, redisCheck] = await Promise.all([
        probe(async () => {
          await sql`select 1`.execute(src.database.db);
          return src.database.dialect;
        }),
        probe(async () => {
          await src.store.ping();
          return src.store.name;
        }, false),
        redis
          ? probe(async () => {
              if (redis.status === 'wait') await redis.connect();
              return `PING ${await redis.ping()}`;
            })
          : undefined,
      ]);
      const w = src.writer.stats();
      const spillOk = w.spilledBytes < src.spillMaxBytes;
      const stats = src.broker.stats();
      const checks: HealthReport['checks'] = {
        relationalStore,
        telemetryStore,
        telemetrySpill: { ok: spillOk, required: true, detail: `buffered ${w.buffered}, spilled ${w.spilledBytes} of ${src.spillMaxBytes} B` },
        broker: { ok: true, required: true, detail: `${stats.clients} sessions, ${stats.connections} sockets (${stats.pending} unauthenticated)` },
        ...(redisCheck ? { redis: redisCheck } : {}),
        ...(src.scheduler ? { scheduler: { ...src.scheduler(), required: true } } : {}),
      };
      return { ok: Object.values(checks).every((c) => c.ok), checks };
    },
    async close() {
      redis?.disconnect();
    },
  };
}
