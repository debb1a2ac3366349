/**
 * Patrol schedules survive Redis outages (the relational store is their source of truth): the platform
 * runs on a real redis-server child that is killed with SIGKILL and restarted on the same port — first
 * empty and without appendonly (scheduling must stop loudly), then empty but durable (every patrol's
 * schedule is rebuilt). While Redis is down, writes fail fast with a named 503.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { api, bootPlatform } from './helpers.js';

let redis: RedisServer;
let p: Platform;
const extra: RedisServer[] = [];

async function kill(server: RedisServer): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  await exited;
}

const pattern = { kind: 'corridor', line: { type: 'LineString', coordinates: [[120.381, 36.065], [120.384, 36.065]] }, widthM: 30, spacingM: 30, altM: 50 };
const patrol = (id: string) => ({ id, dockId: 'dock-1', pattern, cron: '0 0 3 * * *' });
type Health = { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  redis = await startRedis();
  p = await bootPlatform({ REDIS_URL: redis.url });
  expect((await api(p, 'POST', '/api/v1/docks', { id: 'dock-1', location: { lon: 120.38, lat: 36.065 } })).status).toBe(201);
  expect((await api(p, 'POST', '/api/v1/drones', { id: 'uav-1', typeId: 'dock-multirotor', dockId: 'dock-1' })).status).toBe(201);
});
afterAll(async () => {
  await p?.stop();
  await Promise.all([redis, ...extra].map((s) => s?.stop()));
});

describe('patrol schedules through Redis outages', () => {
  it('fails fast while Redis is down, stops on a non-durable Redis, rebuilds every schedule on a durable one', async () => {
    for (const id of ['river', 'bridge']) expect((await api(p, 'POST', '/api/v1/patrols', patrol(id))).status).toBe(201);
    expect((await p.droneOps.scheduler.listRecurring()).map((r) => r.id).sort()).toEqual(['patrol:bridge', 'patrol:river']);

    await kill(redis);
    await vi.waitFor(async () => expect((await api<Health>(p, 'GET', '/healthz')).body.checks.scheduler?.ok).toBe(false), { timeout: 30_000, interval: 100 });
    const down = await api<ErrorBody>(p, 'POST', '/api/v1/patrols', patrol('harbour'));
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('SCHEDULER_UNAVAILABLE');

    // Back empty, with Debian's defaults (no appendonly): nothing is trusted, nothing is scheduled.
    const lossy = await startRedis({ port: redis.port, appendonly: false });
    extra.push(lossy);
    await vi.waitFor(async () => expect((await api<Health>(p, 'GET', '/healthz')).body.checks.scheduler?.detail).toMatch(/not_durable: .*appendonly/), { timeout: 30_000, interval: 100 });
    const health = await api<Health>(p, 'GET', '/healthz');
    expect(health.status).toBe(503);
    const refused = await api<ErrorBody>(p, 'POST', '/api/v1/patrols', patrol('harbour'));
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('REDIS_NOT_DURABLE');
    // The store still lists both patrols; the metrics say why nothing fires.
    expect((await api<{ items: { id: string }[] }>(p, 'GET', '/api/v1/patrols')).body.items.map((x) => x.id).sort()).toEqual(['bridge', 'river']);
    const metrics = await (await fetch(`${p.http.url}/metrics`)).text();
    expect(metrics).toMatch(/citybrain_drone_scheduler_up 0/);
    expect(metrics).toMatch(/citybrain_drone_scheduler_unavailable_total\{code="REDIS_NOT_DURABLE"\} 1/);

    // Killed again and back empty but durable: the schedules are rebuilt from the store.
    await kill(lossy);
    extra.push(await startRedis({ port: redis.port }));
    await vi.waitFor(async () => expect((await api<Health>(p, 'GET', '/healthz')).status).toBe(200), { timeout: 30_000, interval: 100 });
    await vi.waitFor(async () => expect((await p.droneOps.scheduler.listRecurring()).map((r) => r.id).sort()).toEqual(['patrol:bridge', 'patrol:river']), { timeout: 30_000, interval: 100 });
    expect((await api(p, 'POST', '/api/v1/patrols', patrol('harbour'))).status).toBe(201);
    const after = await (await fetch(`${p.http.url}/metrics`)).text();
    expect(after).toMatch(/citybrain_drone_schedules_rebuilt_total\{what="patrols"\} 2/);
    expect(after).toMatch(/citybrain_drone_scheduler_up 1/);
  });
});
