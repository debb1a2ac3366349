/**
 * `GET /api/v1/stream`: server-sent events (WHATWG HTML §9.2) of alerts, presence, violations, mission
 * changes and drone state.
 * Auth: the session cookie, the bearer header, or `?token=` because browsers' EventSource cannot set
 * headers (http/auth.ts). The route logs at `warn` only, so a query token never reaches the access log.
 * A district-scoped caller gets only their districts' events (http/scope.ts). A responder (`tasks:self`
 * without `stream:read`) gets a unit stream: their unit's tasks and the alerts of those tasks, nothing else,
 * so the phone hears of new work and changes at once instead of polling.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { DistrictScope } from '../../kernel/scope.js';
import { scopeOf } from '../scope.js';
import { preferredLang, type Lang } from '../../kernel/i18n.js';
import type { HttpDeps, StreamFilterInput, StreamPort } from '../deps.js';
import { holds } from './media-access.js';
import type { ResponsePort } from './response.port.js';

const TYPES = ['alert', 'presence', 'violation', 'mission', 'drone', 'task'] as const;
type StreamType = (typeof TYPES)[number];

const StreamQuery = Type.Object({
  types: Type.Optional(Type.String({ description: 'Comma-separated: alert,presence,violation,mission,drone,task (default all; tasks arrive as task.created / task.updated)' })),
  district: Type.Optional(Type.String({ description: 'Comma-separated district ids (mission and drone events carry none, so a district filter leaves them out)' })),
  severity: Type.Optional(Type.Union([Type.Literal('blue'), Type.Literal('yellow'), Type.Literal('orange'), Type.Literal('red')], { description: 'Lowest alert severity' })),
  token: Type.Optional(Type.String({ description: 'Admin or personal token, for clients that cannot send Authorization (EventSource); browsers signed in use the session cookie' })),
  lastEventId: Type.Optional(Type.String({ description: 'Same as the Last-Event-ID header' })),
  lang: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], { description: 'Language of alert messages, for clients that cannot send Accept-Language (EventSource); default: Accept-Language, else CITYBRAIN_LANG' })),
});
type Query = Static<typeof StreamQuery>;

const list = (s: string | undefined): string[] | undefined => {
  const items = s?.split(',').map((x) => x.trim()).filter((x) => x !== '');
  return items && items.length > 0 ? items : undefined;
};

function toFilter(q: Query, scope: DistrictScope, lang: Lang | undefined): StreamFilterInput {
  const types = list(q.types);
  const bad = types?.filter((t) => !(TYPES as readonly string[]).includes(t));
  if (bad && bad.length > 0) {
    throw new AppError('VALIDATION_FAILED', { message: `Unknown stream event type: ${bad.join(', ')}`, details: { allowed: TYPES } });
  }
  // Mission and drone events carry no district, so a district scope's filter leaves them out.
  const districts = scope.narrow(list(q.district));
  return {
    ...(types ? { types: types as StreamType[] } : {}),
    ...(districts ? { districts } : {}),
    ...(q.severity ? { minSeverity: q.severity } : {}),
    ...(lang ? { lang } : {}),
  };
}

function sinkFor(res: ServerResponse) {
  return {
    write: (chunk: string) => {
      // Between the socket closing and the response's 'close' event, writes are skipped, not errors.
      if (!res.writableEnded && !res.destroyed) res.write(chunk);
    },
    buffered: () => res.writableLength,
    // A reader that stopped reading would never drain an `end()`: cut it.
    close: () => (res.writableLength > 0 ? res.destroy() : res.end()),
  };
}

/** The alerts a unit has tasks on (the responder's stream starts from these). */
export type UnitAlerts = (unitId: string) => Promise<string[]>;

/** The alerts of a unit's newest 200 tasks, from the response port. */
export function unitAlertsOf(response: Pick<ResponsePort, 'listTasks'>): UnitAlerts {
  return async (unit) => [...new Set((await response.listTasks({ unit, limit: 200 }, { unit })).items.map((t) => String(t.alertId)))];
}

const UNIT_TYPES: readonly StreamType[] = ['task', 'alert'];

/** A responder's filter: their unit, the alerts of its tasks, and of the types asked only task and alert. */
async function unitFilter(filter: StreamFilterInput, unit: string | null | undefined, unitAlerts: UnitAlerts | undefined): Promise<StreamFilterInput> {
  if (!unit || !unitAlerts) throw new AppError('SCOPE_EXCEEDED', { message: 'The event stream of a responder follows their unit\'s tasks: this account has no unit', details: { permission: 'stream:read' } });
  const types = (filter.types ?? [...UNIT_TYPES]).filter((t) => UNIT_TYPES.includes(t));
  return { ...filter, types: types.length > 0 ? types : ['task'], unit: { id: unit, alertIds: await unitAlerts(unit) } };
}

export function streamRoutes(deps: { stream: StreamPort; unitAlerts?: UnitAlerts } & Pick<HttpDeps, 'access'>) {
  return async (app: FastifyInstance): Promise<void> => {
    const open = new Set<ServerResponse>();
    // fastify.close() waits for open connections; streams never end on their own.
    app.addHook('preClose', async () => {
      for (const res of open) res.destroy();
    });

    app.get<{ Querystring: Query }>(
      '/stream',
      {
        logLevel: 'warn',
        config: { queryToken: true, access: 'stream:read|tasks:self' },
        schema: {
          tags: ['notifications'],
          summary: 'Server-sent events: alert, presence, violation, mission, drone, task (Last-Event-ID replay, heartbeats); a responder gets their unit\'s tasks and their alerts only',
          security: [{ bearerAuth: [] }],
          querystring: StreamQuery,
          produces: ['text/event-stream'],
        },
      },
      async (req, reply) => {
        // Without ?lang= or Accept-Language the hub's own default (CITYBRAIN_LANG) applies.
        const asked = toFilter(req.query, scopeOf(req), req.query.lang ?? preferredLang(req.headers['accept-language']));
        const filter = holds(req, deps, 'stream:read') ? asked : await unitFilter(asked, req.principal?.unit, deps.unitAlerts);
        const header = req.headers['last-event-id'];
        const lastEventId = (Array.isArray(header) ? header[0] : header) ?? req.query.lastEventId;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          // nginx would otherwise buffer the stream
          'x-accel-buffering': 'no',
        });
        open.add(res);
        const close = deps.stream.open(filter, lastEventId, sinkFor(res));
        res.once('close', () => {
          open.delete(res);
          close();
        });
      },
    );
  };
}
