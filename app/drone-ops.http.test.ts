/** The drone-ops HTTP routes over the real service (SQLite :memory:, memory scheduler, fake link). */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DRONE_TYPE } from '../drone-ops/service/index.js';
import { makeHarness, recordChanges, waitStatus, type Harness } from '../drone-ops/service/testing.js';
import { ll } from '../drone-ops/testing/fixtures.js';
import { createHttpServer } from '../http/index.js';
import { memoryDeps, TEST_TOKEN } from '../http/test/memory-deps.js';
import { droneOpsPort } from './drone-ops-http.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
let h: Harness;
let app: FastifyInstance;
beforeEach(async () => {
  h = await makeHarness();
  app = createHttpServer({ ...memoryDeps(), droneOps: droneOpsPort(h.service) });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await h.close();
});

const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers: AUTH, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? (res.json() as Record<string, any>) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const pt = (x: number, y: number) => [ll(x, y).lon, ll(x, y).lat];
const corridor = { kind: 'corridor', line: { type: 'LineString', coordinates: [pt(100, 0), pt(700, 0)] }, widthM: 40, spacingM: 20, altM: 60 };

async function fleet(): Promise<void> {
  expect((await call('POST', '/docks', { id: 'd1', name: 'Pier dock', location: ll(0, 0) })).status).toBe(201);
  expect((await call('POST', '/drones', { id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' })).status).toBe(201);
}

describe('drone-ops HTTP API', () => {
  it('serves the airspace as GeoJSON with the labelled sample zone, and manages zones and the ceiling', async () => {
    const a = await call('GET', '/airspace');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ type: 'FeatureCollection', ceilingM: 120 });
    const sample = a.body!.features.find((f: { id: string }) => f.id === 'sample-jiaodong-airport');
    expect(sample).toMatchObject({ geometry: { type: 'Point', coordinates: [120.09, 36.36] }, properties: { radiusM: 10_000, sample: true, kind: 'no_fly_zone' } });
    const zone = { type: 'Feature', id: 'school', geometry: { type: 'Polygon', coordinates: [[pt(0, 0), pt(100, 0), pt(100, 100), pt(0, 0)]] }, properties: { name: 'School', floorM: 0, ceilingM: 80, windows: [{ start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }] } };
    const put = await call('POST', '/airspace/zones', zone);
    expect(put.status).toBe(201);
    expect(put.body!.properties).toMatchObject({ id: 'school', windows: [{ start: '2030-01-01T00:00:00.000Z', end: '2030-01-02T00:00:00.000Z' }] });
    expect((await call('PUT', '/airspace/ceiling', { ceilingM: 100 })).status).toBe(204);
    expect((await call('GET', '/airspace')).body!.ceilingM).toBe(100);
    expect((await call('DELETE', '/airspace/zones/school')).status).toBe(204);
    expect((await call('DELETE', '/airspace/zones/school')).body!.error.code).toBe('ZONE_NOT_FOUND');
    const bad = await call('POST', '/airspace/zones', { ...zone, geometry: { type: 'Point', coordinates: pt(0, 0) } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });

  it('registers docks and drones and shows dock state; 404 and 409 with codes', async () => {
    await fleet();
    expect((await call('GET', '/docks/d1')).body).toMatchObject({ id: 'd1', status: 'idle', droneId: 'u1' });
    expect((await call('PUT', '/docks/d1/state', { status: 'charging', windMps: 4 })).body).toMatchObject({ status: 'charging', windMps: 4 });
    expect((await call('POST', '/docks', { id: 'd1', location: ll(0, 0) })).body!.error.code).toBe('DOCK_EXISTS');
    expect(await call('GET', '/drones/nope')).toMatchObject({ status: 404, body: { error: { code: 'DRONE_NOT_FOUND' } } });
    expect((await call('POST', '/drones', { typeId: 'nope', dockId: 'd1' })).body!.error.code).toBe('DRONE_TYPE_NOT_FOUND');
    expect((await call('GET', '/drone-types')).body).toEqual({ items: [expect.objectContaining({ id: DEFAULT_DRONE_TYPE.id })], total: 1, limit: 100, offset: 0 });
  });

  it('plans, schedules and completes a mission; the mission shows its route and history', async () => {
    await fleet();
    const seen = recordChanges(h.bus);
    const v = await call('POST', '/missions/validate', { dockId: 'd1', pattern: corridor });
    expect(v.body).toMatchObject({ ok: true, sorties: [{ sortie: 1 }] });
    const planned = await call('POST', '/missions', { dockId: 'd1', pattern: corridor });
    expect(planned.status).toBe(201);
    const id = planned.body!.missions[0].id as string;
    expect(planned.body!.missions[0]).toMatchObject({ status: 'planned', route: { type: 'Feature', geometry: { type: 'LineString' } } });
    expect((await call('POST', `/missions/${id}/schedule`, {})).body).toMatchObject({ id, status: 'scheduled' });
    await waitStatus(seen, id, 'completed');
    const got = await call('GET', `/missions/${id}`);
    expect(got.body!.history.map((e: { to: string }) => e.to)).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);
    // Who made each step: the authenticated person for what was asked over HTTP, else the platform's parts.
    expect(got.body!.history.map((e: { actor: string }) => e.actor)).toEqual(['admin-token', 'admin-token', 'scheduler', 'scheduler', 'scheduler', 'vehicle', 'vehicle']);
    expect((await call('GET', '/missions?status=completed')).body!.items.map((m: { id: string }) => m.id)).toEqual([id]);
    expect((await call('POST', `/missions/${id}/cancel`)).body!.error.code).toBe('MISSION_TRANSITION_INVALID');
  });

  it('answers refusals with codes and details: geofence, conflict with next slot, infeasible, unknown mission', async () => {
    await fleet();
    await call('POST', '/docks', { id: 'd2', location: ll(0, 100) });
    await call('POST', '/drones', { id: 'u2', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd2' });
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call('POST', '/missions', { dockId: 'd1', pattern: corridor, schedule: { at } })).status).toBe(201);
    const c = await call('POST', '/missions', { dockId: 'd2', pattern: corridor, schedule: { at } });
    expect(c).toMatchObject({ status: 409, body: { error: { code: 'AIRSPACE_CONFLICT', details: { conflictsWith: [{ priority: 10 }], nextFreeSlot: expect.any(Number), nextFreeSlotIso: expect.any(String) } } } });
    const zone = { type: 'Feature', id: 'z', geometry: { type: 'Point', coordinates: pt(400, 0) }, properties: { floorM: 0, ceilingM: 500, radiusM: 50 } };
    await call('POST', '/airspace/zones', zone);
    const g = await call('POST', '/missions', { dockId: 'd1', pattern: corridor });
    expect(g).toMatchObject({ status: 422, body: { error: { code: 'GEOFENCE_VIOLATION', details: { reason: 'geofence', violations: expect.arrayContaining([expect.objectContaining({ zoneId: 'z', segment: 'route' })]) } } } });
    const far = { kind: 'point', target: { type: 'Point', coordinates: pt(9900, 9900) }, altM: 60, hoverS: 600 };
    expect((await call('POST', '/missions', { dockId: 'd1', pattern: far })).body!.error).toMatchObject({ code: 'PLAN_INFEASIBLE', details: { reason: 'energy' } });
    expect((await call('GET', '/missions/none')).body!.error.code).toBe('MISSION_NOT_FOUND');
    expect((await call('POST', '/missions', { dockId: 'd1', pattern: { kind: 'spiral' } })).status).toBe(400);
  });

  it('dispatches an emergency inspection, refusing with DOCK_UNAVAILABLE when no dock can go', async () => {
    expect((await call('POST', '/missions/dispatch', { ...ll(300, 0), alertId: 'a1' })).body!.error.code).toBe('DOCK_UNAVAILABLE');
    await fleet();
    const r = await call('POST', '/missions/dispatch', { ...ll(300, 0), alertId: 'a1' });
    expect(r).toMatchObject({ status: 201, body: { dock: { dockId: 'd1' }, mission: { kind: 'point', alertId: 'a1', priority: 100, status: 'scheduled' } } });
  });

  it('creates, lists and deletes a recurring patrol; rejects a bad cron', async () => {
    await fleet();
    const p = await call('POST', '/patrols', { id: 'river', dockId: 'd1', pattern: corridor, cron: '0 0 9 * * *' });
    expect(p).toMatchObject({ status: 201, body: { id: 'river', tz: 'Asia/Shanghai', nextRunAt: expect.any(Number) } });
    expect((await call('GET', '/patrols')).body!.items.map((x: { id: string }) => x.id)).toEqual(['river']);
    expect((await call('POST', '/patrols', { dockId: 'd1', pattern: corridor, cron: 'every tuesday' })).body!.error.code).toBe('VALIDATION_FAILED');
    expect((await call('DELETE', '/patrols/river')).status).toBe(204);
    expect((await call('DELETE', '/patrols/river')).body!.error.code).toBe('PATROL_NOT_FOUND');
  });

  it('pauses and resumes a patrol, changes its cron, and refuses a new area through a no-fly zone', async () => {
    await fleet();
    await call('POST', '/patrols', { id: 'river', dockId: 'd1', pattern: corridor, cron: '0 0 9 * * *' });
    const scheduled = async () => (await h.scheduler.listRecurring()).map((r) => `${r.id} ${r.cron}`);
    expect(await scheduled()).toEqual(['patrol:river 0 0 9 * * *']);
    const paused = await call('PATCH', '/patrols/river', { paused: true });
    expect(paused).toMatchObject({ status: 200, body: { id: 'river', paused: true, nextFirings: [] } });
    expect(await scheduled()).toEqual([]);
    // The firing queued before the pause flies nothing.
    expect(await h.service.firePatrol('river')).toEqual({ refused: 'patrol paused' });
    const resumed = await call('PATCH', '/patrols/river', { paused: false, cron: '0 30 7 * * 1-5' });
    expect(resumed).toMatchObject({ status: 200, body: { paused: false, cron: '0 30 7 * * 1-5', nextFirings: [expect.any(Number), expect.any(Number), expect.any(Number)] } });
    expect(await scheduled()).toEqual(['patrol:river 0 30 7 * * 1-5']);
    expect((await call('GET', '/patrols')).body!.items[0]).toMatchObject({ id: 'river', cron: '0 30 7 * * 1-5', paused: false });
    // A new area is checked as a new patrol is: through a zone it is refused and nothing changes.
    await call('POST', '/airspace/zones', { type: 'Feature', id: 'z', geometry: { type: 'Point', coordinates: pt(400, 0) }, properties: { floorM: 0, ceilingM: 500, radiusM: 50 } });
    const refused = await call('PATCH', '/patrols/river', { pattern: corridor });
    expect(refused.status).toBe(422);
    expect(refused.body!.error.code).toBe('GEOFENCE_VIOLATION');
    const point = { kind: 'point', target: { type: 'Point', coordinates: pt(200, 200) }, altM: 50 };
    const moved = await call('PATCH', '/patrols/river', { pattern: point });
    expect(moved).toMatchObject({ status: 200, body: { request: { dockId: 'd1', pattern: { kind: 'point' } } } });
    expect((await call('PATCH', '/patrols/river', { cron: 'every tuesday' })).body!.error.code).toBe('VALIDATION_FAILED');
    expect(await scheduled()).toEqual(['patrol:river 0 30 7 * * 1-5']);
    expect((await call('PATCH', '/patrols/nope', { paused: true })).body!.error.code).toBe('PATROL_NOT_FOUND');
    expect((await call('PATCH', '/patrols/river', {})).status).toBe(400);
  });
});
