import { describe, expect, it } from 'vitest';
import { AUTH, useServer } from './test/harness.js';

const server = useServer();
const NOW = Date.parse('2025-06-01T12:00:00Z');
const MIN = 60_000;

async function withReadings() {
  const ctx = await server({ now: NOW });
  await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/devices',
    headers: AUTH,
    payload: { id: 'g1', kind: 'gas', location: { lon: 120.38, lat: 36.06 } },
  });
  // One ch4 reading a minute for the last two hours, plus a boolean metric.
  for (let i = 1; i <= 120; i++) ctx.deps.points.push({ deviceId: 'g1', metric: 'ch4_lel', ts: NOW - i * MIN, value: i % 10 });
  ctx.deps.points.push({ deviceId: 'g1', metric: 'cover_open', ts: NOW - 5 * MIN, value: true });
  return ctx;
}

describe('GET /api/v1/devices/{id}/readings', () => {
  it('defaults to raw points of every metric over the last hour', async () => {
    const { app } = await withReadings();
    const res = await app.inject({ url: '/api/v1/devices/g1/readings', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ deviceId: 'g1', from: NOW - 60 * MIN, to: NOW });
    expect(body.series.ch4_lel).toHaveLength(60);
    expect(body.series.ch4_lel[0]).toEqual({ ts: NOW - 60 * MIN, value: 0 });
    expect(body.series.cover_open).toEqual([{ ts: NOW - 5 * MIN, value: true }]);
    expect(body.buckets).toBeUndefined();
  });

  it('takes ISO-8601 from/to, one metric and a limit', async () => {
    const { app, deps } = await withReadings();
    const res = await app.inject({
      url: '/api/v1/devices/g1/readings?metric=ch4_lel&from=2025-06-01T10:30:00Z&to=2025-06-01T19:40:00%2B08:00&limit=5',
      headers: AUTH,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ from: NOW - 90 * MIN, to: NOW - 20 * MIN, metric: 'ch4_lel' });
    expect(Object.keys(body.series)).toEqual(['ch4_lel']);
    expect(body.series.ch4_lel).toHaveLength(5);
    expect(deps.calls.at(-1)).toEqual({
      method: 'raw',
      args: [{ deviceId: 'g1', metric: 'ch4_lel', from: NOW - 90 * MIN, to: NOW - 20 * MIN, limit: 5 }],
    });
  });

  it('takes epoch-ms from/to and aggregates with every', async () => {
    const { app, deps } = await withReadings();
    const from = NOW - 30 * MIN;
    const res = await app.inject({ url: `/api/v1/devices/g1/readings?metric=ch4_lel&from=${from}&to=${NOW}&every=10m`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ deviceId: 'g1', metric: 'ch4_lel', everyMs: 10 * MIN, from, to: NOW });
    expect(body.series).toBeUndefined();
    expect(body.buckets).toHaveLength(3);
    // Each 10-minute bucket holds the values 0..9 once.
    expect(body.buckets[0]).toEqual({ ts: from, mean: 4.5, min: 0, max: 9, count: 10 });
    expect(deps.calls.at(-1)?.method).toBe('aggregate');
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2025-06-01T25:00:00Z', 'to'],
    ['every=5m', 'metric'],
    ['metric=ch4_lel&every=5minutes', 'every'],
    ['metric=ch4_lel&every=1s&from=0', 'every'],
    [`from=${NOW}&to=${NOW - 1}`, 'from'],
  ])('answers 400 QUERY_INVALID for %s', async (qs, param) => {
    const { app } = await withReadings();
    const res = await app.inject({ url: `/api/v1/devices/g1/readings?${qs}`, headers: AUTH });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'QUERY_INVALID', details: { param } });
  });

  it('answers 400 VALIDATION_FAILED for a metric name that cannot exist', async () => {
    const { app } = await withReadings();
    const res = await app.inject({ url: '/api/v1/devices/g1/readings?metric=ch4;drop', headers: AUTH });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ in: 'querystring', path: '/metric' }] });
  });

  it('passes a telemetry-store outage through as 503 TELEMETRY_STORE_UNAVAILABLE', async () => {
    const { app, deps } = await withReadings();
    const { AppError } = await import('../kernel/errors.js');
    deps.readingsFailure = new AppError('TELEMETRY_STORE_UNAVAILABLE');
    const res = await app.inject({ url: '/api/v1/devices/g1/readings', headers: AUTH });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('TELEMETRY_STORE_UNAVAILABLE');
  });
});

describe('POST /api/v1/devices/import', () => {
  const geojson = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [120.38, 36.06] }, properties: { id: 'd1', kind: 'drainage' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [120.4, 36.1] }, properties: { id: 'x1', kind: 'lava' } },
    ],
  });

  it.each(['application/geo+json', 'application/json'])('imports GeoJSON sent as %s', async (type) => {
    const { app, deps } = await server();
    const res = await app.inject({ method: 'POST', url: '/api/v1/devices/import', headers: { ...AUTH, 'content-type': type }, payload: geojson });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ total: 2, created: 1, failed: 1, errors: [{ row: 2, index: 1, id: 'x1', code: 'UNKNOWN_KIND' }] });
    expect(report.devices[0]).toMatchObject({ id: 'd1', credentials: { username: 'd1' } });
    expect(deps.calls.at(-1)).toEqual({ method: 'import', args: [geojson, 'geojson'] });
  });

  it('imports CSV sent as text/csv (with a charset)', async () => {
    const { app, deps } = await server();
    const csv = 'id,kind,lon,lat\ne1,elevator,120.38,36.06\ne2,elevator,120.39,36.07\n';
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/import',
      headers: { ...AUTH, 'content-type': 'text/csv; charset=utf-8' },
      payload: csv,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 2, created: 2, failed: 0 });
    expect(deps.calls.at(-1)).toEqual({ method: 'import', args: [csv, 'csv'] });
    expect(deps.store.get('e2')?.kind).toBe('elevator');
  });

  it('hands malformed JSON to the registry: 400 IMPORT_INVALID', async () => {
    const { app } = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/import',
      headers: { ...AUTH, 'content-type': 'application/geo+json' },
      payload: '{"type": "FeatureCollection", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('IMPORT_INVALID');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for other content types', async () => {
    const { app, deps } = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/import',
      headers: { ...AUTH, 'content-type': 'application/xml' },
      payload: '<devices/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(deps.calls.filter((c) => c.method === 'import')).toEqual([]);
  });

  it('accepts a body over the default 1 MiB limit (up to 20 MiB)', async () => {
    const { app } = await server();
    const rows = Array.from({ length: 40_000 }, (_, i) => `gas-${i},gas,120.38,36.06`);
    const csv = `id,kind,lon,lat\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(1024 * 1024);
    const res = await app.inject({ method: 'POST', url: '/api/v1/devices/import', headers: { ...AUTH, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 40_000, created: 40_000 });
  });

  it('answers 413 PAYLOAD_TOO_LARGE beyond 20 MiB', async () => {
    const { app } = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/import',
      headers: { ...AUTH, 'content-type': 'text/csv' },
      payload: 'x'.repeat(20 * 1024 * 1024 + 1),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
