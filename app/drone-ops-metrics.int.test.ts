import { afterAll, beforeAll } from 'vitest';
import { BullMqJobScheduler } from '../drone-ops/scheduler/index.js';
import { startRedis, type RedisServer } from '../test/servers/redis.js';
import { describeSchedulerLag } from './scheduler-lag.conformance.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describeSchedulerLag('bullmq', (opts) => new BullMqJobScheduler({ url: redis.url, prefix: `lag${process.pid}`, ...opts }));
