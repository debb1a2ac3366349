import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../index.js';
import { memoryDeps } from '../test/memory-deps.js';
import { AUTH } from '../test/harness.js';
import type { RouteExposure } from '../deps.js';

async function serve(exposure: { metrics?: RouteExposure; docs?: RouteExposure }) {
  const deps = memoryDeps();
  const app = createHttpServer({ ...deps, exposure });
  await app.ready();
  return { app, deps };
}

describe('/metrics and /docs follow their setting', () => {
  it.each([
    ['public', 200, 200],
    ['token', 401, 200],
    ['off', 404, 404],
  ] as const)('%s: without a token %i, with the token %i', async (setting, anon, withToken) => {
    const { app } = await serve({ metrics: setting, docs: setting });
    try {
      for (const url of ['/metrics', '/openapi.json', '/docs/']) {
        expect((await app.inject({ url })).statusCode, `${url} anonymous`).toBe(anon);
        expect((await app.inject({ url, headers: AUTH })).statusCode, `${url} with token`).toBe(withToken);
      }
      // The two settings are independent.
      const mixed = await serve({ metrics: 'off', docs: 'public' });
      expect((await mixed.app.inject({ url: '/metrics' })).statusCode).toBe(404);
      expect((await mixed.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
      await mixed.app.close();
    } finally {
      await app.close();
    }
  });
});

describe('/readyz', () => {
  it('is 503 only while a required dependency is down; /healthz is 503 for any', async () => {
    const { app, deps } = await serve({});
    try {
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      deps.healthReport = { ok: false, checks: { telemetryStore: { ok: false, required: false, detail: 'ECONNREFUSED' }, relationalStore: { ok: true } } };
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      const health = await app.inject({ url: '/healthz' });
      expect(health.statusCode).toBe(503);
      expect(health.json().checks.telemetryStore).toEqual({ ok: false, required: false, detail: 'ECONNREFUSED' });
      deps.healthReport = { ok: false, checks: { relationalStore: { ok: false, detail: 'connection refused' } } };
      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'unavailable', checks: { relationalStore: { ok: false, detail: 'connection refused' } } });
    } finally {
      await app.close();
    }
  });
});
