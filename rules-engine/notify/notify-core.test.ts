import { describe, expect, it } from 'vitest';
import { backoffMs, judgeAttempt, parseRetryAfter, takeToken, type RetryPolicy } from './delivery-policy.js';
import { RingBuffer } from './ring-buffer.js';
import { alertDistrict, matchesAlert, platformTopics } from './routing.js';
import { signPayload, verifySignature } from './signing.js';
import { alertNotice } from './testing.js';

const P: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 3000 };

describe('delivery policy', () => {
  it('delivers 2xx, retries network errors, 5xx, 408 and 429, fails other 4xx and 3xx', () => {
    expect(judgeAttempt({ status: 204 }, 1, 0, P).kind).toBe('delivered');
    for (const r of [{ error: 'ECONNREFUSED' }, { status: 500 }, { status: 503 }, { status: 408 }, { status: 429 }]) {
      expect(judgeAttempt(r, 1, 0, P).kind, JSON.stringify(r)).toBe('retry');
    }
    for (const s of [400, 401, 404, 410, 302]) expect(judgeAttempt({ status: s }, 1, 0, P)).toEqual({ kind: 'failed', reason: `HTTP ${s}` });
    expect(judgeAttempt({ status: 500 }, 3, 0, P)).toMatchObject({ kind: 'failed', reason: expect.stringContaining('gave up after 3') as string });
  });

  it('backs off exponentially with equal jitter, capped, and honours a longer Retry-After', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, P, () => 1))).toEqual([1000, 2000, 3000, 3000]);
    expect(backoffMs(2, P, () => 0)).toBe(1000);
    expect(judgeAttempt({ status: 429, retryAfterS: 10 }, 1, 5, P, () => 1)).toEqual({ kind: 'retry', atMs: 10_005, reason: 'HTTP 429' });
    expect(parseRetryAfter('7', 0)).toBe(7);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it('token bucket: burst, then one per 60/perMinute s; says when the next token is due', () => {
    const rule = { perMinute: 60, capacity: 2 };
    let t = takeToken(undefined, rule, 0);
    expect(t.ok).toBe(true);
    t = takeToken(t.bucket, rule, 0);
    expect(t.ok).toBe(true);
    t = takeToken(t.bucket, rule, 0);
    expect(t).toMatchObject({ ok: false, readyAt: 1000 });
    expect(takeToken(t.bucket, rule, 1000).ok).toBe(true);
  });
});

describe('routing', () => {
  it('filters by severity ≥, districts and actions', () => {
    const n = alertNotice({ severity: 'orange', district: '370202', action: 'upgraded' });
    expect(alertDistrict(n.alert)).toBe('370202');
    expect(matchesAlert({}, n)).toBe(true);
    expect(matchesAlert({ minSeverity: 'orange' }, n)).toBe(true);
    expect(matchesAlert({ minSeverity: 'red' }, n)).toBe(false);
    expect(matchesAlert({ districts: ['370203'] }, n)).toBe(false);
    expect(matchesAlert({ actions: ['opened'] }, n)).toBe(false);
    expect(matchesAlert({ districts: ['370202'] }, alertNotice({ district: null }))).toBe(false);
  });

  it('builds platform topics with safe segments', () => {
    expect(platformTopics.alert(alertNotice({ severity: 'red', district: null }))).toBe('platform/alerts/red/none');
    expect(platformTopics.presence('gas-1', 'a/b#')).toBe('platform/presence/a_b_/gas-1');
    expect(platformTopics.mission('completed')).toBe('platform/missions/completed');
  });
});

describe('signature', () => {
  it('verifies its own signature and rejects a changed body, secret or stale timestamp', () => {
    const sig = signPayload('s3cret', 1000, '{"a":1}');
    expect(verifySignature('s3cret', { signature: sig, timestamp: '1000' }, '{"a":1}', 1010)).toBe(true);
    expect(verifySignature('s3cret', { signature: sig, timestamp: '1000' }, '{"a":2}', 1010)).toBe(false);
    expect(verifySignature('other', { signature: sig, timestamp: '1000' }, '{"a":1}', 1010)).toBe(false);
    expect(verifySignature('s3cret', { signature: sig, timestamp: '1000' }, '{"a":1}', 2000)).toBe(false);
  });
});

describe('ring buffer', () => {
  it('replays after a seq, reports a gap once items fell out, and a seq from the future', () => {
    const r = new RingBuffer<{ seq: number }>(3);
    for (let s = 1; s <= 5; s++) r.push({ seq: s });
    expect(r.since(2, 5)).toEqual({ ok: true, items: [{ seq: 3 }, { seq: 4 }, { seq: 5 }] });
    expect(r.since(4, 5)).toEqual({ ok: true, items: [{ seq: 5 }] });
    expect(r.since(1, 5)).toEqual({ ok: false, reason: 'gap' });
    expect(r.since(9, 5)).toEqual({ ok: false, reason: 'ahead' });
    expect(new RingBuffer(2).since(0, 0)).toEqual({ ok: true, items: [] });
  });
});
