/** QGroundControl .plan export and import over HTTP, on the real service (SQLite :memory:, fake link). */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DRONE_TYPE } from '../drone-ops/service/index.js';
import { makeHarness, type Harness } from '../drone-ops/service/testing.js';
import { ll } from '../drone-ops/testing/fixtures.js';
import { createHttpServer } from '../http/index.js';
import { memoryDeps, TEST_TOKEN } from '../http/test/memory-deps.js';
import { droneOpsPort } from './drone-ops-http.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
const fixture = JSON.parse(readFileSync(new URL('../drone-ops/qgc/fixtures/pier-inspection.plan', import.meta.url), 'utf8')) as Record<string, unknown>;
let h: Harness;
let app: FastifyInstance;
let metrics: Registry;
beforeEach(async () => {
  h = await makeHarness();
  metrics = new Registry();
  app = createHttpServer({ ...memoryDeps({ metrics }), droneOps: droneOpsPort(h.service) });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await h.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const call = async (method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: any; headers: Record<string, unknown> }> => {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers: AUTH, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
};
const pt = (x: number, y: number, alt: number) => [ll(x, y).lon, ll(x, y).lat, alt];

async function fleet(): Promise<void> {
  expect((await call('POST', '/docks', { id: 'd1', location: ll(0, 0) })).status).toBe(201);
  expect((await call('POST', '/docks', { id: 'd2', location: ll(2000, 0) })).status).toBe(201);
  expect((await call('POST', '/drones', { id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' })).status).toBe(201);
}

describe('QGroundControl .plan over HTTP', () => {
  it('exports a mission with its items, fence and rally points; the file imported again is the same plan', async () => {
    await fleet();
    const pattern = { kind: 'waypoints', path: { type: 'LineString', coordinates: [pt(100, 0, 50), pt(300, 200, 70), pt(500, 0, 70)] }, holdS: 5 };
    const planned = await call('POST', '/missions', { dockId: 'd1', pattern });
    const mission = planned.body.missions[0];
    const out = await call('GET', `/missions/${mission.id}/qgc-plan`);
    expect(out.status).toBe(200);
    expect(out.headers['content-disposition']).toBe(`attachment; filename="mission-${mission.id}.plan"`);
    expect(out.body).toMatchObject({ fileType: 'Plan', version: 1, groundStation: 'citybrain', mission: { firmwareType: 3, plannedHomePosition: [ll(0, 0).lat, ll(0, 0).lon, 0] } });
    expect(out.body.mission.items).toHaveLength(mission.waypointCount);
    // The fence the launch sends: the flight's inclusion box inside the district, rally at the dock and the other dock.
    expect(out.body.geoFence.polygons).toEqual([expect.objectContaining({ inclusion: true })]);
    expect(out.body.rallyPoints.points.map((p: number[]) => [p[0], p[1]])).toEqual([
      [ll(0, 0).lat, ll(0, 0).lon],
      [ll(2000, 0).lat, ll(2000, 0).lon],
    ]);
    const back = await call('POST', '/missions/qgc-plan', out.body);
    expect(back.status).toBe(200);
    expect(back.body.plan).toEqual({ dockId: 'd1', pattern: { ...pattern, path: { type: 'LineString', coordinates: pattern.path.coordinates.map((c) => [expect.closeTo(c[0]!, 7), expect.closeTo(c[1]!, 7), c[2]]) } } });
    expect(back.body.validation).toMatchObject({ ok: true });
    expect(back.body.geoFence.features[0]).toMatchObject({ geometry: { type: 'Polygon' }, properties: { inclusion: true } });
    const again = await call('POST', '/missions', back.body.plan);
    expect(again.status).toBe(201);
    expect(again.body.missions[0]).toMatchObject({ lengthM: expect.closeTo(mission.lengthM, 1), waypointCount: mission.waypointCount });
  });

  it('imports a file made by QGroundControl for the dock at its home, with warnings, checked like any plan', async () => {
    await fleet();
    const r = await call('POST', '/missions/qgc-plan', fixture);
    expect(r.status).toBe(200);
    expect(r.body.plan).toMatchObject({ dockId: 'd1', pattern: { kind: 'waypoints', holdS: 10 } });
    expect(r.body.plan.pattern.path.coordinates).toHaveLength(5);
    expect(r.body.validation).toMatchObject({ ok: true, sorties: [{ sortie: 1 }] });
    expect(r.body.warnings.length).toBeGreaterThan(4);
    expect(r.body.rallyPoints.features).toHaveLength(1);
    expect((await call('POST', '/missions/validate', r.body.plan)).body).toMatchObject({ ok: true });
    const d2 = (await call('POST', '/missions/qgc-plan?dockId=d2', fixture)).body;
    expect(d2.validation).toMatchObject({ ok: false, code: 'DOCK_UNAVAILABLE' });
    expect(d2).toMatchObject({ plan: { dockId: 'd2' }, warnings: expect.arrayContaining([{ message: expect.stringMatching(/home is 20\d\d m from dock d2/) }]) });
  });

  it('answers QGC_PLAN_INVALID, QGC_PLAN_NO_DOCK and DOCK_NOT_FOUND with codes, counted by code', async () => {
    await fleet();
    expect(await call('POST', '/missions/qgc-plan', { fileType: 'Survey' })).toMatchObject({ status: 400, body: { error: { code: 'QGC_PLAN_INVALID', details: { path: '/fileType' } } } });
    const far = { ...fixture, mission: { ...(fixture.mission as object), plannedHomePosition: [36.2, 120.5, 0] } };
    expect(await call('POST', '/missions/qgc-plan', far)).toMatchObject({ status: 422, body: { error: { code: 'QGC_PLAN_NO_DOCK', details: { nearestDockId: expect.any(String), nearestDistanceM: expect.any(Number) } } } });
    expect(await call('POST', '/missions/qgc-plan?dockId=nope', fixture)).toMatchObject({ status: 404, body: { error: { code: 'DOCK_NOT_FOUND' } } });
    expect((await call('GET', '/missions/none/qgc-plan')).body.error.code).toBe('MISSION_NOT_FOUND');
    const text = await metrics.metrics();
    expect(text).toMatch(/citybrain_http_errors_total\{code="QGC_PLAN_INVALID"\} 1/);
    expect(text).toMatch(/citybrain_http_errors_total\{code="QGC_PLAN_NO_DOCK"\} 1/);
  });
});
