/**
 * `/api/v1/users` (admins manage people), `/api/v1/tokens` (each person's own personal API tokens) and
 * `/api/v1/audit` (the append-only log, filtered, as JSON or CSV). docs/access.md has the model.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AuditEntry } from '../../kernel/people.js';
import type { AccessPort } from '../access-port.js';
import { col, sendCsv, type Column } from '../csv.js';
import { cityIso } from '../enrich.js';
import { errorResponses } from '../schemas.js';
import { parseTime } from '../query.js';

const base = { tags: ['access'], security: [{ bearerAuth: [] }, { sessionCookie: [] }] as Record<string, string[]>[] };
const District = Type.String({ minLength: 1, maxLength: 64 });
const Districts = Type.Union([Type.Array(District, { maxItems: 100 }), Type.Null()], { description: 'District codes; null = the whole city' });
const Role = Type.Union(['admin', 'operator', 'dispatcher', 'integrator', 'responder', 'viewer'].map((r) => Type.Literal(r)));
const Unit = Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()], { description: 'Response unit (required for responders)' });
const User = Type.Object({
  id: Type.String(), username: Type.String(), role: Type.String(), districts: Type.Union([Type.Array(Type.String()), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]), disabled: Type.Boolean(), createdAt: Type.Integer(), updatedAt: Type.Integer(),
});
const UserCreate = Type.Object(
  { username: Type.String({ minLength: 2, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }), role: Role, districts: Type.Optional(Districts), unit: Type.Optional(Unit) },
  { additionalProperties: false },
);
const UserPatch = Type.Object(
  { role: Type.Optional(Role), districts: Type.Optional(Districts), unit: Type.Optional(Unit), disabled: Type.Optional(Type.Boolean()), password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) },
  { additionalProperties: false, minProperties: 1 },
);
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Token = Type.Object({
  id: Type.String(), name: Type.String(), role: Type.String(), districts: Type.Union([Type.Array(Type.String()), Type.Null()]),
  createdAt: Type.Integer(), expiresAt: Type.Integer(), revokedAt: Type.Union([Type.Integer(), Type.Null()]), lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
});
const TokenCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Optional(Role),
    districts: Type.Optional(Districts),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 90 })),
  },
  { additionalProperties: false },
);
const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 64 })),
  route: Type.Optional(Type.String({ maxLength: 200, description: 'Route pattern, e.g. /api/v1/alerts/:id/ack' })),
  method: Type.Optional(Type.String({ maxLength: 10 })),
  outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('failed')])),
  from: Type.Optional(Type.String({ description: 'epoch ms or ISO-8601' })),
  to: Type.Optional(Type.String({ description: 'epoch ms or ISO-8601' })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const AuditEntry = Type.Object({}, { additionalProperties: true });

export function peopleRoutes(access: AccessPort) {
  return async (app: FastifyInstance): Promise<void> => {
    users(app, access);
    tokens(app, access);
    audit(app, access);
  };
}

function users(app: FastifyInstance, access: AccessPort): void {
  const cfg = (permission: string) => ({ access: permission });
  app.get('/users', { config: cfg('users:read'), schema: { ...base, summary: 'People and their roles and scopes', response: { 200: Type.Object({ items: Type.Array(User) }), ...errorResponses } } }, async () => ({ items: await access.users.list() }));
  app.post<{ Body: Static<typeof UserCreate> }>(
    '/users',
    { config: cfg('users:write'), schema: { ...base, summary: 'Create a person (password policy: docs/access.md)', body: UserCreate, response: { 201: User, ...errorResponses } } },
    async (req, reply) => reply.code(201).send(await access.users.create(req.body)),
  );
  app.get<{ Params: Static<typeof Id> }>('/users/:id', { config: cfg('users:read'), schema: { ...base, summary: 'One person', params: Id, response: { 200: User, ...errorResponses } } }, async (req) => access.users.get(req.params.id));
  app.patch<{ Params: Static<typeof Id>; Body: Static<typeof UserPatch> }>(
    '/users/:id',
    { config: cfg('users:write'), schema: { ...base, summary: 'Change role, districts, unit, password, or disable (ends their sessions)', params: Id, body: UserPatch, response: { 200: User, ...errorResponses } } },
    async (req) => access.users.update(req.params.id, req.body),
  );
  app.delete<{ Params: Static<typeof Id> }>('/users/:id', { config: cfg('users:write'), schema: { ...base, summary: 'Delete a person with their sessions and tokens', params: Id, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await access.users.delete(req.params.id);
    return reply.code(204).send();
  });
}

function tokens(app: FastifyInstance, access: AccessPort): void {
  const config = { access: 'self' };
  app.get('/tokens', { config, schema: { ...base, summary: 'Your personal API tokens (never their values)', response: { 200: Type.Object({ items: Type.Array(Token) }), ...errorResponses } } }, async (req) => ({ items: await access.tokens.list(req.principal!) }));
  app.post<{ Body: Static<typeof TokenCreate> }>(
    '/tokens',
    { config, schema: { ...base, summary: 'New personal API token: role ≤ yours, districts ⊆ yours; the value is shown once', body: TokenCreate, response: { 201: Type.Object({ token: Token, value: Type.String() }), ...errorResponses } } },
    async (req, reply) => reply.code(201).header('cache-control', 'no-store').send(await access.tokens.create(req.principal!, req.body)),
  );
  app.delete<{ Params: Static<typeof Id> }>('/tokens/:id', { config, schema: { ...base, summary: 'Revoke one of your tokens (takes effect at once)', params: Id, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await access.tokens.revoke(req.principal!, req.params.id);
    return reply.code(204).send();
  });
}

/** The audit CSV's columns: `at` as ISO-8601 with the city's offset, objects (targets, detail) as JSON. */
const AUDIT_COLUMNS: readonly Column[] = [
  { header: 'at', value: (e) => (typeof e['at'] === 'number' ? cityIso(e['at']) : null) },
  ...['actor', 'via', 'role', 'method', 'route', 'targets', 'ip', 'status', 'detail'].map((c) => col(c)),
];

function audit(app: FastifyInstance, access: AccessPort): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    { config: { access: 'audit:read' }, schema: { ...base, summary: 'Audit log, newest first: who, role, route, targets, when, from where, outcome; `format=csv` exports', querystring: AuditQuery, response: { 200: Type.Object({ items: Type.Array(AuditEntry), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses } } },
    async (req, reply) => {
      const { format, from, to, ...q } = req.query;
      const page = await access.audit.query({ ...q, ...(from !== undefined ? { from: parseTime(from, 'from') } : {}), ...(to !== undefined ? { to: parseTime(to, 'to') } : {}) });
      if (format === 'csv') return sendCsv(req, reply, 'citybrain-audit.csv', AUDIT_COLUMNS, [page.items as unknown as Record<string, unknown>[]]);
      return { ...page, limit: q.limit, offset: q.offset };
    },
  );
}
