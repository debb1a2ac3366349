/** `/api/v1/incidents`: live alerts grouped into incidents (neighbours, one asset, correlation members). */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { IncidentsPort } from '../deps.js';
import { errorResponses } from '../schemas.js';
import { incidentsIn, scopeOf } from '../scope.js';

const Incident = Type.Object({
  key: Type.String(),
  alertIds: Type.Array(Type.String()),
  severity: Type.String(),
  responseLevel: Type.String(),
  firstAt: Type.Integer(),
  lastAt: Type.Integer(),
  devices: Type.Array(Type.String()),
});

export function incidentRoutes(incidents: IncidentsPort) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/incidents',
      { schema: { tags: ['alerts'], security: [{ bearerAuth: [] }], summary: 'Live alerts grouped into incidents (one page per area, not fifty)', response: { 200: Type.Object({ items: Type.Array(Incident) }), ...errorResponses } } },
      async (req) => ({ items: await incidentsIn(incidents, scopeOf(req)).list() }),
    );
  };
}
