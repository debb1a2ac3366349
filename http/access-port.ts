/**
 * What the HTTP server needs from access/ (people, sessions, personal tokens, audit). The composition
 * root hands it the access module's service; http/ only sees these shapes.
 */
import type { AuditEntry, AuditQuery, PersonView, Principal, TokenView } from '../kernel/people.js';

export type { Principal };

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
    create(input: { username: string; password: string; role: string; districts?: string[] | null; unit?: string | null }): Promise<PersonView>;
    list(): Promise<PersonView[]>;
    get(id: string): Promise<PersonView>;
    update(id: string, change: { role?: string; districts?: string[] | null; unit?: string | null; disabled?: boolean; password?: string }): Promise<PersonView>;
    delete(id: string): Promise<void>;
    changeOwnPassword(p: Principal, current: string, next: string): Promise<void>;
  };
  tokens: {
    create(p: Principal, input: { name: string; role?: string; districts?: string[] | null; expiresInDays?: number }): Promise<{ token: TokenView; value: string }>;
    list(p: Principal): Promise<TokenView[]>;
    revoke(p: Principal, id: string): Promise<void>;
  };
  audit: {
    append(e: Omit<AuditEntry, 'id'>): Promise<void>;
    query(q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }>;
  };
}
