/**
 * The shapes of people, personal tokens, the audit log and the authenticated caller, shared by access/ (which
 * keeps them) and http/ (which shows them) without either importing the other (architecture.md: http/
 * imports no module folder). access/ narrows `role` to its Role union.
 */
import type { DistrictScope } from './scope.js';

/** Who is asking: the authenticated person (or the bootstrap admin token) behind one request. */
export interface Principal {
  /** How they proved it: a browser session, a personal API token, or the bootstrap admin token. */
  via: 'session' | 'token' | 'bootstrap';
  /** Null for the bootstrap admin token, which belongs to nobody. */
  userId: string | null;
  /** The name history and audit show: the username, or `admin-token`. */
  username: string;
  /** A role of access/roles.ts; a string so that callers outside access/ share the shape. */
  role: string;
  unit: string | null;
  scope: DistrictScope;
  /** Personal token id (via `token`). */
  tokenId?: string;
  /** Session cookie hash and its CSRF token (via `session`). */
  sessionId?: string;
  csrf?: string;
  expiresAt?: number;
}

/** A person as the API shows them (never the password hash). */
export interface PersonView<R extends string = string> {
  id: string;
  username: string;
  role: R;
  /** District codes the person may see, or null for the whole city. */
  districts: string[] | null;
  /** Response unit (responders), or null. */
  unit: string | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A personal API token as its owner sees it (never the secret or its hash). */
export interface TokenView<R extends string = string> {
  id: string;
  name: string;
  role: R;
  districts: string[] | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** One append-only audit record. */
export interface AuditEntry {
  id: string;
  at: number;
  /** Username of the authenticated person, `admin-token`, or null (a failed login: nobody was authenticated). */
  actor: string | null;
  via: Principal['via'] | null;
  userId: string | null;
  tokenId: string | null;
  role: string | null;
  method: string;
  /** Route pattern (`/api/v1/alerts/:id/ack`) or an event name (`login`, `logout`, `login_failed`). */
  route: string;
  /** Path parameters of the request: the ids acted on. */
  targets: Record<string, string>;
  ip: string | null;
  status: number;
  detail: Record<string, unknown> | null;
}

export interface AuditQuery {
  actor?: string;
  route?: string;
  method?: string;
  /** `ok` = status < 400, `failed` = status ≥ 400. */
  outcome?: 'ok' | 'failed';
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}
