/** `GET /api/v1/patrols` lists each patrol's next firings (cron in its zone), on the real service. */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DRONE_TYPE } from '../drone-ops/service/index.js';
import { makeHarness, type Harness } from '../drone-ops/service/testing.js';
import { ll } from '../drone-ops/testing/fixtures.js';
import { createHttpServer } from '../http/index.js';
import { memoryDeps, TEST_TOKEN } from '../http/test/memory-deps.js';
import { droneOpsPort } from './drone-ops-http.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
let h: Harness;
let app: FastifyInstance;
beforeEach(async () => {
  h = await makeHarness();
  app = createHttpServer({ ...memoryDeps({}), droneOps: droneOpsPort(h.service) });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await h.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const call = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: any }> => {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers: AUTH, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json() };
};

describe('GET /api/v1/patrols', () => {
  it('gives the next three firings of each patrol, in its time zone', async () => {
    expect((await call('POST', '/docks', { id: 'd1', location: ll(0, 0) })).status).toBe(201);
    expect((await call('POST', '/drones', { id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' })).status).toBe(201);
    const pattern = { kind: 'point', target: { type: 'Point', coordinates: [ll(200, 0).lon, ll(200, 0).lat] }, altM: 40 };
    const created = await call('POST', '/patrols', { id: 'p-morning', dockId: 'd1', pattern, cron: '0 30 8 * * *', tz: 'Asia/Shanghai' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const list = await call('GET', '/patrols');
    const firings = (list.body.items ?? list.body).find((p: { id: string }) => p.id === 'p-morning').nextFirings as number[];
    expect(firings).toHaveLength(3);
    // 08:30 in Shanghai is 00:30 UTC, one day apart, the first one in the future.
    for (const at of firings) expect(new Date(at).toISOString()).toMatch(/T00:30:00\.000Z$/);
    expect(firings[1]! - firings[0]!).toBe(86_400_000);
    expect(firings[0]!).toBeGreaterThan(Date.now());
  });
});
