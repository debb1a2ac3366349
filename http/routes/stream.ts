/**
 * `GET /api/v1/stream`: server-sent events (WHATWG HTML §9.2) of alerts, presence, violations, mission
 * changes and drone state.
 * Auth: the session cookie, the bearer header, or `?token=` because browsers' EventSource cannot set
 * headers (http/auth.ts). The route logs at `warn` only, so a query token never reaches the access log.
 * A district-scoped caller gets only their districts' events (http/scope.ts).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { DistrictScope } from '../../kernel/scope.js';
import { scopeOf } from '../scope.js';
import { preferredLang, type Lang } from '../../kernel/i18n.js';
import type { StreamFilterInput, StreamPort } from '../deps.js';

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

export function streamRoutes(deps: { stream: StreamPort }) {
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
        config: { queryToken: true },
        schema: {
          tags: ['notifications'],
          summary: 'Server-sent events: alert, presence, violation, mission, drone (Last-Event-ID replay, heartbeats)',
          security: [{ bearerAuth: [] }],
          querystring: StreamQuery,
          produces: ['text/event-stream'],
        },
      },
      async (req, reply) => {
        // Without ?lang= or Accept-Language the hub's own default (CITYBRAIN_LANG) applies.
        const filter = toFilter(req.query, scopeOf(req), req.query.lang ?? preferredLang(req.headers['accept-language']));
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
