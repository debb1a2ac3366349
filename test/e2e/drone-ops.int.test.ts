/** End to end (issue #4): the whole platform, a dock and drone registered over HTTP, a corridor planned and flown by the fake link. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { MissionChange } from '../../kernel/events.js';
import { api, bootPlatform } from './helpers.js';

let p: Platform;
beforeAll(async () => {
  p = await bootPlatform();
});
afterAll(async () => {
  await p.stop();
});

describe('drone operations through the platform', () => {
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
    expect((await api(p, 'POST', `/api/v1/missions/${m.id}/schedule`, {})).status).toBe(200);
    await vi.waitFor(() => expect(changes.some((c) => c.missionId === m.id && c.to === 'completed')).toBe(true), { timeout: 30_000, interval: 50 });
    const got = await api<{ status: string; history: { to: string }[] }>(p, 'GET', `/api/v1/missions/${m.id}`);
    expect(got.body.status).toBe('completed');
    expect(got.body.history.map((e) => e.to)).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);
    expect((await api<{ status: string }>(p, 'GET', '/api/v1/docks/shinan-01')).body.status).toBe('idle');
    const airspace = await api<{ features: { properties: { kind: string } }[] }>(p, 'GET', '/api/v1/airspace');
    expect(airspace.body.features.filter((f) => f.properties.kind === 'operation_area')).toHaveLength(10);
  });
});
