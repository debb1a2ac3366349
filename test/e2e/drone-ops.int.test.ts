/**
 * End to end (issue #4): the whole platform, a dock and drone registered over HTTP, a corridor planned and
 * flown by the simulated link — embedded (in-process scheduler and intents, SQLite) and on the real engines
 * (BullMQ Job Schedulers and Redis-atomic intents on a durable Redis, PostgreSQL, InfluxDB).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { MissionChange } from '../../kernel/events.js';
import { ALL_ENGINES, api, bootPlatform, type EngineSetup } from './helpers.js';

describe.each(ALL_ENGINES)('drone operations through the platform: %s', (_name, engines) => {
  let p: Platform;
  let setup: EngineSetup | undefined;
  beforeAll(async () => {
    setup = await engines();
    p = await bootPlatform(setup.env);
  });
  afterAll(async () => {
    await p?.stop();
    await setup?.stop();
  });

  it('registers a dock and a drone, plans a corridor, schedules it now and sees it complete', async () => {
    const changes: MissionChange[] = [];
    p.bus.on('missionChanged', (e) => changes.push(e));
    const dock = await api<{ id: string; district: string }>(p, 'POST', '/api/v1/docks', { id: 'shinan-01', location: { lon: 120.38, lat: 36.065 } });
    expect(dock).toMatchObject({ status: 201, body: { id: 'shinan-01', district: '370202' } });
    expect((await api(p, 'POST', '/api/v1/drones', { id: 'uav-01', typeId: 'dock-multirotor', dockId: 'shinan-01' })).status).toBe(201);
    const pattern = { kind: 'corridor', line: { type: 'LineString', coordinates: [[120.381, 36.065], [120.385, 36.065]] }, widthM: 30, spacingM: 30, altM: 50 };
    const planned = await api<{ missions: { id: string; status: string; lengthM: number }[] }>(p, 'POST', '/api/v1/missions', { dockId: 'shinan-01', pattern });
    expect(planned.status).toBe(201);
    const m = planned.body.missions[0]!;
    expect(m.status).toBe('planned');
    expect(m.lengthM).toBeGreaterThan(700);
    const sched = await api(p, 'POST', `/api/v1/missions/${m.id}/schedule`, {});
    expect(sched.status, JSON.stringify(sched.body)).toBe(200);
    await vi.waitFor(() => expect(changes.some((c) => c.missionId === m.id && c.to === 'completed')).toBe(true), { timeout: 30_000, interval: 50 });
    const got = await api<{ status: string; history: { to: string }[] }>(p, 'GET', `/api/v1/missions/${m.id}`);
    expect(got.body.status).toBe('completed');
    expect(got.body.history.map((e) => e.to)).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);
    expect((await api<{ status: string }>(p, 'GET', '/api/v1/docks/shinan-01')).body.status).toBe('idle');
    const airspace = await api<{ features: { properties: { kind: string } }[] }>(p, 'GET', '/api/v1/airspace');
    expect(airspace.body.features.filter((f) => f.properties.kind === 'operation_area')).toHaveLength(10);
  });

  it('refuses a second patrol in the same airspace, naming the first and a later free slot', async () => {
    const pattern = { kind: 'corridor', line: { type: 'LineString', coordinates: [[120.381, 36.066], [120.384, 36.066]] }, widthM: 30, spacingM: 30, altM: 50 };
    const at = Date.now() + 3_600_000;
    const first = await api<{ missions: { id: string }[] }>(p, 'POST', '/api/v1/missions', { dockId: 'shinan-01', pattern });
    const second = await api<{ missions: { id: string }[] }>(p, 'POST', '/api/v1/missions', { dockId: 'shinan-01', pattern });
    const a = first.body.missions[0]!.id;
    const b = second.body.missions[0]!.id;
    expect((await api(p, 'POST', `/api/v1/missions/${a}/schedule`, { at })).status).toBe(200);
    const refused = await api<{ error: { code: string; details: { conflictsWith: { missionId: string }[]; nextFreeSlot: number } } }>(p, 'POST', `/api/v1/missions/${b}/schedule`, { at });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('AIRSPACE_CONFLICT');
    expect(refused.body.error.details.conflictsWith.map((c) => c.missionId)).toContain(a);
    expect(refused.body.error.details.nextFreeSlot).toBeGreaterThan(at);
    expect((await api(p, 'POST', `/api/v1/missions/${a}/cancel`, {})).status).toBe(200);
  });
});
