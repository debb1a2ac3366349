/**
 * `/api/v1/tasks`: the work orders of the response module (docs/response.md). A responder (`tasks:self`)
 * sees and acts on their own unit's tasks only — another unit's task answers 404; dispatchers and
 * operators see all within their districts. Every POST honours `Idempotency-Key`: a replay answers the
 * first call's result and never applies twice (the phone's offline queue).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import { inLang, titleInLang, type Lang } from '../../kernel/i18n.js';
import { requestLang } from '../enrich.js';
import type { AccessPort } from '../access-port.js';
import { errorResponses } from '../schemas.js';
import { scopeOf } from '../scope.js';
import type { Caller, ResponsePort, TaskActionBody, TaskViewer } from './response.port.js';
import { AcceptBody, base, DeclineBody, ReassignBody, ReasonBody, ReportBody, StatusBody, TaskDetail, TaskId, TaskListQuery, TaskReport, TaskSchema, VerifyBody } from './response.schemas.js';

const SELF = 'tasks:self|tasks:dispatch';
const ERR = errorResponses;

export function callerOf(req: FastifyRequest): Caller {
  const p = req.principal;
  return { id: p?.userId ?? p?.username ?? 'anonymous', name: p?.username ?? 'anonymous' };
}

/** Responders (no `response:read`) see their unit's tasks only; everyone within their districts. */
export function viewerOf(req: FastifyRequest, access: AccessPort | undefined): TaskViewer {
  const p = req.principal;
  const all = !p || !access || access.decide(p, 'response:read') === 'ok';
  return { ...(all ? {} : { unit: p.unit }), districts: scopeOf(req).districts };
}

/** `at` of a body: the client's time of the action. */
export function clientAt(at: string | undefined): number | undefined {
  if (at === undefined) return undefined;
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new AppError('VALIDATION_FAILED', { message: '`at` must be an ISO 8601 time', details: { field: 'at' } });
  return ms;
}

const key = (req: FastifyRequest): string | undefined => {
  const k = req.headers['idempotency-key'];
  return typeof k === 'string' && k.length > 0 && k.length <= 200 ? k : undefined;
};

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A task or a proposal line as a reader of `lang` sees it: its title, its instructions, its unit's name and
 * its alert's message in that language, when the record carries them in every language (`titles`,
 * `instructionsByLang`, `unitNames`, `alert.messages`, which stay for readers who want both).
 */
function taskInLang(rec: Rec, lang: Lang): Rec {
  let out = titleInLang(rec, lang);
  const texts = out.instructionsByLang;
  if (isRec(texts) && typeof texts[lang] === 'string') out = { ...out, instructions: texts[lang] };
  const names = out.unitNames;
  if (isRec(names) && typeof names[lang] === 'string') out = { ...out, unitName: names[lang] };
  if (isRec(out.alert)) out = { ...out, alert: inLang(out.alert, lang) };
  return out;
}

/** A task, a proposal line, or the lists and wrappers that carry them, each in `lang`. */
function titlesIn(payload: unknown, lang: Lang): unknown {
  if (!isRec(payload)) return payload;
  let out = taskInLang(payload, lang);
  for (const k of ['items', 'tasks', 'proposal']) {
    const list = out[k];
    if (Array.isArray(list)) out = { ...out, [k]: list.map((x) => (isRec(x) ? taskInLang(x, lang) : x)) };
  }
  for (const k of ['task', 'replacement']) {
    const one = out[k];
    if (isRec(one)) out = { ...out, [k]: taskInLang(one, lang) };
  }
  return out;
}

/** Task and proposal titles, instructions, unit names and alert messages in the reader's language (Accept-Language, else CITYBRAIN_LANG), like alert messages. */
export function titlesInReaderLang(app: FastifyInstance): void {
  app.addHook('preSerialization', (req, _reply, payload, done) => done(null, titlesIn(payload, requestLang(req))));
}

/** Runs a POST once per Idempotency-Key and answers the stored status and body. */
export async function idempotent(port: ResponsePort, req: FastifyRequest, reply: FastifyReply, run: () => Promise<unknown>, status = 200): Promise<unknown> {
  const out = await port.once(callerOf(req).id, key(req), async () => ({ status, body: await run() }));
  return reply.code(out.status).send(out.body);
}

export function taskRoutes(port: ResponsePort, access: AccessPort | undefined) {
  return async (app: FastifyInstance): Promise<void> => {
    titlesInReaderLang(app);
    const idem = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200, description: 'A replay with the same key answers the first result' })) });

    app.get<{ Querystring: Static<typeof TaskListQuery> }>(
      '/tasks',
      { config: { access: 'tasks:self|response:read' }, schema: { ...base, summary: 'Tasks, newest first (a responder: their unit\'s only)', querystring: TaskListQuery, response: { 200: Type.Object({ items: Type.Array(TaskSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...ERR } } },
      async (req) => port.listTasks(req.query, viewerOf(req, access)),
    );

    app.get<{ Params: Static<typeof TaskId> }>(
      '/tasks/:id',
      { config: { access: 'tasks:self|response:read' }, schema: { ...base, summary: 'One task with its history (actor and time per change) and field reports', params: TaskId, response: { 200: TaskDetail, ...ERR } } },
      async (req) => port.getTask(req.params.id, viewerOf(req, access)),
    );

    const action = <B extends object>(path: string, summary: string, body: B, permission: string, toAction: (b: never) => TaskActionBody, note: (b: never) => string | undefined = () => undefined) => {
      app.post<{ Params: Static<typeof TaskId>; Body: { at?: string } }>(
        `/tasks/:id/${path}`,
        { config: { access: permission }, schema: { ...base, summary, params: TaskId, headers: idem, body, response: { 200: TaskSchema, ...ERR } }, preValidation: async (req) => { req.body ??= {}; } },
        async (req, reply) => idempotent(port, req, reply, () => port.act(req.params.id, toAction(req.body as never), callerOf(req), viewerOf(req, access), {
          ...(req.body.at !== undefined ? { clientAt: clientAt(req.body.at) } : {}), ...(note(req.body as never) ? { note: note(req.body as never) } : {}),
        })),
      );
    };
    action('accept', 'Accept the task', AcceptBody, SELF, () => ({ type: 'accept' }));
    action('decline', 'Decline with a reason: the task goes to the next nearest unit', DeclineBody, SELF, (b: Static<typeof DeclineBody>) => ({ type: 'decline', reason: b.reason }));
    action('status', 'Report progress: en route, on site, done', StatusBody, SELF, (b: Static<typeof StatusBody>) => ({ type: 'status', state: b.state }), (b: Static<typeof StatusBody>) => b.note);
    action('verify', 'Verify a done task (the alert may then resolve)', VerifyBody, 'tasks:dispatch', () => ({ type: 'verify' }), (b: Static<typeof VerifyBody>) => b.note);
    action('cancel', 'Cancel the task with a reason', ReasonBody, 'tasks:dispatch', (b: Static<typeof ReasonBody>) => ({ type: 'cancel', reason: b.reason }));

    app.post<{ Params: Static<typeof TaskId>; Body: Static<typeof ReportBody> }>(
      '/tasks/:id/reports',
      { config: { access: SELF }, schema: { ...base, summary: 'Field report: a note, photos by media id, a position', params: TaskId, headers: idem, body: ReportBody, response: { 201: TaskReport, ...ERR } } },
      async (req, reply) => idempotent(port, req, reply, () => port.report(req.params.id, {
        ...(req.body.note !== undefined ? { note: req.body.note } : {}), ...(req.body.mediaIds ? { mediaIds: req.body.mediaIds } : {}),
        ...(req.body.position ? { position: req.body.position } : {}), ...(req.body.at !== undefined ? { clientAt: clientAt(req.body.at) } : {}),
      }, callerOf(req), viewerOf(req, access)), 201),
    );

    app.post<{ Params: Static<typeof TaskId>; Body: Static<typeof ReassignBody> }>(
      '/tasks/:id/reassign',
      { config: { access: 'tasks:dispatch' }, schema: { ...base, summary: 'Reassign: the task ends, a new one goes to the named or next nearest unit', params: TaskId, headers: idem, body: ReassignBody, response: { 200: Type.Object({ task: TaskSchema, replacement: Type.Union([TaskSchema, Type.Null()]) }), ...ERR } }, preValidation: async (req) => { req.body ??= {}; } },
      async (req, reply) => idempotent(port, req, reply, () => port.reassign(req.params.id, req.body.unitId, callerOf(req), viewerOf(req, access))),
    );
  };
}
