import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { startPostgres, type PostgresServer } from '../servers/postgres.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import type { ServerProcess } from '../servers/child.js';
import { bootPlatform } from './helpers.js';

interface Health {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string; required?: boolean }>;
}

async function probe(p: Platform, path: '/healthz' | '/readyz'): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${p.http.url}${path}`);
  return { status: res.status, body: (await res.json()) as Health };
}

describe('/healthz and /readyz with real dependencies stopped under the platform', () => {
  let pg: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  let p: Platform | undefined;
  let redisAgain: { stop(): Promise<void> } | undefined;
  afterAll(async () => {
    await p?.stop();
    await Promise.all([pg?.stop(), redis?.stop(), redisAgain?.stop()]);
  });

  it('reports each dependency, and is not ready while Redis or PostgreSQL is down', async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    p = await bootPlatform({ DATABASE_URL: pg.url, REDIS_URL: redis.url });
    const up = await probe(p, '/readyz');
    expect(up.status).toBe(200);
    expect(Object.keys(up.body.checks).sort()).toEqual(['broker', 'redis', 'relationalStore', 'scheduler', 'telemetrySpill', 'telemetryStore']);
    expect(up.body.checks.relationalStore).toEqual({ ok: true, required: true, detail: 'postgres' });
    expect(up.body.checks.redis).toEqual({ ok: true, required: true, detail: 'PING PONG' });
    expect(up.body.checks.telemetryStore).toMatchObject({ ok: true, required: false });

    await redis.stop();
    const noRedis = await probe(p, '/readyz');
    expect(noRedis.status).toBe(503);
    expect(noRedis.body.checks.redis?.ok).toBe(false);
    expect(noRedis.body.checks.relationalStore?.ok).toBe(true);
    expect((await probe(p, '/healthz')).status).toBe(503);

    await pg.stop();
    const noPg = await probe(p, '/readyz');
    expect(noPg.status).toBe(503);
    expect(noPg.body.checks.relationalStore?.ok).toBe(false);
    expect(noPg.body.checks.relationalStore?.detail).toBeTruthy();
    // Redis back on its port (durable, as the scheduler demands): it reconnects and the platform shuts down cleanly.
    redisAgain = await startRedis({ port: redis.port });
    await vi.waitFor(async () => expect((await probe(p!, '/readyz')).body.checks.redis?.ok).toBe(true), { timeout: 20_000, interval: 250 });
  });

  it('comes back ready when the dependency returns (a durable Redis restarted on its port)', async () => {
    const r = await startRedis();
    const q = await bootPlatform({ REDIS_URL: r.url });
    let again: ServerProcess | undefined;
    try {
      expect((await probe(q, '/readyz')).status).toBe(200);
      await r.stop();
      expect((await probe(q, '/readyz')).status).toBe(503);
      again = await startRedis({ port: r.port });
      await vi.waitFor(async () => expect((await probe(q, '/readyz')).status).toBe(200), { timeout: 20_000, interval: 250 });
    } finally {
      // The platform first, while Redis is up (BullMQ's close waits for its connection).
      await q.stop();
      await again?.stop();
    }
  });
});
