/**
 * Per-key exclusivity on Redis (at most one job per dock at a time): a lock with a TTL, renewed while
 * the holder runs, and a fencing token that strictly increases per key so a dock can reject a stale
 * holder whose lock expired (Kleppmann's fencing argument against plain TTL locks).
 * Jobs that find the lock taken register as waiters and are woken when it is released.
 */
import type { Redis } from 'ioredis';

// KEYS: lock, fence counter, waiters set. ARGV: ttl ms, job id.
// Re-entrant for the same job id (a job re-run after its worker died takes its own lock over).
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v then
  local sep = string.find(v, ':', 1, true)
  if string.sub(v, sep + 1) ~= ARGV[2] then
    redis.call('SADD', KEYS[3], ARGV[2])
    return 0
  end
end
local f = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], f .. ':' .. ARGV[2], 'PX', ARGV[1])
redis.call('SREM', KEYS[3], ARGV[2])
return f`;

// KEYS: lock. ARGV: expected value, ttl ms. Extends only our own lock.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

// KEYS: lock, waiters. ARGV: expected value. Returns the waiters to wake.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local w = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[2])
return w`;

export interface HeldLock {
  fencingToken: number;
  /** Stops renewing, releases the lock if still ours, returns the job ids waiting for it. */
  release(): Promise<string[]>;
}

export class ExclusiveLocks {
  constructor(
    private readonly redis: Redis,
    private readonly base: string,
    private readonly ttlMs: number,
  ) {}

  private keys(key: string): { lock: string; fence: string; waiters: string } {
    const k = `${this.base}:${key}`;
    return { lock: `${k}:lock`, fence: `${k}:fence`, waiters: `${k}:waiters` };
  }

  /** Takes the lock for `jobId`, or registers it as a waiter and returns undefined. */
  async acquire(key: string, jobId: string, onLost: (err: unknown) => void): Promise<HeldLock | undefined> {
    const k = this.keys(key);
    const f = Number(await this.redis.eval(ACQUIRE, 3, k.lock, k.fence, k.waiters, this.ttlMs, jobId));
    if (f === 0) return undefined;
    const value = `${f}:${jobId}`;
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, k.lock, value, this.ttlMs).catch(onLost);
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    return {
      fencingToken: f,
      release: async () => {
        clearInterval(renew);
        return (await this.redis.eval(RELEASE, 2, k.lock, k.waiters, value)) as string[];
      },
    };
  }

  /** True if someone holds the lock for `key`. */
  async isHeld(key: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(key).lock)) === 1;
  }
}
