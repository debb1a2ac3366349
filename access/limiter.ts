/**
 * Failed-login limiter, per source address and per account (OWASP Authentication Cheat Sheet,
 * "Account lockout"). An attempt counts as a failure from the moment it starts until it succeeds, so a
 * burst of concurrent guesses cannot all slip through before the first one fails. Once a key reaches
 * its limit it is locked for `lockMs`: every attempt is answered 429 with Retry-After and no password
 * hash is computed — the lock bounds the CPU an attacker can make us spend.
 */
export interface LimiterPolicy {
  /** Failures per account within `windowMs` before the account is locked. */
  perAccount: number;
  /** Failures per source address within `windowMs` before the address is locked. */
  perAddress: number;
  windowMs: number;
  lockMs: number;
  /** Tracked keys at most; the oldest are forgotten first (memory stays bounded under a spray). */
  maxKeys: number;
}

export const DEFAULT_LIMITER_POLICY: LimiterPolicy = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxKeys: 100_000 };

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

export type Admission = { ok: true; release(success: boolean): void } | { ok: false; retryAfterMs: number };

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly policy: LimiterPolicy = DEFAULT_LIMITER_POLICY,
  ) {}

  /**
   * Admits one attempt for `username` from `address`, or says how long to wait. The caller must call
   * `release(success)` once the password is checked.
   */
  admit(username: string, address: string): Admission {
    const keys: [string, number][] = [
      [`u:${username.toLowerCase()}`, this.policy.perAccount],
      [`a:${address}`, this.policy.perAddress],
    ];
    const t = this.now();
    const wait = Math.max(0, ...keys.map(([k]) => (this.entry(k, t)?.lockedUntil ?? 0) - t));
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    for (const [k, limit] of keys) this.fail(k, limit, t);
    let done = false;
    return {
      ok: true,
      release: (success) => {
        if (done) return;
        done = true;
        // Success clears the account's record and the failure it was counted as for the address.
        if (success) {
          this.entries.delete(keys[0]![0]);
          const a = this.entries.get(keys[1]![0]);
          if (a && a.lockedUntil === 0) a.failures = Math.max(0, a.failures - 1);
        }
      },
    };
  }

  /** Remaining lock of a source address, ms (0 = not locked). */
  addressLockedFor(address: string): number {
    const t = this.now();
    return Math.max(0, (this.entry(`a:${address}`, t)?.lockedUntil ?? 0) - t);
  }

  /** Counts one refused credential from `address` (bearer tokens and cookies: no account to name). */
  failAddress(address: string): void {
    this.fail(`a:${address}`, this.policy.perAddress, this.now());
  }

  /** Remaining lock of an account, ms (0 = not locked). */
  lockedFor(username: string): number {
    const t = this.now();
    return Math.max(0, (this.entry(`u:${username.toLowerCase()}`, t)?.lockedUntil ?? 0) - t);
  }

  private entry(key: string, t: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.lockedUntil <= t && (e.lockedUntil > 0 || t - e.firstAt >= this.policy.windowMs)) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private fail(key: string, limit: number, t: number): void {
    const e = this.entry(key, t) ?? { failures: 0, firstAt: t, lockedUntil: 0 };
    e.failures += 1;
    if (e.failures >= limit) e.lockedUntil = t + this.policy.lockMs;
    this.entries.delete(key); // re-insert: Map order is then least recently failed first
    this.entries.set(key, e);
    while (this.entries.size > this.policy.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }
}
