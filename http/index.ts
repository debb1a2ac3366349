/**
 * The HTTP API server (architecture.md "Public surface"). `createHttpServer` builds and returns the
 * fastify instance without listening: the composition root calls `listen`, tests call `inject`.
 */
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { auditTrail, authorize, declareAccess } from './auth.js';
import type { HttpDeps } from './deps.js';
import { installEnrichment } from './enrich.js';
import { installErrorHandling } from './errors.js';
import { auditFailureCounter, httpErrorCounter, installHttpMetrics } from './metrics.js';
import { contractRoutes, districtRoutes } from './routes/catalog.js';
import { consoleRoutes } from './routes/console.js';
import { deviceRoutes } from './routes/devices.js';
import { droneOpsRoutes } from './routes/drone-ops.js';
import { commandRoutes } from './routes/commands.js';
import { importRoutes } from './routes/import.js';
import { opcuaRoutes } from './routes/opcua.js';
import { readingRoutes } from './routes/readings.js';
import { districtReadingRoutes } from './routes/district-readings.js';
import { streamRoutes, unitAlertsOf } from './routes/stream.js';
import { personNamesOf, unitNamesOf } from './routes/names.js';
import { alertRoutes } from './routes/alerts.js';
import { incidentRoutes } from './routes/incidents.js';
import { ruleRoutes } from './routes/rules.js';
import { silenceRoutes } from './routes/silences.js';
import { docsUi, systemRoutes } from './routes/system.js';
import { integrationRoutes, webhookRoutes } from './routes/webhooks.js';
import { peopleRoutes } from './routes/people.js';
import { sessionRoutes } from './routes/session.js';
import { mediaRoutes } from './routes/media.js';
import { uploadRoutes } from './routes/uploads.js';
import { responseRoutes } from './routes/response.js';
import { taskRoutes } from './routes/response-tasks.js';

import { installRequestLog } from './request-log.js';

export type * from './deps.js';
export { IMPORT_BODY_LIMIT } from './routes/import.js';
export { readLimited } from './routes/media.js';

export const API_PREFIX = '/api/v1';
/** JSON bodies other than bulk import: a device create or patch is a few hundred bytes. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const auth = authorize(deps);
  const app = fastify({
    // pino's default request serializer logs no headers; the kernel logger also redacts
    // req.headers.authorization should a serializer ever add them.
    loggerInstance: deps.log.child({ module: 'http' }) as FastifyBaseLogger,
    // One line per request instead of fastify's two (http/request-log.ts); the LogController form, as
    // the top-level `disableRequestLogging` is deprecated (fastify FSTDEP023).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Reject unknown body fields (a typo like "locaton" must not be silently dropped).
    ajv: { customOptions: { removeAdditional: false } },
    // HTTPS when a certificate is configured; the composition root attaches `app.server` for reloads.
    ...(deps.tls ? { https: deps.tls.options() } : {}),
  }) as unknown as FastifyInstance;

  app.decorate('defaultLang', deps.lang ?? 'en');
  app.decorateRequest('principal', null);
  app.decorateRequest('auditDetail', null);
  installErrorHandling(app, httpErrorCounter(deps.metrics));
  installHttpMetrics(app, deps.metrics);
  installRequestLog(app);

  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'citybrain HTTP API',
        version: '1',
        description: 'Urban-lifeline sensors and drone patrols. Errors: {"error": {"code", "message", "details"?}}; codes in docs/errors.md.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' }, sessionCookie: { type: 'apiKey', in: 'cookie', name: 'citybrain_session' } } },
      tags: [
        { name: 'system', description: 'Health, metrics (no auth)' },
        { name: 'access', description: 'Sessions, people, personal tokens, audit (docs/access.md)' },
        { name: 'devices', description: 'Device provisioning and credentials' },
        { name: 'readings', description: 'Telemetry queries' },
        { name: 'reference', description: 'Districts' },
        { name: 'contracts', description: 'Firmware contracts for integrators (public)' },
        { name: 'alerts', description: 'Alerts, silences, incidents, KPIs' },
        { name: 'rules', description: 'Rules as versioned data, validation, backtests' },
        { name: 'drone-ops', description: 'Airspace, docks, drones, missions, patrols (GeoJSON)' },
        { name: 'notifications', description: 'Event stream (SSE), webhooks, MQTT integration clients' },
        { name: 'media', description: 'Evidence pictures: resumable uploads (tus 1.0.0), bytes, metadata (docs/media.md)' },
        { name: 'response', description: 'Emergency response: units and resources, plans, one-click dispatch, tasks, KPIs (docs/response.md)' },
      ],
    },
    // Each operation names the permission it needs (docs/access.md).
    transform: ({ schema, url, route }) => {
      const access = route.config?.access;
      if (!schema || access === undefined) return { schema, url };
      const note = access === 'public' ? 'Public: no credential.' : `Permission: \`${access}\`.`;
      return { schema: { ...schema, description: schema.description ? `${schema.description}\n\n${note}` : note }, url };
    },
  });
  const docs = deps.exposure?.docs ?? 'public';
  if (docs !== 'off') void app.register(docsUi(docs, auth, async (ui) => ui.register(swaggerUi, { routePrefix: '/docs' })));

  void app.register(systemRoutes(deps, auth));
  if (deps.console) void app.register(consoleRoutes(deps.console));
  void app.register(contractRoutes(deps), { prefix: API_PREFIX });
  void app.register(
    async (api) => {
      api.addHook('onRequest', auth);
      installEnrichment(api, () => deps.districts());
      if (deps.access) {
        const failures = auditFailureCounter(deps.metrics);
        api.addHook('onResponse', auditTrail(deps.access, () => deps.clock.now(), () => failures.inc()));
      }
      // Each plugin's routes need `<resource>:read` (GET) or `<resource>:write` unless they declare otherwise.
      const add = (resource: string, plugin: Parameters<typeof declareAccess>[1]) => api.register(declareAccess(resource, plugin));
      if (deps.access) await api.register(sessionRoutes(deps.access, deps.response && unitNamesOf(deps.response)));
      if (deps.access) await api.register(peopleRoutes(deps.access));
      // EventSource cannot send a header: the stream accepts `?token=` too (route config queryToken).
      if (deps.stream) await add('stream', streamRoutes({ stream: deps.stream, ...(deps.access ? { access: deps.access } : {}), ...(deps.response ? { unitAlerts: unitAlertsOf(deps.response) } : {}) }));
      await add('devices', deviceRoutes(deps));
      await add('devices', importRoutes(deps));
      if (deps.commands) await add('devices', commandRoutes({ devices: deps.devices, commands: deps.commands }));
      await add('readings', readingRoutes(deps));
      await add('readings', districtReadingRoutes(deps));
      await add('reference', districtRoutes(deps));
      if (deps.webhooks) await add('webhooks', webhookRoutes(deps.webhooks));
      if (deps.integrations) await add('integrations', integrationRoutes(deps.integrations));
      if (deps.droneOps) await add('drones', droneOpsRoutes(deps.droneOps));
      if (deps.alerts) await add('alerts', alertRoutes(deps.alerts, deps.access && personNamesOf(deps.access)));
      if (deps.rules) await add('rules', ruleRoutes(deps.rules));
      if (deps.silences) await add('silences', silenceRoutes(deps.silences));
      if (deps.incidents) await add('incidents', incidentRoutes(deps.incidents));
      if (deps.opcua) await add('opcua', opcuaRoutes(deps.opcua));
      // Media routes declare their permissions route by route (tasks:self|alerts:write, alerts:read…).
      if (deps.media) {
        await api.register(mediaRoutes({ ...deps, media: deps.media }));
        await api.register(uploadRoutes({ ...deps, media: deps.media }));
      }
      if (deps.response) {
        await add('response', responseRoutes(deps.response));
        await add('response', taskRoutes(deps.response, deps.access));
      }
    },
    { prefix: API_PREFIX },
  );
  return app;
}
