/**
 * The console talks only to the public HTTP API (console.md): same origin, the session cookie set by
 * `POST /api/v1/session`, and the CSRF token that session returned on every state-changing request.
 * A refusal carries the API's own `{error: {code, message}}`, shown to the user as it is.
 */
import { lang } from './i18n/index.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** Set by the session module after login (or after `GET /session` on reload). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called once when any request answers 401 (the session expired or was revoked elsewhere). */
export function onSessionLost(fn: () => void): void {
  onUnauthorized = fn;
}

export const API = '/api/v1';

/** The CSRF header a state-changing request needs (for callers that use fetch themselves: uploads). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken === undefined ? {} : { 'x-csrf-token': csrfToken };
}

/** Reports a 401 the way `request` does (for callers that use fetch themselves). */
export function sessionLost(): void {
  onUnauthorized?.();
}

export async function request<T>(method: string, path: string, body?: unknown, init: { accept?: string; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: init.accept ?? 'application/json', 'accept-language': lang(), ...init.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') Object.assign(headers, csrfHeaders());
  const res = await fetch(path.startsWith('/') ? path : `${API}/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : safeJson(text);
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (res.status === 401 && !path.endsWith('/session')) onUnauthorized?.();
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, err?.details);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {});
export const del = <T>(path: string): Promise<T> => request<T>('DELETE', path);
export const patch = <T>(path: string, body: unknown): Promise<T> => request<T>('PATCH', path, body);

/** Alert ids contain `|`: always encode path segments. */
export const seg = (id: string): string => encodeURIComponent(id);

/** What a refusal says on screen: the API's code and message (console.md "Conventions"). */
export const errorText = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e instanceof Error ? e.message : e));
