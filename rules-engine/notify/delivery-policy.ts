/**
 * Pure delivery decisions for webhooks: what an HTTP outcome means, when to try again, and the
 * per-receiver token bucket. Values in, values out; the dispatcher does the I/O.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included, before a delivery is marked failed. */
  maxAttempts: number;
  /** Delay before the 2nd attempt; doubles each time (exponential backoff). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 };

/** What one attempt came to. `status` is absent when no HTTP answer came (network error, timeout). */
export interface AttemptResult {
  status?: number;
  error?: string;
  /** Seconds from a `Retry-After` header, when the receiver sent one (429, 503). */
  retryAfterS?: number;
}

export type Verdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; atMs: number; reason: string }
  | { kind: 'failed'; reason: string };

/**
 * 2xx delivers. Network errors, timeouts, 5xx, 408 and 429 are retried with exponential backoff
 * (a 429/503 `Retry-After` is honoured when longer); any other 4xx is the receiver refusing this
 * payload, which a resend will not change, so it fails at once.
 * `attempts` counts the attempt just made (1 after the first).
 */
export function judgeAttempt(r: AttemptResult, attempts: number, nowMs: number, policy: RetryPolicy, random: () => number = Math.random): Verdict {
  const s = r.status;
  if (s !== undefined && s >= 200 && s < 300) return { kind: 'delivered' };
  const reason = s === undefined ? (r.error ?? 'no response') : `HTTP ${s}`;
  const retryable = s === undefined || s >= 500 || s === 408 || s === 429;
  if (!retryable) return { kind: 'failed', reason };
  if (attempts >= policy.maxAttempts) return { kind: 'failed', reason: `${reason} (gave up after ${attempts} attempts)` };
  const delay = Math.max(backoffMs(attempts, policy, random), (r.retryAfterS ?? 0) * 1000);
  return { kind: 'retry', atMs: nowMs + delay, reason };
}

/** Exponential backoff with "equal jitter": half fixed, half random, so receivers are not hit in lockstep. */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** `Retry-After` as seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** A token bucket: `capacity` deliveries at once, refilled at `perMinute`. State is a plain value. */
export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface BucketRule {
  perMinute: number;
  capacity: number;
}

/**
 * Takes one token if there is one. Otherwise says when the next one will be there, so the dispatcher
 * delays the delivery (never drops it).
 */
export function takeToken(bucket: Bucket | undefined, rule: BucketRule, nowMs: number): { bucket: Bucket; ok: true } | { bucket: Bucket; ok: false; readyAt: number } {
  const ratePerMs = rule.perMinute / 60_000;
  const start = bucket ?? { tokens: rule.capacity, updatedAt: nowMs };
  const tokens = Math.min(rule.capacity, start.tokens + Math.max(0, nowMs - start.updatedAt) * ratePerMs);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, updatedAt: nowMs } };
  return { ok: false, bucket: { tokens, updatedAt: nowMs }, readyAt: nowMs + Math.ceil((1 - tokens) / ratePerMs) };
}
