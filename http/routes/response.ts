/**
 * `/api/v1/response/...` and `/api/v1/alerts/{id}/response`: resources (units, depots, shelters, experts),
 * response plans as versioned data, the five automatics for an alert (scope, proposal, one-click dispatch),
 * the closed-loop figures and the daily report (docs/response.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import { sendCsv } from '../csv.js';
import { TASK_COLUMNS } from '../csv-columns.js';
import { requestLang } from '../enrich.js';
import { parseTime } from '../query.js';
import { errorResponses } from '../schemas.js';
import { scopeOf } from '../scope.js';
import type { ResponsePort } from './response.port.js';
import { callerOf, idempotent, titlesInReaderLang } from './response-tasks.js';
import { AlertId, AnyObject, base, DispatchBody, ReasonBody, ResourceId, TaskSchema } from './response.schemas.js';

const ERR = errorResponses;
const IMPORT_LIMIT = 20 * 1024 * 1024;
const FORMATS: Record<string, 'csv' | 'geojson'> = { 'text/csv': 'csv', 'application/geo+json': 'geojson' };

const ResourceQuery = Type.Object({
  kind: Type.Optional(Type.Union(['unit', 'depot', 'shelter', 'expert', 'desk'].map((k) => Type.Literal(k)))),
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  district: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
const ResourceView = Type.Object({ id: Type.String(), kind: Type.String(), name: Type.String() }, { additionalProperties: true });
const PutResult = Type.Object({ resource: ResourceView, secrets: Type.Record(Type.String(), Type.String(), { description: 'Webhook signing secrets generated now (shown once), by channel' }) });
const PlanView = Type.Object({ id: Type.String(), version: Type.Integer() }, { additionalProperties: true });
const Range = Type.Object({ from: Type.Optional(Type.String({ description: 'epoch ms or ISO 8601; default 24 h ago' })), to: Type.Optional(Type.String({ description: 'default now' })) });

const districtsOf = (req: FastifyRequest): string[] | null => scopeOf(req).districts;

function cityOnly(req: FastifyRequest, what: string): void {
  if (!scopeOf(req).city) throw new AppError('SCOPE_EXCEEDED', { message: `${what} needs a city-wide scope` });
}

export function responseRoutes(port: ResponsePort) {
  return async (app: FastifyInstance): Promise<void> => {
    titlesInReaderLang(app);
    app.get<{ Querystring: Static<typeof ResourceQuery> }>(
      '/response/resources',
      { schema: { ...base, summary: 'Units, depots, shelters, experts, duty desks (filter by kind, unit type, district)', querystring: ResourceQuery, response: { 200: Type.Object({ items: Type.Array(ResourceView) }), ...ERR } } },
      async (req) => {
        const narrowed = scopeOf(req).narrow(req.query.district ? [req.query.district] : undefined);
        return { items: await port.listResources({ ...(req.query.kind ? { kind: req.query.kind } : {}), ...(req.query.type ? { type: req.query.type } : {}), ...(narrowed ? { districts: narrowed } : {}) }) };
      },
    );
    app.get<{ Params: Static<typeof ResourceId> }>(
      '/response/resources/:id',
      { schema: { ...base, summary: 'One resource', params: ResourceId, response: { 200: ResourceView, ...ERR } } },
      async (req) => port.getResource(req.params.id, districtsOf(req)),
    );
    app.post<{ Body: unknown }>(
      '/response/resources',
      { schema: { ...base, summary: 'Create or replace a resource (validated: unknown unit types are named)', body: AnyObject, response: { 201: PutResult, 200: PutResult, ...ERR } } },
      async (req, reply) => {
        const r = await port.putResource(req.body, undefined, districtsOf(req));
        return reply.code(r.created ? 201 : 200).send({ resource: r.resource, secrets: r.secrets });
      },
    );
    app.put<{ Params: Static<typeof ResourceId>; Body: unknown }>(
      '/response/resources/:id',
      { schema: { ...base, summary: 'Create or replace a resource by id', params: ResourceId, body: AnyObject, response: { 200: PutResult, 201: PutResult, ...ERR } } },
      async (req, reply) => {
        const r = await port.putResource(req.body, req.params.id, districtsOf(req));
        return reply.code(r.created ? 201 : 200).send({ resource: r.resource, secrets: r.secrets });
      },
    );
    app.delete<{ Params: Static<typeof ResourceId> }>(
      '/response/resources/:id',
      { schema: { ...base, summary: 'Remove a resource (its tasks stay)', params: ResourceId, response: { 204: Type.Null(), ...ERR } } },
      async (req, reply) => {
        await port.deleteResource(req.params.id, districtsOf(req));
        return reply.code(204).send();
      },
    );
    app.put<{ Params: Static<typeof ResourceId>; Body: { duty: 'on' | 'off' } }>(
      '/response/resources/:id/duty',
      { config: { access: 'tasks:dispatch' }, schema: { ...base, summary: 'Duty status of a unit (operators set it as crews come and go)', params: ResourceId, body: Type.Object({ duty: Type.Union([Type.Literal('on'), Type.Literal('off')]) }, { additionalProperties: false }), response: { 200: ResourceView, ...ERR } } },
      async (req) => port.setDuty(req.params.id, req.body.duty, districtsOf(req)),
    );
    await app.register(async (imp) => {
      imp.removeAllContentTypeParsers();
      imp.addContentTypeParser(Object.keys(FORMATS), { parseAs: 'string', bodyLimit: IMPORT_LIMIT }, (_req, body, done) => done(null, body));
      imp.post<{ Body: string }>(
        '/response/resources/import',
        { bodyLimit: IMPORT_LIMIT, schema: { ...base, summary: 'Bulk import from GeoJSON (points) or CSV; refused rows reported by row number', consumes: Object.keys(FORMATS), body: Type.String({ minLength: 1 }), response: { 200: AnyObject, ...ERR } } },
        async (req) => {
          cityOnly(req, 'Bulk import');
          const format = FORMATS[(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()]!;
          return port.importResources(req.body, format);
        },
      );
    });

    app.get('/response/plans', { schema: { ...base, summary: 'Response plans (current versions)', response: { 200: Type.Object({ items: Type.Array(PlanView) }), ...ERR } } }, async () => ({ items: await port.listPlans() }));
    app.get<{ Params: Static<typeof ResourceId> }>(
      '/response/plans/:id',
      { schema: { ...base, summary: 'A plan with every version in `history`', params: ResourceId, response: { 200: PlanView, ...ERR } } },
      async (req) => port.getPlan(req.params.id),
    );
    app.put<{ Params: Static<typeof ResourceId>; Body: unknown }>(
      '/response/plans/:id',
      { schema: { ...base, summary: 'Write the next version of a plan (validated like rules: unknown unit type → PLAN_INVALID)', params: ResourceId, body: AnyObject, response: { 200: PlanView, ...ERR } } },
      async (req) => {
        cityOnly(req, 'Editing a response plan');
        return port.putPlan(req.body, callerOf(req).name, req.params.id);
      },
    );
    app.post<{ Body: unknown }>(
      '/response/plans/validate',
      { config: { access: 'response:read' }, schema: { ...base, summary: 'Validate a plan without storing it', body: AnyObject, response: { 200: AnyObject, ...ERR } } },
      async (req) => port.validatePlan(req.body),
    );

    app.get<{ Params: Static<typeof AlertId> }>(
      '/alerts/:id/response',
      { schema: { ...base, summary: 'The five automatics for an alert: level, plan, response scope, proposed tasks (nearest units by travel time), tasks out', params: AlertId, response: { 200: AnyObject, ...ERR } } },
      async (req) => port.alertResponse(req.params.id, districtsOf(req)),
    );
    app.post<{ Params: Static<typeof AlertId>; Body: Static<typeof DispatchBody> }>(
      '/alerts/:id/response/dispatch',
      { config: { access: 'tasks:dispatch' }, schema: { ...base, summary: 'One-click dispatch: the proposal (or the given tasks) to every unit at once; a drone too when the plan says so', params: AlertId, body: DispatchBody, response: { 200: Type.Object({ tasks: Type.Array(TaskSchema) }, { additionalProperties: true }), ...ERR } }, preValidation: async (req) => { req.body ??= {}; } },
      async (req, reply) => idempotent(port, req, reply, () => port.dispatch(req.params.id, req.body.tasks, callerOf(req), districtsOf(req))),
    );
    app.post<{ Params: Static<typeof AlertId>; Body: Static<typeof ReasonBody> }>(
      '/alerts/:id/response/resolve',
      { config: { access: 'tasks:dispatch' }, schema: { ...base, summary: 'Resolve the alert despite open required tasks (an override, with a reason)', params: AlertId, body: ReasonBody, response: { 204: Type.Null(), ...ERR } } },
      async (req, reply) => {
        await port.overrideResolve(req.params.id, req.body.reason, callerOf(req), districtsOf(req));
        return reply.code(204).send();
      },
    );

    app.get<{ Querystring: Static<typeof Range> }>(
      '/response/kpis',
      { schema: { ...base, summary: 'Closed-loop figures per unit, district and kind: time to dispatch, accept, arrive, resolve; disposal rate; overdue', querystring: Range, response: { 200: AnyObject, ...ERR } } },
      async (req) => {
        const to = req.query.to ? parseTime(req.query.to, 'to') : Date.now();
        const from = req.query.from ? parseTime(req.query.from, 'from') : to - 86_400_000;
        const districts = scopeOf(req).districts;
        return port.kpis({ from, to, ...(districts ? { districts } : {}) });
      },
    );
    app.get<{ Querystring: { date: string; format: 'csv' | 'html' } }>(
      '/response/report',
      { schema: { ...base, summary: 'Daily report (Asia/Shanghai day): CSV of the tasks, or a printable HTML page in the reader\'s language (Accept-Language)', querystring: Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), format: Type.Union([Type.Literal('csv'), Type.Literal('html')], { default: 'html' }) }), produces: ['text/csv', 'text/html'], response: { 200: Type.String(), ...ERR } } },
      async (req, reply) => {
        const districts = scopeOf(req).districts ?? undefined;
        if (req.query.format === 'csv') return sendCsv(req, reply, `response-${req.query.date}.csv`, TASK_COLUMNS, port.reportTasks(req.query.date, districts));
        const text = await port.dailyReport(req.query.date, districts, requestLang(req));
        return reply.type('text/html; charset=utf-8').header('content-disposition', `inline; filename="response-${req.query.date}.html"`).send(text);
      },
    );
  };
}
