/**
 * Authentication and authorization for `/api` (architecture.md "Public surface", docs/access.md).
 * Credentials, in order: `Authorization: Bearer` (the bootstrap admin token or a personal token
 * `cbt_…`), `?token=` on routes that allow it (EventSource cannot send headers), the session cookie.
 * Every route declares the permission it needs in its config (`{ access: 'alerts:write' }`, or a
 * default per resource through `declareAccess`); access/ decides. Undeclared routes are refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../kernel/errors.js';
import { DistrictScope } from '../kernel/scope.js';
import type { AccessPort, Principal } from './access-port.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller (null before the auth hook, and on public routes). */
    principal: Principal | null;
    /** Extra fields for this request's audit entry (e.g. the username of a failed login). */
    auditDetail: Record<string, unknown> | null;
  }
  interface FastifyContextConfig {
    /** The permission the route needs (`resource:verb`, access/roles.ts), or `public`. */
    access?: string;
    /** Accept the credential as `?token=` too (the event stream). */
    queryToken?: boolean;
  }
}

export const SESSION_COOKIE = 'citybrain_session';
/** Cookie-authenticated state-changing requests must echo the session's CSRF token in this header. */
export const CSRF_HEADER = 'x-csrf-token';
export const BOOTSTRAP_NAME = 'admin-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * True when `header` is `Bearer <token>` with the expected token. Both sides are hashed to equal-length
 * digests before `timingSafeEqual`, so neither the content nor the length of the token leaks through timing.
 */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  return tokenMatches(header === undefined ? undefined : BEARER.exec(header)?.[1], expected);
}

/** The same constant-time comparison for a token presented another way (`?token=` on the event stream). */
export function tokenMatches(token: string | undefined, expected: string): boolean {
  return token !== undefined && timingSafeEqual(digest(token), digest(expected));
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function isUnsafe(method: string): boolean {
  return UNSAFE.has(method);
}

function bootstrapPrincipal(): Principal {
  return { via: 'bootstrap', userId: null, username: BOOTSTRAP_NAME, role: 'admin', unit: null, scope: DistrictScope.CITY };
}

export interface AuthDeps {
  adminToken: string;
  access?: AccessPort;
}

type Presented = { token: string } | { cookie: string } | null;

function presented(req: FastifyRequest): Presented {
  const queryToken = req.routeOptions.config.queryToken ? (req.query as { token?: string } | undefined)?.token : undefined;
  const token = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? queryToken;
  if (token !== undefined) return { token };
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  return cookie ? { cookie } : null;
}

async function resolvePrincipal(c: Exclude<Presented, null>, deps: AuthDeps): Promise<Principal | null> {
  if ('token' in c) {
    if (tokenMatches(c.token, deps.adminToken)) return bootstrapPrincipal();
    return deps.access ? deps.access.fromToken(c.token) : null;
  }
  return deps.access ? deps.access.fromSession(c.cookie) : null;
}

/** Too many refused bearer tokens from one address: 429 for every token it presents until the lock ends. */
function refuseLocked(req: FastifyRequest, access: AccessPort | undefined): void {
  const ms = access?.credentialLockedFor(req.ip) ?? 0;
  if (ms > 0) throw new AppError('LOGIN_RATE_LIMITED', { message: 'Too many refused credentials from this address: try again later', details: { retryAfterS: Math.ceil(ms / 1000) } });
}

function csrfMatches(header: string | string[] | undefined, expected: string | undefined): boolean {
  const got = Array.isArray(header) ? header[0] : header;
  return got !== undefined && expected !== undefined && tokenMatches(got, expected);
}

/** onRequest hook: 401 without a valid credential, 403 CSRF_REJECTED or FORBIDDEN, else `req.principal`. */
export function authorize(deps: AuthDeps) {
  if (deps.adminToken.length === 0) throw new AppError('CONFIG_INVALID', { message: 'adminToken must not be empty' });
  return async (req: FastifyRequest): Promise<void> => {
    const permission = req.routeOptions.config.access;
    if (permission === 'public') return;
    const credential = presented(req);
    if (!credential) throw new AppError('UNAUTHORIZED');
    // Bearer tokens only: a browser's stale session cookie must not lock out a hall behind one address.
    const bearer = 'token' in credential;
    if (bearer) refuseLocked(req, deps.access);
    const p = await resolvePrincipal(credential, deps);
    if (!p) {
      if (bearer) deps.access?.credentialRefused(req.ip);
      throw new AppError('UNAUTHORIZED');
    }
    req.principal = p;
    // A browser sends the cookie with any cross-site form post; only our own script can set this header.
    if (p.via === 'session' && isUnsafe(req.method) && !csrfMatches(req.headers[CSRF_HEADER], p.csrf)) throw new AppError('CSRF_REJECTED');
    if (permission === undefined) {
      req.log.error({ route: req.routeOptions.url }, 'route declares no permission: refused');
      throw new AppError('FORBIDDEN', { message: 'This route declares no permission' });
    }
    const decision = deps.access ? deps.access.decide(p, permission) : p.via === 'bootstrap' ? 'ok' : 'forbidden';
    if (decision !== 'ok') throw new AppError('FORBIDDEN', { message: `Your role (${p.role}${p.scope.city ? '' : ', district scope'}) lacks ${permission}`, details: { permission } });
  };
}

/**
 * Registers `plugin` with a default permission for each of its routes: `<resource>:read` for GET/HEAD,
 * `<resource>:write` otherwise. A route's own `config.access` wins.
 */
export function declareAccess(resource: string, plugin: FastifyPluginAsync): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.addHook('onRoute', (route: RouteOptions) => {
      const methods = [route.method].flat();
      const read = methods.every((m) => m === 'GET' || m === 'HEAD');
      route.config = { ...route.config, access: route.config?.access ?? `${resource}:${read ? 'read' : 'write'}` };
    });
    await app.register(plugin);
  };
}

/** onResponse hook: every state-changing request goes to the audit log with who, what, where, outcome. */
export function auditTrail(access: AccessPort, now: () => number, onFailure: () => void = () => {}) {
  return async (req: FastifyRequest, reply: { statusCode: number }): Promise<void> => {
    if (!isUnsafe(req.method)) return;
    const p = req.principal;
    try {
      await access.audit.append({
        at: now(), actor: p?.username ?? null, via: p?.via ?? null, userId: p?.userId ?? null, tokenId: p?.tokenId ?? null, role: p?.role ?? null,
        method: req.method, route: req.routeOptions.url ?? req.url.split('?')[0] ?? '', targets: { ...(req.params as Record<string, string> | undefined) },
        ip: req.ip, status: reply.statusCode, detail: req.auditDetail,
      });
    } catch (err) {
      onFailure();
      req.log.error({ err, method: req.method, route: req.routeOptions.url, actor: p?.username, status: reply.statusCode }, 'audit entry not written');
    }
  };
}
