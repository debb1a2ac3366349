/**
 * Refuse to run jobs on a Redis that can lose them. constraints.md: with Debian's defaults Redis lost
 * all 5,000 acknowledged BullMQ jobs on kill -9; with `appendonly yes` none. `maxmemory-policy` must be
 * `noeviction` or Redis may evict job keys under memory pressure (BullMQ's own production advice).
 */
import type { Redis } from 'ioredis';
import { AppError } from '../../kernel/errors.js';

export interface RedisDurability {
  appendonly: string | undefined;
  maxmemoryPolicy: string | undefined;
}

/** Pure verdict: the problems that make this configuration unsafe (empty when durable). */
export function durabilityProblems(c: RedisDurability): string[] {
  const problems: string[] = [];
  if (c.appendonly !== 'yes') problems.push(`appendonly is "${c.appendonly ?? '?'}" (needs "yes")`);
  if (c.maxmemoryPolicy !== 'noeviction') problems.push(`maxmemory-policy is "${c.maxmemoryPolicy ?? '?'}" (needs "noeviction")`);
  return problems;
}

async function configGet(redis: Redis, name: string): Promise<string | undefined> {
  const reply = (await redis.call('CONFIG', 'GET', name)) as unknown;
  return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
}

/** Reads CONFIG GET appendonly / maxmemory-policy; throws AppError REDIS_NOT_DURABLE unless safe. */
export async function assertRedisDurable(redis: Redis): Promise<RedisDurability> {
  let c: RedisDurability;
  try {
    c = { appendonly: await configGet(redis, 'appendonly'), maxmemoryPolicy: await configGet(redis, 'maxmemory-policy') };
  } catch (cause) {
    // A managed Redis may disable CONFIG: without proof of durability we do not start.
    throw new AppError('REDIS_NOT_DURABLE', { message: 'cannot read the Redis configuration (CONFIG GET failed)', cause });
  }
  const problems = durabilityProblems(c);
  if (problems.length > 0) {
    throw new AppError('REDIS_NOT_DURABLE', {
      message: `Redis could lose scheduled jobs: ${problems.join('; ')}`,
      details: { ...c, problems },
    });
  }
  return c;
}
