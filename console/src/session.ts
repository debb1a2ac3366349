/**
 * Who is signed in (access: `POST/GET/DELETE /api/v1/session`). The cookie is HttpOnly, so the console
 * learns the user from `GET /session`, and keeps the CSRF token it returns for state-changing calls.
 */
import { ApiError, onSessionLost, request, setCsrfToken } from './api.js';
import { Observable } from './store.js';
import type { SessionUser } from './types.js';

interface SessionBody {
  user: SessionUser;
  permissions: string[];
  csrfToken: string | null;
}

/** The signed-in person and what they may do. */
export interface Me {
  user: SessionUser;
  permissions: string[];
}

/** undefined while checking, null when signed out. */
export const session = new Observable<Me | null | undefined>(undefined);
export const sessionMessage = new Observable<'expired' | null>(null);

onSessionLost(() => {
  if (session.value) sessionMessage.set('expired');
  session.set(null);
});

function accept(body: SessionBody): void {
  setCsrfToken(body.csrfToken ?? undefined);
  sessionMessage.set(null);
  session.set({ user: body.user, permissions: body.permissions });
}

export async function checkSession(): Promise<void> {
  try {
    accept(await request<SessionBody>('GET', '/api/v1/session'));
  } catch (err) {
    // Signed out (401), or the API is unreachable: the sign-in form is where either is shown.
    if (!(err instanceof ApiError && err.status === 401)) console.error('session check failed', err);
    session.set(null);
  }
}

export async function login(username: string, password: string): Promise<void> {
  accept(await request<SessionBody>('POST', '/api/v1/session', { username, password }));
}

export async function logout(): Promise<void> {
  await request('DELETE', '/api/v1/session').catch(() => undefined);
  setCsrfToken(undefined);
  session.set(null);
}

/** What the console offers: the permissions `GET /session` lists (the server enforces the same, access/). */
export function can(me: Me | null | undefined, permission: string): boolean {
  return me?.permissions.includes(permission) ?? false;
}
