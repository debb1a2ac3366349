import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/servers/redis.js';
import { isAppError } from '../../kernel/errors.js';
import { describeJobScheduler, nextEvent } from './scheduler.conformance.js';
import { describeSchedulerCapacity } from './scheduler.capacity.conformance.js';
import { BullMqJobScheduler, type BullMqSchedulerOptions } from './scheduler.bullmq.js';

let redis: RedisServer;
let n = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

/** Each scheduler gets its own key prefix: tests isolate by namespace on one Redis. */
const make = (opts: Partial<BullMqSchedulerOptions> = {}) =>
  new BullMqJobScheduler({ url: redis.url, prefix: `t${process.pid}-${n++}`, exclusivePollMs: 200, ...opts });

describeJobScheduler('BullMQ on Redis', (opts) => Promise.resolve(make(opts)));
describeSchedulerCapacity('BullMQ on Redis', (opts) => Promise.resolve(make(opts)));

describe('JobScheduler: BullMQ only', () => {
  it('a delayed job survives a process restart and fires exactly once', async () => {
    const prefix = `restart-${n++}`;
    const runs: string[] = [];
    const first = make({ prefix });
    first.process('patrol', () => {
      runs.push('first');
      return Promise.resolve();
    });
    await first.start();
    const runAt = Date.now() + 1_000;
    expect(await first.schedule({ id: 'p1', kind: 'patrol', payload: { route: 'R7' }, runAt })).toEqual({ id: 'p1', created: true });
    await first.close(); // the process stops before the job is due

    const second = make({ prefix });
    second.process('patrol', (job) => {
      runs.push(`second:${JSON.stringify(job.payload)}`);
      return Promise.resolve();
    });
    const done = nextEvent(second, 'completed', (e) => e.id === 'p1');
    await second.start();
    expect(await second.schedule({ id: 'p1', kind: 'patrol', payload: { route: 'R7' }, runAt })).toEqual({ id: 'p1', created: false });
    await done;
    const sentinel = nextEvent(second, 'completed', (e) => e.id === 'sentinel');
    await second.schedule({ id: 'sentinel', kind: 'patrol', payload: null, runAt: Date.now() + 300 });
    await sentinel;
    expect(runs).toEqual(['second:{"route":"R7"}', 'second:null']);
    expect(await second.get('p1')).toMatchObject({ state: 'completed', attempts: 1, runAt });
    await second.close();
  });

  it('two scheduler processes on one queue launch each job exactly once', async () => {
    const prefix = `pair-${n++}`;
    const a = make({ prefix });
    const b = make({ prefix });
    const runs = new Map<string, number>();
    for (const s of [a, b]) {
      s.process('dispatch', (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        return Promise.resolve();
      });
    }
    await Promise.all([a.start(), b.start()]);
    const ids = Array.from({ length: 20 }, (_, i) => `d${i}`);
    const completed = new Set<string>();
    const all = new Promise<void>((resolve) => {
      for (const s of [a, b]) s.on('completed', (e) => completed.add(e.id) && completed.size === ids.length && resolve());
    });
    // both processes submit every job (e.g. both saw the same alert)
    await Promise.all(ids.flatMap((id) => [a, b].map((s) => s.schedule({ id, kind: 'dispatch', payload: null }))));
    await all;
    expect([...runs.values()].every((c) => c === 1)).toBe(true);
    expect(runs.size).toBe(ids.length);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses to start on a Redis that could lose jobs (no appendonly, or an eviction policy)', async () => {
    const lossy = await startRedis({ appendonly: false });
    const evicting = await startRedis({ maxmemoryPolicy: 'allkeys-lru' });
    try {
      const s1 = new BullMqJobScheduler({ url: lossy.url, prefix: 'refuse' });
      await expect(s1.start()).rejects.toSatisfy((e) => isAppError(e) && e.code === 'REDIS_NOT_DURABLE' && /appendonly/.test(e.message));
      await expect(s1.schedule({ id: 'x', kind: 'k', payload: null })).rejects.toSatisfy((e) => isAppError(e) && e.code === 'REDIS_NOT_DURABLE');
      await s1.close();
      const s2 = new BullMqJobScheduler({ url: evicting.url, prefix: 'refuse' });
      await expect(s2.start()).rejects.toSatisfy((e) => isAppError(e) && e.code === 'REDIS_NOT_DURABLE' && /maxmemory-policy/.test(e.message));
      await s2.close();
    } finally {
      await Promise.all([lossy.stop(), evicting.stop()]);
    }
  });
});
