/** `/api/v1/rules`: rules as versioned data (docs/rules.md), validation and backtests. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { RulesPort } from '../deps.js';
import { errorResponses } from '../schemas.js';
import { time } from './alerts.js';

const base = { tags: ['rules'], security: [{ bearerAuth: [] }] };
const RuleId = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }) });
/** Validated by the rules engine (RULE_INVALID lists every problem with its JSON path), not here. */
const RuleBody = Type.Object({}, { additionalProperties: true, description: 'Rule data (docs/rules.md "Rule format"); `version` is assigned by the server' });
const RuleOut = Type.Object({ id: Type.String(), version: Type.Integer() }, { additionalProperties: true });

export function ruleRoutes(rules: RulesPort) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/rules', { schema: { ...base, summary: 'Current version of every rule', response: { 200: Type.Object({ items: Type.Array(RuleOut) }), ...errorResponses } } }, async () => ({
      items: await rules.list(),
    }));

    app.post<{ Body: Record<string, unknown> }>(
      '/rules',
      { schema: { ...base, summary: 'Create a rule (version 1)', body: RuleBody, response: { 201: RuleOut, ...errorResponses } } },
      async (req, reply) => reply.code(201).send(await rules.create(req.body)),
    );

    app.post<{ Body: Record<string, unknown> }>(
      '/rules/validate',
      {
        config: { access: 'rules:read' },
        schema: {
          ...base, summary: 'Validate rule data without storing it', body: RuleBody,
          response: { 200: Type.Object({ ok: Type.Boolean(), errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))) }), ...errorResponses },
        },
      },
      async (req) => {
        const v = rules.validate(req.body);
        return v.ok ? { ok: true } : { ok: false, errors: v.errors };
      },
    );

    app.get<{ Params: Static<typeof RuleId> }>(
      '/rules/:id',
      { schema: { ...base, summary: 'One rule with its version history', params: RuleId, response: { 200: RuleOut, ...errorResponses } } },
      async (req) => rules.get(req.params.id),
    );

    app.put<{ Params: Static<typeof RuleId>; Body: Record<string, unknown> }>(
      '/rules/:id',
      { schema: { ...base, summary: 'Replace a rule: writes version n+1, history kept', params: RuleId, body: RuleBody, response: { 200: RuleOut, ...errorResponses } } },
      async (req) => rules.update(req.params.id, req.body),
    );

    app.delete<{ Params: Static<typeof RuleId> }>(
      '/rules/:id',
      { schema: { ...base, summary: 'Delete a rule (its history is kept)', params: RuleId, response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        await rules.delete(req.params.id);
        return reply.code(204).send();
      },
    );

    app.post<{ Params: Static<typeof RuleId>; Querystring: { from: string; to?: string } }>(
      '/rules/:id/backtest',
      {
        // Replays the whole city's telemetry: city-level, like changing rules.
        config: { access: 'rules:write' },
        schema: {
          ...base, summary: 'Replay stored telemetry through this rule alone; the alerts it would have raised',
          params: RuleId,
          querystring: Type.Object({ from: Type.String({ description: 'epoch ms or ISO-8601' }), to: Type.Optional(Type.String({ description: 'epoch ms or ISO-8601; default now' })) }),
          response: { 200: Type.Object({ alerts: Type.Array(Type.Object({ id: Type.String(), severity: Type.String(), status: Type.String() }, { additionalProperties: true })) }, { additionalProperties: true }), ...errorResponses },
        },
      },
      async (req) => {
        const from = time(req.query.from, 'from')!;
        const to = time(req.query.to, 'to') ?? Date.now();
        if (to - from > 31 * 86_400_000) throw new AppError('QUERY_INVALID', { message: 'A backtest covers at most 31 days', details: { from, to } });
        return rules.backtest(req.params.id, from, to);
      },
    );
  };
}
