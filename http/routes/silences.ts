/** `/api/v1/silences`: silences and maintenance windows (they mute notifications, not alerts). */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { SilencesPort } from '../deps.js';
import { errorResponses } from '../schemas.js';
import { actorOf, scopeOf, silencesIn } from '../scope.js';

const base = { tags: ['alerts'], security: [{ bearerAuth: [] }] };
const Name = Type.String({ minLength: 1, maxLength: 128 });
const Matchers = Type.Object(
  {
    deviceKind: Type.Optional(Name), district: Type.Optional(Name), asset: Type.Optional(Name), deviceId: Type.Optional(Name), ruleId: Type.Optional(Name),
    ruleKind: Type.Optional(Type.Union(['threshold', 'rate', 'deadman', 'event', 'correlation'].map((k) => Type.Literal(k)))),
  },
  { additionalProperties: false, minProperties: 1, description: 'All given fields must equal the alert’s' },
);
const Kind = Type.Union([Type.Literal('silence'), Type.Literal('maintenance')]);
const Silence = Type.Object({
  id: Type.String(), kind: Kind, matchers: Matchers, startsAt: Type.Integer(), endsAt: Type.Integer(), createdBy: Type.String(), comment: Type.String(),
});
const SilenceCreate = Type.Object(
  {
    kind: Type.Optional(Kind),
    matchers: Matchers,
    startsAt: Type.Optional(Type.Integer({ description: 'epoch ms; default now' })),
    endsAt: Type.Integer({ description: 'epoch ms (exclusive)' }),
    createdBy: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Ignored: the authenticated caller is recorded' })),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const SilenceId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export function silenceRoutes(silences: SilencesPort) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/silences', { schema: { ...base, summary: 'Silences and maintenance windows', response: { 200: Type.Object({ items: Type.Array(Silence) }), ...errorResponses } } }, async (req) => ({
      items: await silencesIn(silences, scopeOf(req)).list(),
    }));
    app.post<{ Body: Static<typeof SilenceCreate> }>(
      '/silences',
      { schema: { ...base, summary: 'Mute notifications of matching alerts in [startsAt, endsAt)', body: SilenceCreate, response: { 201: Silence, ...errorResponses } } },
      async (req, reply) => reply.code(201).send(await silencesIn(silences, scopeOf(req)).create({ ...req.body, createdBy: actorOf(req) })),
    );
    app.delete<{ Params: Static<typeof SilenceId> }>(
      '/silences/:id',
      { schema: { ...base, summary: 'Remove a silence', params: SilenceId, response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        await silencesIn(silences, scopeOf(req)).delete(req.params.id);
        return reply.code(204).send();
      },
    );
  };
}
