/**
 * The access service: who someone is (sessions, personal tokens), what they may do (roles.ts), and
 * the people themselves. It knows no module's business: routes declare a permission, this decides.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { DistrictScope } from '../kernel/scope.js';
import { DEFAULT_LIMITER_POLICY, LoginLimiter, type LimiterPolicy } from './limiter.js';
import { checkPasswordPolicy, hashPassword, verifyDummy, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { decide, isRole, permissionsOf, roleAtMost, type Permission } from './roles.js';
import type { AccessStore, SessionRecord, UserRecord } from './store.js';
import { newSessionValue, parsePersonalToken, randomId, sameHash, sha256 } from './tokens.js';

export interface AccessOptions {
  store: AccessStore;
  clock: Clock;
  log: Logger;
  /** A session ends after this long without a request (OWASP Session Management: 15–30 min). */
  sessionIdleMs?: number;
  /** A session ends this long after login, whatever the activity. */
  sessionMaxMs?: number;
  limiter?: LimiterPolicy;
  /** Refused bearer tokens per address before the address is locked (`perAddress`, `windowMs`, `lockMs`). */
  credentialLimiter?: Partial<LimiterPolicy>;
  /** Called for each login refused by the limiter or a wrong password, and each refused token (metrics). */
  onLoginRefused?: (reason: 'locked' | 'bad_credentials' | 'bad_token') => void;
}

/**
 * 100 refused bearer tokens per address in 15 minutes, then 15 minutes of 429. High enough for a
 * script with a stale token to notice, low enough that guessing gets nowhere (tokens carry 256 bits).
 */
export const DEFAULT_CREDENTIAL_POLICY: LimiterPolicy = { perAccount: Number.MAX_SAFE_INTEGER, perAddress: 100, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxKeys: 100_000 };

export interface LoginResult {
  /** The cookie value (shown to the browser only). */
  cookie: string;
  principal: Principal;
}

/** How often a session's last-seen time is written: idle expiry is minutes, not seconds. */
const TOUCH_EVERY_MS = 30_000;

export class AccessService {
  readonly idleMs: number;
  readonly maxMs: number;
  private readonly limiter: LoginLimiter;
  /** Refused bearer tokens per source address: guessing tokens is limited too. */
  private readonly credentials: LoginLimiter;

  constructor(private readonly opts: AccessOptions) {
    this.idleMs = opts.sessionIdleMs ?? 30 * 60_000;
    this.maxMs = opts.sessionMaxMs ?? 12 * 3_600_000;
    this.limiter = new LoginLimiter(() => opts.clock.now(), opts.limiter ?? DEFAULT_LIMITER_POLICY);
    this.credentials = new LoginLimiter(() => opts.clock.now(), { ...DEFAULT_CREDENTIAL_POLICY, ...opts.credentialLimiter });
  }

  /** How long requests from `address` are refused after too many bad credentials, ms (0 = not). */
  credentialLockedFor(address: string): number {
    return this.credentials.addressLockedFor(address);
  }

  credentialRefused(address: string): void {
    this.opts.onLoginRefused?.('bad_token');
    this.credentials.failAddress(address);
  }

  private get store(): AccessStore {
    return this.opts.store;
  }

  /**
   * First start: with no user at all, creates `admin` (whole city). Returns the password when it was
   * generated here, so the banner can show it once.
   */
  async bootstrapAdmin(password?: string): Promise<{ created: boolean; username: string; generatedPassword?: string }> {
    if ((await this.store.countUsers()) > 0) return { created: false, username: 'admin' };
    // 15 random bytes (120 bits) as 20 base64url characters.
    const generated = password === undefined ? randomBytes(15).toString('base64url') : undefined;
    const chosen = password ?? generated!;
    checkPasswordPolicy(chosen, 'admin');
    const at = this.opts.clock.now();
    await this.store.createUser({ id: randomId('u_'), username: 'admin', role: 'admin', districts: null, unit: null, disabled: false, passwordHash: await hashPassword(chosen), createdAt: at, updatedAt: at });
    return { created: true, username: 'admin', ...(generated ? { generatedPassword: generated } : {}) };
  }

  /** The access decision for a declared permission. */
  decide(p: Principal, permission: string): 'ok' | 'forbidden' {
    return decide(p.role, p.scope.city, permission);
  }

  permissionsOf(p: Principal): Permission[] {
    return isRole(p.role) ? permissionsOf(p.role).filter((perm) => this.decide(p, perm) === 'ok') : [];
  }

  /**
   * Username + password → a new session. Throws LOGIN_RATE_LIMITED (429, details.retryAfterS) while the
   * account or the address is locked — without hashing anything — and LOGIN_FAILED (401) for an unknown
   * user, a wrong password or a disabled account alike.
   */
  async login(username: string, password: string, ip: string | null): Promise<LoginResult> {
    const admission = this.limiter.admit(username, ip ?? 'unknown');
    if (!admission.ok) {
      this.opts.onLoginRefused?.('locked');
      throw new AppError('LOGIN_RATE_LIMITED', { details: { retryAfterS: Math.ceil(admission.retryAfterMs / 1000) } });
    }
    let ok = false;
    try {
      const user = await this.store.findUserByName(username);
      ok = user ? await verifyPassword(user.passwordHash, password) : await verifyDummy(password);
      if (!ok || !user || user.disabled) {
        ok = false;
        this.opts.onLoginRefused?.('bad_credentials');
        throw new AppError('LOGIN_FAILED');
      }
      return await this.openSession(user, ip);
    } finally {
      admission.release(ok);
    }
  }

  private async openSession(user: UserRecord, ip: string | null): Promise<LoginResult> {
    const at = this.opts.clock.now();
    const s = newSessionValue();
    const rec: SessionRecord = { idHash: s.idHash, userId: user.id, csrf: s.csrf, createdAt: at, lastSeenAt: at, expiresAt: at + this.maxMs, ip };
    await this.store.createSession(rec);
    return { cookie: s.value, principal: this.sessionPrincipal(user, rec) };
  }

  private sessionPrincipal(user: UserRecord, s: SessionRecord): Principal {
    return {
      via: 'session', userId: user.id, username: user.username, role: user.role, unit: user.unit, scope: DistrictScope.of(user.districts),
      sessionId: s.idHash, csrf: s.csrf, expiresAt: Math.min(s.expiresAt, s.lastSeenAt + this.idleMs),
    };
  }

  /** The person behind a session cookie, or null when it is unknown, expired or idle too long. */
  async fromSession(cookie: string): Promise<Principal | null> {
    const idHash = sha256(cookie);
    const s = await this.store.getSession(idHash);
    if (!s) return null;
    const now = this.opts.clock.now();
    if (now >= s.expiresAt || now - s.lastSeenAt >= this.idleMs) {
      await this.store.deleteSession(idHash);
      return null;
    }
    const user = await this.store.getUser(s.userId);
    if (!user || user.disabled) return null;
    if (now - s.lastSeenAt >= TOUCH_EVERY_MS) {
      await this.store.touchSession(idHash, now);
      s.lastSeenAt = now;
    }
    return this.sessionPrincipal(user, s);
  }

  /**
   * The person behind a personal API token, or null. Checked on every request against the store, so a
   * revocation takes effect at once; a token whose owner lost the role or districts it names stops working.
   */
  async fromToken(value: string): Promise<Principal | null> {
    const parsed = parsePersonalToken(value);
    if (!parsed) return null;
    const t = await this.store.getToken(parsed.id);
    const match = sameHash(t?.hash ?? '', sha256(parsed.secret));
    const now = this.opts.clock.now();
    if (!t || !match || t.revokedAt !== null || now >= t.expiresAt) return null;
    const user = await this.store.getUser(t.userId);
    if (!user || user.disabled || !roleAtMost(t.role, user.role) || !DistrictScope.of(user.districts).covers(t.districts)) return null;
    if (t.lastUsedAt === null || now - t.lastUsedAt >= TOUCH_EVERY_MS) await this.store.touchToken(t.id, now);
    return { via: 'token', userId: user.id, username: user.username, role: t.role, unit: user.unit, scope: DistrictScope.of(t.districts), tokenId: t.id, expiresAt: t.expiresAt };
  }

  async logout(p: Principal): Promise<void> {
    if (p.sessionId) await this.store.deleteSession(p.sessionId);
  }

  /** Ends every session of the caller (their tokens stay: revoke those one by one). */
  async logoutEverywhere(p: Principal): Promise<number> {
    return p.userId ? this.store.deleteUserSessions(p.userId) : 0; // the bootstrap token has no sessions
  }

  /** Drops expired sessions (called periodically by the composition root). */
  prune(): Promise<number> {
    const now = this.opts.clock.now();
    return this.store.pruneSessions(now, now - this.idleMs);
  }
}
