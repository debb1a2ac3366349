/** `GET /api/v1/devices/{id}/readings`: raw points or aggregated buckets (behind the bearer token). */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps } from '../deps.js';
import { devicesIn, scopeOf } from '../scope.js';
import { parseReadingsQuery } from '../query.js';
import { IdParams, ReadingsQuery, ReadingsResult, errorResponses } from '../schemas.js';

export function readingRoutes(deps: Pick<HttpDeps, 'devices' | 'readings' | 'clock'>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ReadingsQuery> }>(
      '/devices/:id/readings',
      {
        schema: {
          tags: ['readings'],
          security: [{ bearerAuth: [] }],
          summary: 'Readings of one device: raw points per metric, or buckets of one metric with `every`',
          params: IdParams,
          querystring: ReadingsQuery,
          response: { 200: ReadingsResult, ...errorResponses },
        },
      },
      async (req) => {
        const q = parseReadingsQuery(req.query, deps.clock.now());
        const deviceId = req.params.id;
        // An unknown device is a 404, not an empty series that looks like silence.
        await devicesIn(deps.devices, scopeOf(req)).get(deviceId);
        if (q.mode === 'raw') {
          const { mode: _mode, ...raw } = q;
          return { deviceId, from: q.from, to: q.to, ...(q.metric === undefined ? {} : { metric: q.metric }), series: await deps.readings.raw({ deviceId, ...raw }) };
        }
        const buckets = await deps.readings.aggregate({ deviceId, metric: q.metric, from: q.from, to: q.to, everyMs: q.everyMs });
        return { deviceId, from: q.from, to: q.to, metric: q.metric, everyMs: q.everyMs, buckets };
      },
    );
  };
}
