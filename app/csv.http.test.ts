/** CSV exports (?format=csv or Accept: text/csv): every match, paged or windowed underneath, streamed. */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DRONE_TYPE } from '../drone-ops/service/index.js';
import { makeHarness, type Harness } from '../drone-ops/service/testing.js';
import { ll } from '../drone-ops/testing/fixtures.js';
import type { AlertsPort } from '../http/deps.js';
import { createHttpServer } from '../http/index.js';
import { memoryDeps, TEST_TOKEN, type MemoryDeps } from '../http/test/memory-deps.js';
import { droneOpsPort } from './drone-ops-http.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
const T0 = Date.UTC(2026, 11, 3, 0, 0, 0);
const ALERTS = Array.from({ length: 2345 }, (_, i) => ({
  id: `al-${T0 + i}-0000000000000000`, ruleId: 'gas.ch4', subject: `GW-${i}`, status: 'open', severity: 'orange', responseLevel: 'II',
  message: i === 0 ? 'methane, "27 %LEL"\nat GW-0' : 'm', count: 1, firstSeenAt: T0 + i, lastSeenAt: T0 + i, labels: { district: '370202', deviceId: `GW-${i}`, location: { lon: 120.38, lat: 36.07 } }, impact: null,
}));
let h: Harness;
let deps: MemoryDeps;
let app: FastifyInstance;
let asked: { limit: number; offset: number; status?: string }[];
beforeEach(async () => {
  h = await makeHarness();
  asked = [];
  const alerts = {
    list: (q: { limit: number; offset: number; status?: string }) => {
      asked.push(q);
      return Promise.resolve({ items: ALERTS.slice(q.offset, q.offset + q.limit), total: ALERTS.length });
    },
  } as unknown as AlertsPort;
  deps = memoryDeps();
  app = createHttpServer({ ...deps, droneOps: droneOpsPort(h.service), alerts });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await h.close();
});

const csv = async (url: string, headers: Record<string, string> = {}) => {
  const res = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { ...AUTH, ...headers } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  return { disposition: String(res.headers['content-disposition']), text: res.body, lines: res.body.trimEnd().split('\n') };
};

describe('CSV export', () => {
  it('alerts: every match across pages, with the filters passed on, quoted as RFC 4180 wants, times also in ISO', async () => {
    const r = await csv('/alerts?status=open&format=csv');
    expect(r.disposition).toBe('attachment; filename="alerts.csv"');
    expect(asked.map((q) => [q.offset, q.limit, q.status])).toEqual([[0, 1000, 'open'], [1000, 1000, 'open'], [2000, 1000, 'open']]);
    expect(r.lines[0]).toBe('id,ruleId,subject,status,severity,responseLevel,message,count,district,deviceId,deviceKind,lon,lat,firstSeenAt,firstSeenAtIso,lastSeenAt,lastSeenAtIso,acknowledgedAt,acknowledgedAtIso,acknowledgedBy,assignee,unit,dispatchedAt,dispatchedAtIso,resolvedAt,resolvedAtIso,resolvedBy,closedAt,closedAtIso');
    expect(r.text).toContain(`${ALERTS[0]!.id},gas.ch4,GW-0,open,orange,II,"methane, ""27 %LEL""\nat GW-0",1,370202,GW-0,,120.38,36.07,${T0},2026-12-03T08:00:00.000+08:00,`);
    expect(r.text.split(/\r?\n(?=al-)/)).toHaveLength(ALERTS.length + 1); // the header, then one record per alert
    expect((await csv('/alerts', { accept: 'text/csv' })).lines.length).toBeGreaterThan(ALERTS.length);
  });

  it('devices and missions, with the same filters', async () => {
    for (const [id, kind] of [['g1', 'gas'], ['w1', 'water']] as const) expect((await app.inject({ method: 'POST', url: '/api/v1/devices', headers: AUTH, payload: { id, kind, location: { lon: 120.38, lat: 36.07 } } })).statusCode).toBe(201);
    const d = await csv('/devices?kind=gas&format=csv');
    expect(d.lines).toHaveLength(2);
    expect(d.lines[1]).toMatch(/^g1,gas,,370202,120\.38,36\.07,/);
    // A name a spreadsheet would run as a formula is defused, as in the audit export (OWASP CSV injection).
    expect((await app.inject({ method: 'POST', url: '/api/v1/devices', headers: AUTH, payload: { id: 'g2', kind: 'gas', name: '=HYPERLINK("x")', location: { lon: 120.38, lat: 36.07 } } })).statusCode).toBe(201);
    expect((await csv('/devices?kind=gas&format=csv')).lines[2]).toMatch(/^g2,gas,"'=HYPERLINK\(""x""\)",370202,/);
    await app.inject({ method: 'POST', url: '/api/v1/docks', headers: AUTH, payload: { id: 'd1', location: ll(0, 0) } });
    await app.inject({ method: 'POST', url: '/api/v1/drones', headers: AUTH, payload: { id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' } });
    const path = { type: 'LineString', coordinates: [[ll(100, 0).lon, ll(100, 0).lat, 50]] };
    expect((await app.inject({ method: 'POST', url: '/api/v1/missions', headers: AUTH, payload: { dockId: 'd1', pattern: { kind: 'waypoints', path } } })).statusCode).toBe(201);
    const m = await csv('/missions?status=planned&format=csv');
    expect(m.lines[0]).toMatch(/^id,kind,status,priority,dockId,droneId,/);
    expect(m.lines).toHaveLength(2);
    expect(m.lines[1]).toMatch(/^[^,]+,waypoints,planned,\d+,d1,u1,1,1,/);
    expect((await csv('/missions?status=completed&format=csv')).lines).toHaveLength(1);
  });

  it('readings of a device over a range longer than one store window, in time order; buckets with every', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/devices', headers: AUTH, payload: { id: 'g1', kind: 'gas', location: { lon: 120.38, lat: 36.07 } } });
    for (let i = 0; i < 5; i++) deps.points.push({ deviceId: 'g1', metric: 'ch4_lel', ts: T0 + i * 3_000_000, value: i });
    deps.points.push({ deviceId: 'g1', metric: 'temp_c', ts: T0 + 1, value: 18 });
    const r = await csv(`/devices/g1/readings?from=${T0}&to=${T0 + 4 * 3_600_000}&format=csv`);
    expect(r.disposition).toBe('attachment; filename="g1-readings.csv"');
    expect(r.lines).toEqual([
      'deviceId,metric,ts,tsIso,value',
      `g1,ch4_lel,${T0},2026-12-03T08:00:00.000+08:00,0`,
      `g1,temp_c,${T0 + 1},2026-12-03T08:00:00.001+08:00,18`,
      ...[1, 2, 3, 4].map((i) => `g1,ch4_lel,${T0 + i * 3_000_000},${new Date(T0 + i * 3_000_000 + 8 * 3_600_000).toISOString().slice(0, -1)}+08:00,${i}`),
    ]);
    expect(deps.calls.filter((c) => c.method === 'raw')).toHaveLength(4);
    const b = await csv(`/devices/g1/readings?metric=ch4_lel&every=1h&from=${T0}&to=${T0 + 4 * 3_600_000}`, { accept: 'text/csv' });
    expect(b.lines[0]).toBe('deviceId,metric,ts,tsIso,mean,min,max,count');
    expect(b.lines[1]).toBe(`g1,ch4_lel,${T0},2026-12-03T08:00:00.000+08:00,0.5,0,1,2`);
  });

  it('readings of a district: its devices only (by id, paged with X-Total-Count and Link next), kind filter, bounded range', async () => {
    const at = { lon: 120.38, lat: 36.07 };
    for (const [id, kind, location] of [['g1', 'gas', at], ['g2', 'gas', at], ['w1', 'water', at], ['far', 'gas', { lon: 100, lat: 10 }]] as const) {
      expect((await app.inject({ method: 'POST', url: '/api/v1/devices', headers: AUTH, payload: { id, kind, location } })).statusCode).toBe(201);
      deps.points.push({ deviceId: id, metric: kind === 'gas' ? 'ch4_lel' : 'pressure_mpa', ts: T0 + 1000, value: 1 });
    }
    deps.points.push({ deviceId: 'g1', metric: 'ch4_lel', ts: T0 + 2 * 3_600_000, value: 2 });
    const range = `from=${T0}&to=${T0 + 3 * 3_600_000}`;
    deps.calls.length = 0;
    const all = await csv(`/districts/370202/readings?${range}`);
    expect(all.disposition).toBe('attachment; filename="370202-readings.csv"');
    // In time order, devices by id within an instant.
    expect(all.lines).toEqual([
      'deviceId,kind,district,metric,ts,tsIso,value',
      `g1,gas,370202,ch4_lel,${T0 + 1000},2026-12-03T08:00:01.000+08:00,1`,
      `g2,gas,370202,ch4_lel,${T0 + 1000},2026-12-03T08:00:01.000+08:00,1`,
      `w1,water,370202,pressure_mpa,${T0 + 1000},2026-12-03T08:00:01.000+08:00,1`,
      `g1,gas,370202,ch4_lel,${T0 + 7_200_000},2026-12-03T10:00:00.000+08:00,2`,
    ]);
    // One store query per hour for the whole district, not one per device and hour.
    const reads = deps.calls.filter((c) => c.method === 'raw' || c.method === 'rawMany');
    expect(reads.map((c) => [c.method, (c.args[0] as { deviceIds: string[]; from: number }).deviceIds, (c.args[0] as { from: number }).from])).toEqual(
      [0, 1, 2].map((h) => ['rawMany', ['g1', 'g2', 'w1'], T0 + h * 3_600_000]),
    );
    const first = await app.inject({ method: 'GET', url: `/api/v1/districts/370202/readings?kind=gas&limit=1&${range}`, headers: AUTH });
    expect(first.headers['x-total-count']).toBe('2');
    expect(first.body.trimEnd().split('\n').map((l) => l.split(',')[0])).toEqual(['deviceId', 'g1', 'g1']);
    const next = /^<([^>]+)>; rel="next"$/.exec(String(first.headers.link))?.[1];
    expect(next).toContain('offset=1');
    const second = await app.inject({ method: 'GET', url: next!, headers: AUTH });
    expect(second.body.trimEnd().split('\n').map((l) => l.split(',')[0])).toEqual(['deviceId', 'g2']);
    expect(second.headers.link).toBeUndefined();
    const buckets = await csv(`/districts/370202/readings?kind=gas&metric=ch4_lel&every=1h&${range}`);
    expect(buckets.lines).toEqual(['deviceId,kind,district,metric,ts,tsIso,mean,min,max,count', `g1,gas,370202,ch4_lel,${T0},2026-12-03T08:00:00.000+08:00,1,1,1,1`, `g1,gas,370202,ch4_lel,${T0 + 7_200_000},2026-12-03T10:00:00.000+08:00,2,2,2,1`, `g2,gas,370202,ch4_lel,${T0},2026-12-03T08:00:00.000+08:00,1,1,1,1`]);
    const get = (url: string) => app.inject({ method: 'GET', url: `/api/v1${url}`, headers: AUTH });
    expect((await get('/districts/999999/readings')).json()).toMatchObject({ error: { code: 'DISTRICT_NOT_FOUND' } });
    expect((await get(`/districts/370202/readings?from=${T0}&to=${T0 + 32 * 86_400_000}`)).json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await get('/districts/370202/readings?limit=1001')).statusCode).toBe(400);
  });
});
