/**
 * Job scheduling for drone-ops (issue #4 part 5): the JobScheduler port and its two adapters.
 * The composition root picks BullMqJobScheduler when REDIS_URL is set, MemoryJobScheduler otherwise.
 * See docs/scheduler.md.
 */
export * from './scheduler.js';
export { MemoryJobScheduler, type MemorySchedulerOptions } from './scheduler.memory.js';
export { BullMqJobScheduler, type BullMqSchedulerOptions } from './scheduler.bullmq.js';
export { assertRedisDurable, durabilityProblems, type RedisDurability } from './redis-durability.js';
export { nextFire, validTimeZone } from './rules.js';
