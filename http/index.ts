/**
 * The HTTP API server (architecture.md "Public surface"). `createHttpServer` builds and returns the
 * fastify instance without listening: the composition root calls `listen`, tests call `inject`.
 */
import fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { requireBearer } from './auth.js';
import type { HttpDeps } from './deps.js';
import { installErrorHandling } from './errors.js';
import { installHttpMetrics } from './metrics.js';
import { contractRoutes, districtRoutes } from './routes/catalog.js';
import { deviceRoutes } from './routes/devices.js';
import { importRoutes } from './routes/import.js';
import { readingRoutes } from './routes/readings.js';
import { systemRoutes } from './routes/system.js';

export type * from './deps.js';
export { IMPORT_BODY_LIMIT } from './routes/import.js';

export const API_PREFIX = '/api/v1';
/** JSON bodies other than bulk import: a device create or patch is a few hundred bytes. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const auth = requireBearer(deps.adminToken);
  const app = fastify({
    // pino's default request serializer logs no headers; the kernel logger also redacts
    // req.headers.authorization should a serializer ever add them.
    loggerInstance: deps.log.child({ module: 'http' }) as FastifyBaseLogger,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Reject unknown body fields (a typo like "locaton" must not be silently dropped).
    ajv: { customOptions: { removeAdditional: false } },
  });

  installErrorHandling(app);
  installHttpMetrics(app, deps.metrics);

  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'citybrain HTTP API',
        version: '1',
        description: 'Urban-lifeline sensors and drone patrols. Errors: {"error": {"code", "message", "details"?}}; codes in docs/errors.md.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      tags: [
        { name: 'system', description: 'Health, metrics (no auth)' },
        { name: 'devices', description: 'Device provisioning and credentials' },
        { name: 'readings', description: 'Telemetry queries' },
        { name: 'reference', description: 'Districts' },
        { name: 'contracts', description: 'Firmware contracts for integrators (public)' },
      ],
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });

  void app.register(systemRoutes(deps));
  void app.register(contractRoutes(deps), { prefix: API_PREFIX });
  void app.register(
    async (api) => {
      api.addHook('onRequest', auth);
      await api.register(deviceRoutes(deps));
      await api.register(importRoutes(deps));
      await api.register(readingRoutes(deps));
      await api.register(districtRoutes(deps));
    },
    { prefix: API_PREFIX },
  );
  return app;
}
