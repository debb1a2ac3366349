/**
 * `GET /api/v1/districts/{code}/readings`: every reading of a district's devices over a range, as one
 * streamed CSV (an export; the device route serves JSON). Devices are paged (`limit`/`offset`, by id) so a
 * large district is taken in parts, and a raw range is bounded; the range is read an hour at a time with
 * one store query for all the part's devices (in time order), so nothing is held whole.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { HttpDeps } from '../deps.js';
import { DISTRICT_BUCKET_COLUMNS, DISTRICT_READING_COLUMNS } from '../csv-columns.js';
import { sendCsv } from '../csv.js';
import { Offset } from '../page.js';
import { parseReadingsQuery } from '../query.js';
import { devicesIn, districtsIn, scopeOf } from '../scope.js';
import { ReadingsQuery, errorResponses } from '../schemas.js';
import { districtRows } from './readings.js';

/** Longest raw range per export: a month of a 60 s device is ~45,000 rows per metric. */
export const MAX_DISTRICT_RANGE_MS = 31 * 86_400_000;
export const DISTRICT_DEVICES_DEFAULT = 100;
export const DISTRICT_DEVICES_MAX = 1000;

const Params = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64, description: 'District code (GET /api/v1/districts)' }) });
const Query = Type.Composite([
  Type.Omit(ReadingsQuery, ['limit']),
  Type.Object({
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Only devices of this kind' })),
    limit: Type.Integer({ minimum: 1, maximum: DISTRICT_DEVICES_MAX, default: DISTRICT_DEVICES_DEFAULT, description: 'Devices per export (by id); X-Total-Count and a Link rel="next" tell the rest' }),
    offset: Offset,
  }),
]);

export function districtReadingRoutes(deps: Pick<HttpDeps, 'devices' | 'readings' | 'districts' | 'clock'>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
      '/districts/:code/readings',
      {
        schema: {
          tags: ['readings'],
          security: [{ bearerAuth: [] }],
          summary: 'Readings of a district\'s devices over a range, as CSV (raw points, or buckets of one metric with `every`)',
          params: Params,
          querystring: Query,
          produces: ['text/csv'],
          response: errorResponses,
        },
      },
      async (req, reply) => {
        const { code } = req.params;
        const known = districtsIn(deps.districts(), scopeOf(req)).features.some((f) => String(f.id ?? f.properties?.id ?? '') === code);
        if (!known) throw new AppError('DISTRICT_NOT_FOUND', { message: `District ${code} not found`, details: { code } });
        const { kind, limit, offset, ...rq } = req.query;
        const q = parseReadingsQuery(rq, deps.clock.now());
        if (q.mode === 'raw' && q.to - q.from > MAX_DISTRICT_RANGE_MS) {
          throw new AppError('VALIDATION_FAILED', { message: 'A district export of raw readings spans at most 31 days: narrow from/to or aggregate with every', details: [{ path: '/querystring/from', message: 'range longer than 31 days' }] });
        }
        const page = await devicesIn(deps.devices, scopeOf(req)).list({ district: code, ...(kind ? { kind } : {}), limit, offset });
        reply.header('x-total-count', String(page.total));
        if (offset + limit < page.total) {
          const next = new URLSearchParams(Object.entries({ ...req.query, offset: offset + limit }).map(([k, v]): [string, string] => [k, String(v)]));
          reply.header('link', `<${req.url.split('?')[0]!}?${next.toString()}>; rel="next"`);
        }
        const devices = page.items.map((d) => ({ deviceId: d.id, kind: d.kind, district: d.district }));
        return sendCsv(req, reply, `${code}-readings.csv`, q.mode === 'raw' ? DISTRICT_READING_COLUMNS : DISTRICT_BUCKET_COLUMNS, districtRows(deps.readings, devices, q));
      },
    );
  };
}
