/** Who is asking: the authenticated person (or the bootstrap admin token) behind one request. */
import { DistrictScope } from '../kernel/scope.js';

export interface Principal {
  /** How they proved it: a browser session, a personal API token, or the bootstrap admin token. */
  via: 'session' | 'token' | 'bootstrap';
  /** Null for the bootstrap admin token, which belongs to nobody. */
  userId: string | null;
  /** The name history and audit show: the username, or `admin-token`. */
  username: string;
  /** A Role (roles.ts); a string so that callers outside access/ share the shape. */
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

export const BOOTSTRAP_NAME = 'admin-token';

export function bootstrapPrincipal(): Principal {
  return { via: 'bootstrap', userId: null, username: BOOTSTRAP_NAME, role: 'admin', unit: null, scope: DistrictScope.CITY };
}
