import { describe, expect, it } from 'vitest';
import { AUTH, useServer } from './test/harness.js';

const server = useServer();
const SHINAN = { lon: 120.38, lat: 36.06 };

describe('POST /api/v1/devices', () => {
  it('creates a device: 201 with its district and a one-time secret', async () => {
    const { app } = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: AUTH,
      payload: { id: 'gas-001', kind: 'gas', location: SHINAN, name: 'Valve well 1', tags: ['main'] },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.device).toMatchObject({ id: 'gas-001', kind: 'gas', district: '370202', online: false, name: 'Valve well 1', tags: ['main'] });
    expect(body.credentials.username).toBe('gas-001');
    expect(body.credentials.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 409 DEVICE_EXISTS and 400 UNKNOWN_KIND from the registry', async () => {
    const { app } = await server();
    const create = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/devices', headers: AUTH, payload });
    await create({ id: 'w1', kind: 'water', location: SHINAN });
    const dup = await create({ id: 'w1', kind: 'water', location: SHINAN });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toEqual({ error: { code: 'DEVICE_EXISTS', message: expect.any(String), details: { id: 'w1' } } });
    const kind = await create({ kind: 'volcano', location: SHINAN });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().error.code).toBe('UNKNOWN_KIND');
  });

  it.each([
    ['missing kind', { location: SHINAN }, '/'],
    ['lat out of range', { kind: 'gas', location: { lon: 120, lat: 95 } }, '/location/lat'],
    ['unknown field', { kind: 'gas', location: SHINAN, locaton: 1 }, '/'],
    ['id with a topic separator', { id: 'a/b', kind: 'gas', location: SHINAN }, '/id'],
  ])('rejects %s with 400 VALIDATION_FAILED and details', async (_name, payload, path) => {
    const { app, deps } = await server();
    const res = await app.inject({ method: 'POST', url: '/api/v1/devices', headers: AUTH, payload });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details[0]).toMatchObject({ in: 'body', path });
    expect(deps.store.size).toBe(0);
  });

  it('answers 400 PAYLOAD_MALFORMED for a body that is not JSON', async () => {
    const { app } = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"kind": "gas",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('PAYLOAD_MALFORMED');
  });
});

describe('device lookup and change', () => {
  async function withDevices() {
    const ctx = await server();
    for (const [id, kind, loc] of [
      ['g1', 'gas', SHINAN],
      ['g2', 'gas', { lon: 120.4, lat: 36.12 }],
      ['w1', 'water', { lon: 121, lat: 37 }],
    ] as const) {
      await ctx.app.inject({ method: 'POST', url: '/api/v1/devices', headers: AUTH, payload: { id, kind, location: loc } });
    }
    return ctx;
  }

  it('lists with filters and paging, and coerces query types', async () => {
    const { app, deps } = await withDevices();
    const all = await app.inject({ url: '/api/v1/devices', headers: AUTH });
    expect(all.json()).toMatchObject({ total: 3, limit: 100, offset: 0 });
    const gas = await app.inject({ url: '/api/v1/devices?kind=gas&limit=1&offset=1&online=false', headers: AUTH });
    expect(gas.statusCode).toBe(200);
    expect(gas.json()).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: 'g2' }] });
    expect(deps.calls.at(-1)).toEqual({ method: 'list', args: [{ kind: 'gas', limit: 1, offset: 1, online: false }] });
    const district = await app.inject({ url: '/api/v1/devices?district=370202', headers: AUTH });
    expect(district.json().items.map((d: { id: string }) => d.id)).toEqual(['g1']);
  });

  it('rejects a bad page with 400 VALIDATION_FAILED in the querystring', async () => {
    const { app } = await withDevices();
    const res = await app.inject({ url: '/api/v1/devices?limit=5000', headers: AUTH });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toMatchObject({ in: 'querystring', path: '/limit' });
  });

  it('gets one device with its latest metrics', async () => {
    const { app, deps } = await withDevices();
    deps.points.push(
      { deviceId: 'g1', metric: 'ch4_lel', ts: 1000, value: 3 },
      { deviceId: 'g1', metric: 'ch4_lel', ts: 2000, value: 4 },
      { deviceId: 'g1', metric: 'cover_open', ts: 1500, value: true },
    );
    const res = await app.inject({ url: '/api/v1/devices/g1', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'g1',
      district: '370202',
      lastSeenAt: null,
      lastViolation: null,
      latest: { ch4_lel: { ts: 2000, value: 4 }, cover_open: { ts: 1500, value: true } },
    });
  });

  it('still shows the device with latest null when the telemetry store is down', async () => {
    const { app, deps } = await withDevices();
    const { AppError } = await import('../kernel/errors.js');
    deps.readingsFailure = new AppError('TELEMETRY_STORE_UNAVAILABLE');
    const res = await app.inject({ url: '/api/v1/devices/g1', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'g1', latest: null });
  });

  it('answers 404 DEVICE_NOT_FOUND for every per-device route', async () => {
    const { app } = await withDevices();
    const routes = [
      ['GET', '/api/v1/devices/nope', undefined],
      ['PATCH', '/api/v1/devices/nope', { name: 'x' }],
      ['DELETE', '/api/v1/devices/nope', undefined],
      ['POST', '/api/v1/devices/nope/credentials/rotate', {}],
      ['POST', '/api/v1/devices/nope/revoke', undefined],
      ['GET', '/api/v1/devices/nope/readings', undefined],
      ['GET', '/api/v1/devices/nope/presence', undefined],
    ] as const;
    for (const [method, url, payload] of routes) {
      const res = await app.inject({ method, url, headers: AUTH, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json(), `${method} ${url}`).toMatchObject({ error: { code: 'DEVICE_NOT_FOUND', details: { id: 'nope' } } });
    }
  });

  it('answers a presence timeline over a range (default the last 24 hours), and refuses a reversed range', async () => {
    const { app, deps } = await withDevices();
    const res = await app.inject({ method: 'GET', url: '/api/v1/devices/g1/presence?from=2026-12-01T00:00:00%2B08:00&to=1796140800000', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ deviceId: 'g1', from: Date.parse('2026-12-01T00:00:00+08:00'), to: 1796140800000 });
    expect(res.json().intervals[0]).toMatchObject({ online: false, startAtIso: expect.stringMatching(/\+08:00$/) });
    const dflt = (await app.inject({ method: 'GET', url: '/api/v1/devices/g1/presence', headers: AUTH })).json();
    expect(dflt.to - dflt.from).toBe(86_400_000);
    expect(deps.calls.at(-1)).toMatchObject({ method: 'presenceHistory', args: ['g1', dflt.from, dflt.to] });
    const bad = await app.inject({ method: 'GET', url: '/api/v1/devices/g1/presence?from=2000&to=1000', headers: AUTH });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('QUERY_INVALID');
  });

  it('patches fields, recomputes the district, and clears with null', async () => {
    const { app } = await withDevices();
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/devices/w1',
      headers: AUTH,
      payload: { location: SHINAN, asset: 'main-7', tags: ['a'] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'w1', district: '370202', asset: 'main-7', tags: ['a'] });
    const cleared = await app.inject({ method: 'PATCH', url: '/api/v1/devices/w1', headers: AUTH, payload: { asset: null } });
    expect(cleared.json().asset).toBeNull();
    const empty = await app.inject({ method: 'PATCH', url: '/api/v1/devices/w1', headers: AUTH, payload: {} });
    expect(empty.statusCode).toBe(400);
    const kind = await app.inject({ method: 'PATCH', url: '/api/v1/devices/w1', headers: AUTH, payload: { kind: 'gas' } });
    expect(kind.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('deletes with 204 and no body', async () => {
    const { app, deps } = await withDevices();
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/devices/g2', headers: AUTH });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(deps.store.has('g2')).toBe(false);
  });

  it('rotates credentials with and without an overlap', async () => {
    const { app, deps } = await withDevices();
    const plain = await app.inject({ method: 'POST', url: '/api/v1/devices/g1/credentials/rotate', headers: AUTH });
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toMatchObject({ username: 'g1', oldValidUntil: null });
    const overlap = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/g1/credentials/rotate',
      headers: AUTH,
      payload: { overlapMs: 60_000 },
    });
    expect(overlap.json().oldValidUntil).toBe(deps.clock.now() + 60_000);
    expect(overlap.json().password).not.toBe(plain.json().password);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/g1/credentials/rotate',
      headers: AUTH,
      payload: { overlapMs: -1 },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('revokes with 204 and the device then shows revokedAt', async () => {
    const { app, deps } = await withDevices();
    const res = await app.inject({ method: 'POST', url: '/api/v1/devices/g1/revoke', headers: AUTH });
    expect(res.statusCode).toBe(204);
    const after = await app.inject({ url: '/api/v1/devices/g1', headers: AUTH });
    expect(after.json().revokedAt).toBe(deps.clock.now());
  });
});
