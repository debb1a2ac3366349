/**
 * A Redis outage under a cluster broker node is two log lines, not one per reconnect attempt: `down` once,
 * `back` once with how long it was down. Real redis-server, stopped and started again on the same port.
 */
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../kernel/logger.js';
import { startRedis, type RedisServer } from '../test/servers/redis.js';
import { gasDevice, startTestBroker, type TestBroker } from './testing.js';

const servers: RedisServer[] = [];
let broker: TestBroker | undefined;
afterAll(async () => {
  await broker?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

describe('broker cluster: Redis outage logging', () => {
  it('logs one line when Redis goes away and one when it is back, however many reconnects fail between', async () => {
    const lines: { level: number; msg: string; downMs?: number; errors?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as (typeof lines)[number]);
        done();
      },
    });
    const redis = await startRedis();
    servers.push(redis);
    broker = await startTestBroker([gasDevice('dev1')], { mqttCluster: true, redisUrl: redis.url, mqttClusterPrefix: 'outage-log:' }, createLogger({ level: 'warn', destination: sink }));
    const redisLines = () => lines.filter((l) => l.msg.startsWith('broker cluster: Redis'));
    expect(redisLines()).toEqual([]);

    const exited = new Promise((r) => redis.child.once('exit', r));
    redis.child.kill('SIGKILL');
    await exited;
    await vi.waitFor(() => expect(redisLines().map((l) => l.msg)).toEqual(['broker cluster: Redis down']), { timeout: 20_000, interval: 50 });
    // ioredis retries every 50 ms, growing to 2 s: let several attempts fail while it is down.
    await new Promise((r) => setTimeout(r, 3_000));
    servers.push(await startRedis({ port: redis.port }));
    await vi.waitFor(() => expect(redisLines().at(-1)?.msg).toMatch(/^broker cluster: Redis back after \d+\.\d s$/), { timeout: 30_000, interval: 50 });
    const [down, back] = redisLines();
    expect(redisLines()).toHaveLength(2);
    expect(down?.level).toBe(40);
    expect(back?.downMs).toBeGreaterThan(0);
    expect(back?.errors).toBeGreaterThan(1);
  }, 60_000);
});
