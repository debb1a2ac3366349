/**
 * The BullMQ adapter when Redis goes away (real redis-server children, killed and restarted on the same
 * port): writes fail fast with SCHEDULER_UNAVAILABLE instead of waiting for a reconnect, a Redis that
 * comes back without appendonly stops scheduling (REDIS_NOT_DURABLE), and a durable one resumes it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { isAppError } from '../../kernel/errors.js';
import { startRedis, type RedisServer } from '../../test/servers/redis.js';
import { nextEvent } from './scheduler.conformance.js';
import { BullMqJobScheduler } from './scheduler.bullmq.js';

const servers: RedisServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function kill(server: RedisServer): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  await exited;
}

const code = (c: string) => (e: unknown) => isAppError(e) && e.code === c;

describe('JobScheduler: BullMQ when Redis goes away', () => {
  it('fails fast while Redis is down, stops on a non-durable Redis after a restart, resumes once durable', async () => {
    const first = await startRedis();
    servers.push(first);
    const s = new BullMqJobScheduler({ url: first.url, prefix: 'outage', recheckMs: 200, opTimeoutMs: 2_000 });
    const ran: string[] = [];
    s.process('patrol', (job) => {
      ran.push(job.id);
      return Promise.resolve();
    });
    try {
      await s.start();
      expect(s.health()).toMatchObject({ ok: true, state: 'ready' });

      const down = nextEvent(s, 'unavailable');
      await kill(first);
      expect(await down).toMatchObject({ code: 'SCHEDULER_UNAVAILABLE' });
      expect(s.health()).toMatchObject({ ok: false, state: 'unavailable' });
      // Redis stays down for the whole call: the write must reject, not wait for a reconnect.
      await expect(s.schedule({ id: 'p1', kind: 'patrol', payload: null })).rejects.toSatisfy(code('SCHEDULER_UNAVAILABLE'));
      await expect(s.scheduleRecurring('patrol:x', { everyMs: 60_000 }, { kind: 'patrol', payload: null })).rejects.toSatisfy(code('SCHEDULER_UNAVAILABLE'));

      // Back empty and without appendonly (Debian's defaults): scheduling stops, loudly.
      const notDurable = nextEvent(s, 'unavailable', (e) => e.code === 'REDIS_NOT_DURABLE', 30_000);
      const lossy = await startRedis({ port: first.port, appendonly: false });
      servers.push(lossy);
      expect((await notDurable).reason).toMatch(/appendonly/);
      expect(s.health()).toMatchObject({ ok: false, state: 'not_durable' });
      await expect(s.schedule({ id: 'p2', kind: 'patrol', payload: null })).rejects.toSatisfy(code('REDIS_NOT_DURABLE'));

      // The operator fixes it at runtime: the periodic re-check notices, scheduling resumes.
      const back = nextEvent(s, 'available', () => true, 30_000);
      const admin = new Redis(lossy.url);
      await admin.config('SET', 'appendonly', 'yes');
      await admin.quit();
      expect(await back).toEqual({ reconnected: true });
      expect(s.health()).toMatchObject({ ok: true, state: 'ready' });
      const done = nextEvent(s, 'completed', (e) => e.id === 'p3', 30_000);
      expect(await s.schedule({ id: 'p3', kind: 'patrol', payload: null })).toEqual({ id: 'p3', created: true });
      await done;
      expect(ran).toEqual(['p3']);
    } finally {
      await s.close();
    }
  });

  it('refuses to start when Redis cannot be reached (SCHEDULER_UNAVAILABLE), and can start once it is up', async () => {
    const server = await startRedis();
    const port = server.port;
    await server.stop();
    const s = new BullMqJobScheduler({ url: `redis://127.0.0.1:${port}`, prefix: 'absent', connectTimeoutMs: 1_000 });
    try {
      await expect(s.start()).rejects.toSatisfy(code('SCHEDULER_UNAVAILABLE'));
      servers.push(await startRedis({ port }));
      await s.start();
      expect(s.health().ok).toBe(true);
    } finally {
      await s.close();
    }
  });
});
