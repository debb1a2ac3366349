/** Unauthenticated operational routes: health, Prometheus metrics, the OpenAPI document. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { HttpDeps } from '../deps.js';
import { Health } from '../schemas.js';

export function systemRoutes(deps: Pick<HttpDeps, 'health' | 'metrics'>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['system'],
          summary: 'Readiness of the process and its stores (no auth)',
          response: { 200: Health, 503: Health },
        },
      },
      async (req, reply) => {
        let report;
        try {
          report = await deps.health();
        } catch (err) {
          req.log.error({ err }, 'health check threw');
          report = { ok: false, checks: { health: { ok: false, detail: 'health check failed' } } };
        }
        return reply.code(report.ok ? 200 : 503).send({ status: report.ok ? 'ok' : 'unavailable', checks: report.checks });
      },
    );

    app.get(
      '/metrics',
      {
        schema: {
          tags: ['system'],
          summary: 'Prometheus metrics, text exposition format (no auth: scrape from the internal network)',
          produces: ['text/plain'],
          response: { 200: Type.String() },
        },
      },
      async (_req, reply) => {
        const body = await deps.metrics.metrics();
        return reply.type(deps.metrics.contentType).send(body);
      },
    );

    app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => reply.send(app.swagger()));
  };
}
