import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { createLogger } from '../kernel/logger.js';
import { bearerMatches } from './auth.js';
import { createHttpServer } from './index.js';
import { memoryDeps, TEST_TOKEN } from './test/memory-deps.js';
import { AUTH, useServer } from './test/harness.js';

const server = useServer();

describe('bearer authentication', () => {
  it('matches only "Bearer <token>" with the exact token', () => {
    expect(bearerMatches(`Bearer ${TEST_TOKEN}`, TEST_TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TEST_TOKEN}`, TEST_TOKEN)).toBe(true);
    expect(bearerMatches(undefined, TEST_TOKEN)).toBe(false);
    expect(bearerMatches(TEST_TOKEN, TEST_TOKEN)).toBe(false);
    expect(bearerMatches(`Basic ${TEST_TOKEN}`, TEST_TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TEST_TOKEN}x`, TEST_TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TEST_TOKEN.slice(0, -1)}`, TEST_TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', TEST_TOKEN)).toBe(false);
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['another scheme', { authorization: `Basic ${TEST_TOKEN}` }],
  ])('answers 401 UNAUTHORIZED to %s on every /api route', async (_name, headers) => {
    const { app, deps } = await server();
    for (const [method, url] of [
      ['GET', '/api/v1/devices'],
      ['POST', '/api/v1/devices'],
      ['GET', '/api/v1/devices/g1'],
      ['POST', '/api/v1/devices/import'],
      ['GET', '/api/v1/devices/g1/readings'],
      ['GET', '/api/v1/districts'],
    ] as const) {
      const res = await app.inject({ method, url, headers });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' } });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="citybrain"');
    }
    // Auth runs before the body is read: nothing reached the registry.
    expect(deps.calls).toEqual([]);
  });

  it('lets the right token through', async () => {
    const { app } = await server();
    const res = await app.inject({ url: '/api/v1/devices', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], total: 0, limit: 100, offset: 0 });
  });

  it('refuses to build a server with an empty admin token', () => {
    expect(() => createHttpServer({ ...memoryDeps(), adminToken: '' })).toThrow(AppError);
  });
});

describe('system routes', () => {
  it('GET /healthz: 200 when every check is ok, 503 otherwise, no auth', async () => {
    const { app, deps } = await server();
    const ok = await app.inject({ url: '/healthz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', checks: { registry: { ok: true }, telemetry: { ok: true } } });
    deps.healthReport = { ok: false, checks: { telemetry: { ok: false, detail: 'ECONNREFUSED' } } };
    const down = await app.inject({ url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', checks: { telemetry: { ok: false, detail: 'ECONNREFUSED' } } });
  });

  it('GET /healthz: 503 when the health check itself throws', async () => {
    const { app, deps } = await server();
    deps.health = async () => {
      throw new Error('boom');
    };
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.health.ok).toBe(false);
  });

  it('GET /metrics exposes the request counter and duration histogram by route template', async () => {
    const { app } = await server();
    await app.inject({ url: '/api/v1/devices/a1', headers: AUTH });
    await app.inject({ url: '/api/v1/devices/a2', headers: AUTH });
    await app.inject({ url: '/no/such/thing' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain('citybrain_http_requests_total{method="GET",route="/api/v1/devices/:id",status="404"} 2');
    expect(res.body).toContain('citybrain_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(res.body).toMatch(/citybrain_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/devices\/:id",status="404"\} 2/);
  });

  it('serves the Swagger UI at /docs', async () => {
    const { app } = await server();
    const res = await app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
  });

  it('/openapi.json lists every route, with bearer security exactly on the protected ones', async () => {
    const deps = memoryDeps();
    const app = createHttpServer(deps);
    const routes: string[] = [];
    app.addHook('onRoute', (r) => {
      const hidden = (r.schema as { hide?: boolean } | undefined)?.hide === true || r.url.startsWith('/docs');
      for (const m of [r.method].flat()) if (m !== 'HEAD' && !hidden) routes.push(`${m} ${r.url}`);
    });
    await app.ready();
    try {
      const res = await app.inject({ url: '/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> };
      expect(doc.openapi).toBe('3.0.3');
      const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      expect(documented.sort()).toEqual([...routes].sort());
      expect(routes).toHaveLength(17);
      const publicOps = ['/healthz', '/readyz', '/metrics', '/api/v1/contracts', '/api/v1/contracts/schemas'];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const op of Object.values(ops)) {
          expect(op.security !== undefined, path).toBe(!publicOps.includes(path));
        }
      }
      expect(Object.keys(doc.paths['/api/v1/devices/import']?.post ?? {})).toContain('requestBody');
    } finally {
      await app.close();
    }
  });
});

describe('reference routes', () => {
  it('GET /api/v1/districts returns the GeoJSON districts', async () => {
    const { app } = await server();
    const res = await app.inject({ url: '/api/v1/districts', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features[0]).toMatchObject({ type: 'Feature', id: '370202', properties: { name: 'Shinan' }, geometry: { type: 'Polygon' } });
  });

  it('GET /api/v1/contracts and /contracts/schemas are public', async () => {
    const { app } = await server();
    const list = await app.inject({ url: '/api/v1/contracts' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual({ kind: 'gas', version: 1, intervalS: 60 });
    const all = await app.inject({ url: '/api/v1/contracts/schemas' });
    expect(Object.keys(all.json())).toHaveLength(6);
    const gas = await app.inject({ url: '/api/v1/contracts/schemas?kind=gas' });
    expect(gas.json()).toEqual({ 'gas.telemetry.v1': { $id: 'gas.telemetry.v1', type: 'object' } });
    const none = await app.inject({ url: '/api/v1/contracts/schemas?kind=lava' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toMatchObject({ code: 'UNKNOWN_KIND', details: { kind: 'lava' } });
  });
});

describe('error handling and logging', () => {
  it('answers 404 ROUTE_NOT_FOUND for unknown routes and methods', async () => {
    const { app } = await server();
    const res = await app.inject({ url: '/api/v2/devices?x=1', headers: AUTH });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route GET /api/v2/devices' } });
    const method = await app.inject({ method: 'PUT', url: '/api/v1/devices/g1', headers: AUTH, payload: {} });
    expect(method.json().error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers 413 PAYLOAD_TOO_LARGE above the 1 MiB default body limit', async () => {
    const { app, deps } = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: AUTH,
      payload: { kind: 'gas', location: { lon: 0, lat: 0 }, name: 'x'.repeat(1024 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(deps.store.size).toBe(0);
  });

  it('logs requests without the token, and an unexpected error with its stack but a generic 500', async () => {
    const sink = new PassThrough();
    const lines: string[] = [];
    sink.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const { app, deps } = await server({ log: createLogger({ level: 'info', destination: sink }) });
    deps.devices.list = async () => {
      throw new Error('relation "devices" does not exist: SELECT secret_hash');
    };
    const res = await app.inject({ url: '/api/v1/devices?kind=gas', headers: AUTH });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    await app.inject({ url: '/api/v1/districts', headers: AUTH });
    await vi.waitFor(() => expect(lines.some((l) => l.includes('"url":"/api/v1/districts"'))).toBe(true));
    const logs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.join('\n')).not.toContain(TEST_TOKEN);
    // One line per request, written with the response, ISO time.
    const requests = logs.filter((l) => l.module === 'http' && l.msg === 'request');
    expect(requests.map((l) => [l.url, l.status])).toEqual([['/api/v1/devices?kind=gas', 500], ['/api/v1/districts', 200]]);
    expect(requests[0]).toMatchObject({ method: 'GET', route: '/api/v1/devices', level: 50 });
    expect(String(requests[1]!.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(logs.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
    const failure = logs.find((l) => l.msg === 'unhandled error') as { err?: { stack?: string }; level?: number } | undefined;
    expect(failure?.level).toBe(50);
    expect(failure?.err?.stack).toContain('SELECT secret_hash');
  });

  it('serves real HTTP on a free port', async () => {
    const { app } = await server();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const created = await fetch(`${base}/api/v1/devices`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'h1', kind: 'heat', location: { lon: 120.38, lat: 36.06 } }),
    });
    expect(created.status).toBe(201);
    const denied = await fetch(`${base}/api/v1/devices/h1`);
    expect(denied.status).toBe(401);
    const got = await fetch(`${base}/api/v1/devices/h1`, { headers: AUTH });
    expect(((await got.json()) as { district: string }).district).toBe('370202');
  });
});
