/** Operational routes: health and readiness (no auth), Prometheus metrics and the OpenAPI document (as configured). */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { HealthReport, HttpDeps, RouteExposure } from '../deps.js';
import { Health } from '../schemas.js';

type Hook = (req: FastifyRequest) => Promise<void>;

/**
 * Route options for an exposure setting: public, or (`token`) any signed-in caller — permission `self`,
 * which every person, personal token and the admin token hold (docs/access.md).
 */
export function exposureHooks(exposure: RouteExposure, auth: Hook): { onRequest?: onRequestHookHandler; config: { access: 'public' | 'self' } } {
  return exposure === 'token' ? { onRequest: auth as onRequestHookHandler, config: { access: 'self' } } : { config: { access: 'public' } };
}

/** Swagger UI's routes under the exposure setting (its own options cannot carry a route config). */
export function docsUi(exposure: RouteExposure, auth: Hook, ui: FastifyPluginAsync) {
  const { onRequest, config } = exposureHooks(exposure, auth);
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, ...config };
    });
    if (onRequest) app.addHook('onRequest', onRequest);
    await app.register(ui);
  };
}

async function report(deps: Pick<HttpDeps, 'health'>, req: FastifyRequest): Promise<HealthReport> {
  try {
    return await deps.health();
  } catch (err) {
    req.log.error({ err }, 'health check threw');
    return { ok: false, checks: { health: { ok: false, detail: 'health check failed' } } };
  }
}

function answer(reply: FastifyReply, ok: boolean, r: HealthReport) {
  return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: r.checks });
}

export function systemRoutes(deps: Pick<HttpDeps, 'health' | 'metrics' | 'exposure'>, auth: Hook) {
  const metrics = deps.exposure?.metrics ?? 'public';
  const docs = deps.exposure?.docs ?? 'public';
  return async (app: FastifyInstance): Promise<void> => {
    const schema = (summary: string) => ({ tags: ['system'], summary, response: { 200: Health, 503: Health } });
    app.get('/healthz', { config: { access: 'public' }, schema: schema('Every dependency checked now; 503 when any is down (no auth)') }, async (req, reply) => {
      const r = await report(deps, req);
      return answer(reply, r.ok, r);
    });
    app.get('/readyz', { config: { access: 'public' }, schema: schema('Readiness: 503 while a required dependency (relational store, Redis, spill room) is down (no auth)') }, async (req, reply) => {
      const r = await report(deps, req);
      return answer(reply, Object.values(r.checks).every((c) => c.ok || c.required === false), r);
    });

    if (metrics !== 'off') {
      app.get(
        '/metrics',
        {
          ...exposureHooks(metrics, auth),
          schema: {
            tags: ['system'],
            summary: `Prometheus metrics, text exposition format (${metrics === 'token' ? 'bearer token' : 'no auth: scrape from the internal network'}; CITYBRAIN_METRICS)`,
            produces: ['text/plain'],
            response: { 200: Type.String() },
          },
        },
        async (_req, reply) => {
          const body = await deps.metrics.metrics();
          return reply.type(deps.metrics.contentType).send(body);
        },
      );
    }

    if (docs !== 'off') app.get('/openapi.json', { ...exposureHooks(docs, auth), schema: { hide: true } }, async (_req, reply) => reply.send(app.swagger()));
  };
}
