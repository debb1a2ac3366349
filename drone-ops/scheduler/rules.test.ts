import { describe, expect, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import { RetryLater } from './scheduler.js';
import { isLate, nextFire, normalizeJob, normalizeRecurrence, retryDelay } from './rules.js';
import { bullPriority } from './bullmq-mapping.js';
import { durabilityProblems } from './redis-durability.js';

describe('scheduling rules', () => {
  it('computes cron firings in the given time zone, Asia/Shanghai by default', () => {
    const after = Date.UTC(2025, 0, 1, 0, 0, 0);
    const sh = normalizeRecurrence('r', { cron: '0 30 8 * * 1-5' }, { kind: 'patrol', payload: null });
    expect(sh).toEqual({ cron: '0 30 8 * * 1-5', tz: 'Asia/Shanghai' });
    // Wed 2025-01-01 08:30 in Shanghai = 00:30 UTC
    expect(new Date(nextFire(sh, after)).toISOString()).toBe('2025-01-01T00:30:00.000Z');
    // New York in winter is UTC−5: 08:30 there = 13:30 UTC
    expect(new Date(nextFire({ cron: '0 30 8 * * 1-5', tz: 'America/New_York' }, after)).toISOString()).toBe('2025-01-01T13:30:00.000Z');
    expect(nextFire({ everyMs: 500 }, after)).toBe(after + 500);
  });

  it('rejects bad crons, zones, priorities and attempts as VALIDATION_FAILED', () => {
    const bad = [
      () => normalizeRecurrence('r', { cron: '61 * * * *' }, { kind: 'k', payload: null }),
      () => normalizeRecurrence('r', { cron: '* * * * *', tz: 'Asia/Atlantis' }, { kind: 'k', payload: null }),
      () => normalizeRecurrence('r', { everyMs: 0 }, { kind: 'k', payload: null }),
      () => normalizeJob({ id: 'j', kind: 'k', payload: null, priority: 2_000_000 }),
      () => normalizeJob({ id: 'j', kind: 'k', payload: null, attempts: 0 }),
      () => normalizeJob({ id: 'j', kind: '', payload: null }),
    ];
    for (const f of bad) expect(f).toThrow(expect.toSatisfy((e) => isAppError(e) && e.code === 'VALIDATION_FAILED'));
  });

  it('backs off exponentially unless RetryLater names a delay', () => {
    expect([1, 2, 3].map((a) => retryDelay(new Error('x'), a, 1000))).toEqual([1000, 2000, 4000]);
    expect(retryDelay(new RetryLater('weather', 90_000), 1, 1000)).toBe(90_000);
    expect(retryDelay(new RetryLater('dock busy'), 2, 1000)).toBe(2000);
  });

  it('a timed job is late only past its tolerance; an immediate one never', () => {
    expect(isLate(1000, 31_000, 30_000)).toBe(false);
    expect(isLate(1000, 31_001, 30_000)).toBe(true);
    expect(isLate(undefined, 1e12, 30_000)).toBe(false);
  });

  it('maps priorities so higher runs first within BullMQ bounds', () => {
    expect(bullPriority(100)).toBeLessThan(bullPriority(10));
    expect(bullPriority(1_000_000)).toBe(1);
    expect(bullPriority(-1_000_000)).toBeLessThanOrEqual(2_097_151);
  });

  it('judges Redis durable only with appendonly yes and noeviction', () => {
    expect(durabilityProblems({ appendonly: 'yes', maxmemoryPolicy: 'noeviction' })).toEqual([]);
    expect(durabilityProblems({ appendonly: 'no', maxmemoryPolicy: 'noeviction' })).toHaveLength(1);
    expect(durabilityProblems({ appendonly: 'yes', maxmemoryPolicy: 'allkeys-lru' })).toHaveLength(1);
  });
});
