/** Lists as GeoJSON FeatureCollections (Accept: application/geo+json or ?format=geojson), paged like JSON. */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DRONE_TYPE } from '../drone-ops/service/index.js';
import { makeHarness, type Harness } from '../drone-ops/service/testing.js';
import { ll } from '../drone-ops/testing/fixtures.js';
import type { AlertsPort } from '../http/deps.js';
import { createHttpServer } from '../http/index.js';
import { memoryDeps, TEST_TOKEN } from '../http/test/memory-deps.js';
import { droneOpsPort } from './drone-ops-http.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
const circle = { type: 'Polygon', coordinates: [[[120.38, 36.07], [120.381, 36.07], [120.381, 36.071], [120.38, 36.07]]] };
const ALERT = {
  id: 'al-1760000000000-e4e9b5d30de0c66d', ruleId: 'gas.ch4', subject: 'GW-0412', status: 'open', severity: 'orange', responseLevel: 'II', message: 'm', count: 1,
  firstSeenAt: 1, lastSeenAt: 1, labels: { district: '370202', location: { lon: 120.37, lat: 36.06 } }, mutedBy: null, resources: null,
  impact: { center: { lon: 120.38, lat: 36.07 }, radiusM: 200, area: { type: 'Feature', geometry: circle, properties: {} }, devices: [], assets: [], districts: ['370202'] },
};
let h: Harness;
let app: FastifyInstance;
let listed: unknown[];
beforeEach(async () => {
  h = await makeHarness();
  listed = [];
  const alerts = { list: (q: unknown) => (listed.push(q), Promise.resolve({ items: [ALERT, { ...ALERT, id: 'b', impact: null }], total: 2 })) } as unknown as AlertsPort;
  app = createHttpServer({ ...memoryDeps(), droneOps: droneOpsPort(h.service), alerts });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await h.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const get = async (url: string, headers: Record<string, string> = {}): Promise<{ type: string; body: any }> => {
  const res = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { ...AUTH, ...headers } });
  expect(res.statusCode, res.body).toBe(200);
  return { type: String(res.headers['content-type']), body: res.json() };
};
const post = (url: string, payload: object) => app.inject({ method: 'POST', url: `/api/v1${url}`, headers: AUTH, payload });

describe('GeoJSON lists', () => {
  it('devices: points with the view as properties, same filter and paging, by header or by ?format', async () => {
    for (const [id, lon] of [['a', 120.38], ['b', 120.39], ['c', 120.4]] as const) expect((await post('/devices', { id, kind: 'gas', location: { lon, lat: 36.07 } })).statusCode).toBe(201);
    const byHeader = await get('/devices?limit=2', { accept: 'application/geo+json' });
    expect(byHeader.type).toMatch(/^application\/geo\+json/);
    expect(byHeader.body).toMatchObject({ type: 'FeatureCollection', total: 3, limit: 2, offset: 0 });
    expect(byHeader.body.features).toHaveLength(2);
    expect(byHeader.body.features[0]).toMatchObject({ type: 'Feature', id: expect.any(String), geometry: { type: 'Point', coordinates: [expect.any(Number), 36.07] }, properties: { kind: 'gas' } });
    expect(byHeader.body.features[0].properties).not.toHaveProperty('location');
    const byQuery = await get('/devices?limit=2&offset=2&format=geojson');
    expect(byQuery.body.features.map((f: { id: string }) => f.id)).toEqual([(await get('/devices?limit=1&offset=2')).body.items[0].id]);
    expect((await get('/devices', { accept: 'application/json' })).body).toHaveProperty('items');
  });

  it('alerts: a point per alert and its impact area, with the list filters passed on', async () => {
    const r = await get('/alerts?status=open&severity=orange&format=geojson');
    expect(listed).toEqual([expect.objectContaining({ status: 'open', severity: 'orange', limit: 100, offset: 0 })]);
    expect(listed[0]).not.toHaveProperty('format');
    expect(r.body).toMatchObject({ type: 'FeatureCollection', total: 2 });
    expect(r.body.features.map((f: { id: string; geometry: { type: string } }) => [f.id, f.geometry.type])).toEqual([
      [ALERT.id, 'Point'],
      [`${ALERT.id}.impact`, 'Polygon'],
      ['b', 'Point'],
    ]);
    expect(r.body.features[0]).toMatchObject({ geometry: { coordinates: [120.38, 36.07] }, properties: { feature: 'alert', severity: 'orange' } });
    expect(r.body.features[1]).toMatchObject({ geometry: circle, properties: { feature: 'impact', alertId: ALERT.id, radiusM: 200 } });
    expect(r.body.features[2].geometry.coordinates).toEqual([120.37, 36.06]);
  });

  it('docks, drones (last position) and missions (planned route), paged like every list', async () => {
    expect((await post('/docks', { id: 'd1', location: ll(0, 0) })).statusCode).toBe(201);
    expect((await post('/drones', { id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' })).statusCode).toBe(201);
    const path = { type: 'LineString', coordinates: [[ll(100, 0).lon, ll(100, 0).lat, 50], [ll(300, 0).lon, ll(300, 0).lat, 50]] };
    expect((await post('/missions', { dockId: 'd1', pattern: { kind: 'waypoints', path } })).statusCode).toBe(201);
    expect((await get('/docks')).body).toMatchObject({ items: [{ id: 'd1' }], total: 1, limit: 100, offset: 0 });
    expect((await get('/docks?format=geojson')).body.features).toEqual([expect.objectContaining({ id: 'd1', geometry: { type: 'Point', coordinates: [ll(0, 0).lon, ll(0, 0).lat] } })]);
    const drones = (await get('/drones', { accept: 'application/geo+json' })).body;
    expect(drones.features[0]).toMatchObject({ id: 'u1', properties: { dockId: 'd1' } });
    expect(['Point', undefined]).toContain(drones.features[0].geometry?.type);
    expect((await get('/missions?limit=1')).body).toMatchObject({ items: [{ dockId: 'd1' }], total: 1, limit: 1, offset: 0 });
    expect((await get('/missions?offset=1')).body).toMatchObject({ items: [], total: 1 });
    const missions = (await get('/missions?format=geojson')).body;
    expect(missions.features[0]).toMatchObject({ geometry: { type: 'LineString' }, properties: { dockId: 'd1', status: 'planned' } });
    expect(missions.features[0].geometry.coordinates.length).toBeGreaterThan(2);
  });
});
