/**
 * `/api/v1/session`: browser sign-in (docs/access.md "Sessions"). The cookie is HttpOnly (scripts
 * cannot read it), SameSite=Strict (other sites cannot send it), Secure when the request came over TLS;
 * state-changing requests that authenticate with it must also carry `X-CSRF-Token` (its value is in the
 * login answer and in `GET /session`), a header no other origin can set (OWASP CSRF Prevention Cheat Sheet).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { AccessPort, Principal } from '../access-port.js';
import { SESSION_COOKIE } from '../auth.js';
import { errorResponses } from '../schemas.js';
import type { UnitNames } from './names.js';

const base = { tags: ['access'], security: [{ bearerAuth: [] }, { sessionCookie: [] }] as Record<string, string[]>[] };
const Login = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
const PasswordChange = Type.Object({ current: Type.String({ minLength: 1, maxLength: 1024 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const Me = Type.Object({
  user: Type.Object({
    id: Nullable(Type.String()),
    username: Type.String(),
    role: Type.String(),
    districts: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null = the whole city' }),
    unit: Nullable(Type.String()),
    unitName: Nullable(Type.String({ description: "The response unit's name (as its resource has it); null without a unit, or when the unit is not registered" })),
    unitNames: Type.Union([Type.Object({ 'zh-CN': Type.String(), en: Type.String() }), Type.Null()], { description: "The unit's name in every language (its resource's name_zh for zh-CN, else its name); null like unitName" }),
  }),
  via: Type.String({ description: 'session, token or bootstrap' }),
  permissions: Type.Array(Type.String()),
  csrfToken: Nullable(Type.String({ description: 'Send as X-CSRF-Token on POST/PUT/PATCH/DELETE with the session cookie' })),
  expiresAt: Type.Union([Type.Integer(), Type.Null()], { description: 'Idle or absolute expiry, whichever is first (epoch ms)' }),
});

export async function whoAmI(access: AccessPort, p: Principal, unitName?: UnitNames): Promise<Static<typeof Me>> {
  const names = p.unit && unitName ? await unitName(p.unit) : null;
  return {
    user: { id: p.userId, username: p.username, role: p.role, districts: p.scope.districts, unit: p.unit, unitName: names?.en ?? null, unitNames: names },
    via: p.via,
    permissions: access.permissionsOf(p),
    csrfToken: p.csrf ?? null,
    expiresAt: p.expiresAt ?? null,
  };
}

function cookie(req: FastifyRequest, value: string, maxAgeS: number): string {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`;
}

const clear = (req: FastifyRequest, reply: FastifyReply) => reply.header('set-cookie', cookie(req, '', 0));

export function sessionRoutes(access: AccessPort, unitName?: UnitNames) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: Static<typeof Login> }>(
      '/session',
      { config: { access: 'public' }, schema: { ...base, security: [], summary: 'Sign in: sets the session cookie (limited per address and per account: 429 + Retry-After)', body: Login, response: { 200: Me, ...errorResponses } } },
      async (req, reply) => {
        req.auditDetail = { event: 'login', username: req.body.username };
        try {
          const { cookie: value, principal } = await access.login(req.body.username, req.body.password, req.ip);
          req.principal = principal;
          return reply.header('set-cookie', cookie(req, value, access.sessionMaxAgeS)).header('cache-control', 'no-store').send(await whoAmI(access, principal, unitName));
        } catch (err) {
          req.auditDetail = { event: 'login_failed', username: req.body.username };
          throw err;
        }
      },
    );
    app.get('/session', { config: { access: 'self' }, schema: { ...base, summary: 'Who am I: user (with their unit\'s name), role, district scope, permissions, CSRF token', response: { 200: Me, ...errorResponses } } }, async (req, reply) =>
      reply.header('cache-control', 'no-store').send(await whoAmI(access, req.principal!, unitName)),
    );
    app.delete('/session', { config: { access: 'self' }, schema: { ...base, summary: 'Sign out (this session)', response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
      req.auditDetail = { event: 'logout' };
      await access.logout(req.principal!);
      return clear(req, reply).code(204).send();
    });
    app.delete('/sessions', { config: { access: 'self' }, schema: { ...base, summary: 'Sign out everywhere: ends every session of the caller', response: { 200: Type.Object({ ended: Type.Integer() }), ...errorResponses } } }, async (req, reply) => {
      req.auditDetail = { event: 'logout_everywhere' };
      const ended = await access.logoutEverywhere(req.principal!);
      return clear(req, reply).send({ ended });
    });
    app.post<{ Body: Static<typeof PasswordChange> }>(
      '/session/password',
      { config: { access: 'self' }, schema: { ...base, summary: 'Change your own password (ends your sessions: sign in again)', body: PasswordChange, response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        if (req.principal!.via === 'token') throw new AppError('FORBIDDEN', { message: 'Change a password from a signed-in session, not with a token' });
        await access.users.changeOwnPassword(req.principal!, req.body.current, req.body.password);
        return clear(req, reply).code(204).send();
      },
    );
  };
}
