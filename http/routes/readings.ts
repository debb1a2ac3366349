/** `GET /api/v1/devices/{id}/readings`: raw points or aggregated buckets (behind the bearer token). */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HttpDeps, ReadingsPort } from '../deps.js';
import { BUCKET_COLUMNS, READING_COLUMNS } from '../csv-columns.js';
import { sendCsv, wantsCsv } from '../csv.js';
import { devicesIn, scopeOf } from '../scope.js';
import { MAX_RAW_LIMIT, parseReadingsQuery, type ReadingsQuery as Parsed } from '../query.js';
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
      async (req, reply) => {
        const q = parseReadingsQuery(req.query, deps.clock.now());
        const deviceId = req.params.id;
        // An unknown device is a 404, not an empty series that looks like silence.
        await devicesIn(deps.devices, scopeOf(req)).get(deviceId);
        if (wantsCsv(req)) return sendCsv(req, reply, `${deviceId}-readings.csv`, q.mode === 'raw' ? READING_COLUMNS : BUCKET_COLUMNS, readingRows(deps.readings, { deviceId }, q));
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

/** A CSV export reads the range an hour at a time (one store query each), so a long range is never held whole. */
export const CSV_WINDOW_MS = 3_600_000;

type DeviceCols = { deviceId: string } & Record<string, unknown>;

/**
 * A district's rows for a CSV export: raw points an hour at a time, one store query per hour for all its
 * devices (in time order, then by device as listed); buckets device by device over the whole range.
 */
export async function* districtRows(readings: ReadingsPort, devices: readonly DeviceCols[], q: Parsed): AsyncGenerator<Record<string, unknown>[]> {
  if (q.mode === 'aggregate') {
    for (const d of devices) yield* readingRows(readings, d, q);
    return;
  }
  if (devices.length === 0) return;
  const deviceIds = devices.map((d) => d.deviceId);
  for (let from = q.from; from < q.to; from += CSV_WINDOW_MS) {
    const byDevice = await readings.rawMany({ deviceIds, ...(q.metric === undefined ? {} : { metric: q.metric }), from, to: Math.min(from + CSV_WINDOW_MS, q.to), limit: MAX_RAW_LIMIT });
    const rows = devices.flatMap((d) => Object.entries(byDevice[d.deviceId] ?? {}).flatMap(([metric, points]) => points.map((p) => ({ ...d, metric, ts: p.ts, value: p.value }))));
    // A stable sort: points of one instant keep the devices' order.
    if (rows.length > 0) yield rows.sort((a, b) => a.ts - b.ts);
  }
}

/** One device's rows for a CSV export, each starting with `device`'s fields (its id, and for a district export its kind and district). */
export async function* readingRows(readings: ReadingsPort, device: DeviceCols, q: Parsed): AsyncGenerator<Record<string, unknown>[]> {
  const { deviceId } = device;
  if (q.mode === 'aggregate') {
    const buckets = await readings.aggregate({ deviceId, metric: q.metric, from: q.from, to: q.to, everyMs: q.everyMs });
    if (buckets.length > 0) yield buckets.map((b) => ({ ...device, metric: q.metric, ...b }));
    return;
  }
  for (let from = q.from; from < q.to; from += CSV_WINDOW_MS) {
    const series = await readings.raw({ deviceId, ...(q.metric === undefined ? {} : { metric: q.metric }), from, to: Math.min(from + CSV_WINDOW_MS, q.to), limit: MAX_RAW_LIMIT });
    const rows = Object.entries(series).flatMap(([metric, points]) => points.map((p) => ({ ...device, metric, ts: p.ts, value: p.value })));
    if (rows.length > 0) yield rows.sort((a, b) => a.ts - b.ts);
  }
}
