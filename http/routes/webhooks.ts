/**
 * `/api/v1/webhooks` (signed alert deliveries, their log) and `/api/v1/integrations` (read-only MQTT
 * clients of the `platform/` namespace). Behind the bearer token. Secrets are shown once, at creation.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { IntegrationsPort, WebhooksPort } from '../deps.js';
import { Credentials, errorResponses } from '../schemas.js';
import { integrationsIn, scopeOf, webhooksIn } from '../scope.js';

const base = { tags: ['notifications'], security: [{ bearerAuth: [] }] };

const Severity = Type.Union([Type.Literal('blue'), Type.Literal('yellow'), Type.Literal('orange'), Type.Literal('red')]);
const Filter = Type.Object(
  {
    minSeverity: Type.Optional(Severity),
    districts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
    actions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const WebhookCreate = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', maxLength: 2048, description: 'http(s) URL that receives POSTed JSON' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    filter: Type.Optional(Filter),
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000, description: 'Token-bucket refill (default 60)' })),
    burst: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Deliveries at once (default = ratePerMinute, at most 60)' })),
  },
  { additionalProperties: false },
);
const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  filter: Filter,
  ratePerMinute: Type.Integer(),
  burst: Type.Integer(),
  createdAt: Type.Integer(),
});
const Delivery = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  event: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  rateLimited: Type.Integer(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  nextAttemptAt: Type.Union([Type.Integer(), Type.Null()]),
  deliveredAt: Type.Union([Type.Integer(), Type.Null()]),
});
const WebhookId = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
const DeliveryQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});
const IntegrationName = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'MQTT username becomes integration:<name>' });
const Integration = Type.Object({ username: Type.String(), name: Type.String(), districts: Type.Union([Type.Array(Type.String()), Type.Null()]), createdAt: Type.Integer() });
const Districts = Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }), Type.Null()], { description: 'Only these districts\' platform messages (default: your scope; null = the whole city)' }));

export function webhookRoutes(webhooks: WebhooksPort) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: Static<typeof WebhookCreate> }>(
      '/webhooks',
      {
        schema: {
          ...base,
          summary: 'Register a webhook receiver; the signing secret is returned once',
          body: WebhookCreate,
          response: { 201: Type.Object({ webhook: Webhook, secret: Type.String() }), ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await webhooksIn(webhooks, scopeOf(req)).create(req.body)),
    );
    app.get('/webhooks', { schema: { ...base, summary: 'Webhook receivers', response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...errorResponses } } }, async (req) => ({
      items: await webhooksIn(webhooks, scopeOf(req)).list(),
    }));
    app.delete<{ Params: Static<typeof WebhookId> }>(
      '/webhooks/:id',
      { schema: { ...base, summary: 'Remove a receiver and its pending deliveries', params: WebhookId, response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        await webhooksIn(webhooks, scopeOf(req)).delete(req.params.id);
        return reply.code(204).send();
      },
    );
    app.get<{ Params: Static<typeof WebhookId>; Querystring: Static<typeof DeliveryQuery> }>(
      '/webhooks/:id/deliveries',
      {
        schema: {
          ...base,
          summary: 'Delivery log of one receiver, newest first (status, attempts, last error)',
          params: WebhookId,
          querystring: DeliveryQuery,
          response: { 200: Type.Object({ items: Type.Array(Delivery) }), ...errorResponses },
        },
      },
      async (req) => ({ items: await webhooksIn(webhooks, scopeOf(req)).deliveries(req.params.id, req.query) }),
    );
  };
}

export function integrationRoutes(integrations: IntegrationsPort) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: { name: string; districts?: string[] | null } }>(
      '/integrations',
      {
        schema: {
          ...base,
          summary: 'Create a read-only MQTT client for platform/#; the password is returned once',
          body: Type.Object({ name: IntegrationName, districts: Districts }, { additionalProperties: false }),
          response: { 201: Type.Object({ integration: Integration, credentials: Credentials }), ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await integrationsIn(integrations, scopeOf(req)).create(req.body.name, req.body.districts)),
    );
    app.get('/integrations', { schema: { ...base, summary: 'Integration MQTT clients', response: { 200: Type.Object({ items: Type.Array(Integration) }), ...errorResponses } } }, async (req) => ({
      items: await integrationsIn(integrations, scopeOf(req)).list(),
    }));
    app.delete<{ Params: { name: string } }>(
      '/integrations/:name',
      { schema: { ...base, summary: 'Remove an integration client (its sessions are closed)', params: Type.Object({ name: IntegrationName }), response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        await integrationsIn(integrations, scopeOf(req)).delete(req.params.name);
        return reply.code(204).send();
      },
    );
  };
}
