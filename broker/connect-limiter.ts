/**
 * Failed MQTT CONNECTs counted per source address and per username. Over the limit within the window,
 * the key is banned: every CONNECT it makes is refused before any secret is checked (so the right one is
 * refused too, and a guessing burst costs no hashing). Each further ban of the same key doubles, up to
 * `maxBanMs`; a key that stays quiet for a whole maximum ban starts again from the first step.
 * Pure: time comes from the injected clock, nothing is logged here.
 */
export type BanScope = 'address' | 'username';

export interface ConnectLimits {
  failuresPerAddress: number;
  failuresPerUsername: number;
  banMs: number;
  maxBanMs?: number;
  /** Keys tracked per scope before old, unbanned ones are dropped (memory bound against sprayed usernames). */
  maxKeys?: number;
}

export interface Ban {
  scope: BanScope;
  key: string;
  until: number;
  /** Failures that triggered it. */
  failures: number;
  /** 1 for the first ban, 2 for the next (twice as long), ... */
  strike: number;
}

interface Entry {
  failures: number;
  windowStart: number;
  bannedUntil: number;
  strikes: number;
  lastBanEnd: number;
}

class Counter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limit: number,
    private readonly banMs: number,
    private readonly maxBanMs: number,
    private readonly maxKeys: number,
  ) {}

  bannedUntil(key: string, now: number): number | undefined {
    const e = this.entries.get(key);
    return e && e.bannedUntil > now ? e.bannedUntil : undefined;
  }

  /** Counts one failure; returns the ban it triggered, if any. */
  fail(key: string, now: number): { until: number; failures: number; strike: number } | undefined {
    let e = this.entries.get(key);
    if (!e) {
      this.prune(now);
      e = { failures: 0, windowStart: now, bannedUntil: 0, strikes: 0, lastBanEnd: 0 };
      this.entries.set(key, e);
    }
    if (e.bannedUntil > now) return undefined;
    if (now - e.windowStart >= this.banMs) {
      e.failures = 0;
      e.windowStart = now;
    }
    if (e.strikes > 0 && now - e.lastBanEnd >= this.maxBanMs) e.strikes = 0;
    e.failures++;
    if (e.failures < this.limit) return undefined;
    const failures = e.failures;
    e.strikes++;
    const length = Math.min(this.banMs * 2 ** (e.strikes - 1), this.maxBanMs);
    e.bannedUntil = now + length;
    e.lastBanEnd = e.bannedUntil;
    e.failures = 0;
    e.windowStart = e.bannedUntil;
    return { until: e.bannedUntil, failures, strike: e.strikes };
  }

  succeed(key: string): void {
    const e = this.entries.get(key);
    if (e && e.strikes === 0) this.entries.delete(key);
    else if (e) e.failures = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops entries that neither ban nor remember a recent ban, oldest first, once the map is full. */
  private prune(now: number): void {
    if (this.entries.size < this.maxKeys) return;
    for (const [k, e] of this.entries) {
      const idle = e.bannedUntil <= now && (e.strikes === 0 || now - e.lastBanEnd >= this.maxBanMs);
      if (idle || this.entries.size >= this.maxKeys * 2) this.entries.delete(k);
      if (this.entries.size < this.maxKeys) return;
    }
  }
}

export class ConnectLimiter {
  private readonly byAddress: Counter;
  private readonly byUsername: Counter;

  constructor(
    limits: ConnectLimits,
    private readonly now: () => number,
  ) {
    const maxBan = limits.maxBanMs ?? 3_600_000;
    const maxKeys = limits.maxKeys ?? 100_000;
    this.byAddress = new Counter(limits.failuresPerAddress, limits.banMs, maxBan, maxKeys);
    this.byUsername = new Counter(limits.failuresPerUsername, limits.banMs, maxBan, maxKeys);
  }

  /** The ban in force for this address or username, if any (address first). */
  banned(address: string, username: string | undefined): { scope: BanScope; until: number } | undefined {
    const now = this.now();
    const a = this.byAddress.bannedUntil(address, now);
    if (a !== undefined) return { scope: 'address', until: a };
    const u = username === undefined ? undefined : this.byUsername.bannedUntil(username, now);
    return u === undefined ? undefined : { scope: 'username', until: u };
  }

  /** Records a failed CONNECT; returns the bans it started (one log line each). */
  failed(address: string, username: string | undefined): Ban[] {
    const now = this.now();
    const bans: Ban[] = [];
    const a = this.byAddress.fail(address, now);
    if (a) bans.push({ scope: 'address', key: address, ...a });
    const u = username === undefined ? undefined : this.byUsername.fail(username, now);
    if (u && username !== undefined) bans.push({ scope: 'username', key: username, ...u });
    return bans;
  }

  /** A successful CONNECT clears the username's failures; the address keeps its count (one good device must not launder a guesser's). */
  succeeded(username: string): void {
    this.byUsername.succeed(username);
  }

  /** Keys tracked (for tests and the memory bound). */
  get tracked(): { addresses: number; usernames: number } {
    return { addresses: this.byAddress.size, usernames: this.byUsername.size };
  }
}
