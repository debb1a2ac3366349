/**
 * What the HTTP server needs from access/ (people, sessions, personal tokens, audit). The composition
 * root hands it the access module's service; http/ only sees these shapes.
 */
import type { DistrictScope } from '../kernel/scope.js';

/** Who is asking (access/principal.ts). */
export interface Principal {
  via: 'session' | 'token' | 'bootstrap';
  userId: string | null;
  /** What history and the audit log show: the username, or `admin-token`. */
  username: string;
  role: string;
  unit: string | null;
  scope: DistrictScope;
  tokenId?: string;
  sessionId?: string;
  csrf?: string;
  expiresAt?: number;
}

export interface UserView {
  id: string;
  username: string;
  role: string;
  districts: string[] | null;
  unit: string | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface TokenView {
  id: string;
  name: string;
  role: string;
  districts: string[] | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface AuditRecord {
  id: string;
  at: number;
  actor: string | null;
  via: Principal['via'] | null;
  userId: string | null;
  tokenId: string | null;
  role: string | null;
  method: string;
  route: string;
  targets: Record<string, string>;
  ip: string | null;
  status: number;
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  actor?: string;
  route?: string;
  method?: string;
  outcome?: 'ok' | 'failed';
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export interface AccessPort {
  /** The person behind a session cookie value, or null (unknown, expired, idle). */
  fromSession(cookie: string): Promise<Principal | null>;
  /** The person behind a personal API token (`cbt_…`), or null (unknown, revoked, expired). */
  fromToken(value: string): Promise<Principal | null>;
  /** Remaining lock of a source address after too many refused credentials, ms (0 = none). */
  credentialLockedFor(ip: string): number;
  /** Counts a refused bearer token or cookie from `ip`. */
  credentialRefused(ip: string): void;
  /** The decision for a route's declared permission. */
  decide(p: Principal, permission: string): 'ok' | 'forbidden';
  permissionsOf(p: Principal): string[];
  /** Throws LOGIN_FAILED, LOGIN_RATE_LIMITED (details.retryAfterS), PASSWORD_POLICY never. */
  login(username: string, password: string, ip: string | null): Promise<{ cookie: string; principal: Principal }>;
  logout(p: Principal): Promise<void>;
  /** Ends every session of the caller; returns how many. */
  logoutEverywhere(p: Principal): Promise<number>;
  /** Absolute session lifetime, s (the cookie's Max-Age). */
  readonly sessionMaxAgeS: number;
  users: {
    create(input: { username: string; password: string; role: string; districts?: string[] | null; unit?: string | null }): Promise<UserView>;
    list(): Promise<UserView[]>;
    get(id: string): Promise<UserView>;
    update(id: string, change: { role?: string; districts?: string[] | null; unit?: string | null; disabled?: boolean; password?: string }): Promise<UserView>;
    delete(id: string): Promise<void>;
    changeOwnPassword(p: Principal, current: string, next: string): Promise<void>;
  };
  tokens: {
    create(p: Principal, input: { name: string; role?: string; districts?: string[] | null; expiresInDays?: number }): Promise<{ token: TokenView; value: string }>;
    list(p: Principal): Promise<TokenView[]>;
    revoke(p: Principal, id: string): Promise<void>;
  };
  audit: {
    append(e: Omit<AuditRecord, 'id'>): Promise<void>;
    query(q: AuditFilter): Promise<{ items: AuditRecord[]; total: number }>;
  };
}
