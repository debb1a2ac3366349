/**
 * A ferry flight home over real MAVLink (drone-ops.md "Landing"; docs/drone-ops-api.md): the demo platform
 * with ArduPilot-faithful simulated vehicles on loopback UDP at 25×. A drone lands at its neighbour's dock
 * — its autopilot's RTL to the nearest rally point, as in drone-ops/mavlink/landing-home.test.ts — and is
 * `landed` there with a `landed_away` alert; `POST /drones/{id}/ferry` flies it home around a zone declared
 * between the two docks; it ends `docked` in its own dock, the alert resolved, and the dock flies again.
 * Every position flown is checked with the city-day test's own geometry (CityDayRecorder, no planner code).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { SimVehicle } from '../../simulators/index.js';
import { CityDayRecorder } from './city-day-recorder.js';
import { api, bootDemoPlatform } from './helpers.js';
import { between, distM, droneOf as droneIn, landAtNeighbour } from './land-away.js';

let p: Platform;
let vehicles: SimVehicle[] = [];
let rec: CityDayRecorder;

beforeAll(async () => {
  ({ p, vehicles } = await bootDemoPlatform({}, { CITYBRAIN_DEMO_DOCKS: '2' }));
  rec = new CityDayRecorder(p);
}, 60_000);
afterAll(async () => {
  rec?.close();
  await p?.stop();
});

const droneOf = (id: string) => droneIn(p, id);

async function droneAlert(droneId: string): Promise<{ status: string; values: { alarm: string } } | undefined> {
  return (await api<{ items: { status: string; values: { alarm: string } }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${encodeURIComponent(`drone:${droneId}`)}`)).body.items[0];
}

describe('e2e: a drone landed at its neighbour’s dock is flown home (ferry)', () => {
  it('lands away, is ferried home around a zone, ends docked with its alert resolved, and its dock flies again', { timeout: 180_000 }, async () => {
    const { home, a, b } = await landAtNeighbour(p);
    const vehicle = vehicles[p.demoDocks.indexOf(home)]!;
    await vi.waitFor(async () => expect(await droneAlert(home.droneId)).toMatchObject({ status: 'open', values: { alarm: 'landed_away' } }), { timeout: 10_000, interval: 100 });

    // A zone across the straight way home: the ferry must go around it.
    const mid = between(a, b, 0.5);
    await rec.putZone({ id: 'zone-ferry', footprint: { type: 'Circle', center: mid, radiusM: 150 }, floorM: 0, ceilingM: 300 });
    const samplesBefore = rec.samples.filter((s) => s.droneId === home.droneId).length;
    const sent = await api<{ id: string; kind: string; status: string }>(p, 'POST', `/api/v1/drones/${home.droneId}/ferry`, {});
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ kind: 'ferry', status: 'scheduled' });
    // Asked again while it is under way: refused with its name.
    const again = await api<{ error: { code: string } }>(p, 'POST', `/api/v1/drones/${home.droneId}/ferry`, {});
    expect([again.status, again.body.error.code]).toEqual([409, 'DRONE_NOT_LANDED_AWAY']);
    await vi.waitFor(async () => expect((await api<{ status: string }>(p, 'GET', `/api/v1/missions/${sent.body.id}`)).body.status).toBe('completed'), { timeout: 90_000, interval: 200 });

    // Docked in its own dock (the vehicle says so too), the alert resolved, every flown sample clear.
    const drone = await droneOf(home.droneId);
    expect(drone.phase).toBe('docked');
    expect(distM(drone.position!, a)).toBeLessThan(10);
    expect(vehicle.flight.dock.droneInDock).toBe(true);
    await vi.waitFor(async () => expect((await droneAlert(home.droneId))?.status).toBe('resolved'), { timeout: 10_000, interval: 100 });
    const ferried = rec.samples.filter((s) => s.droneId === home.droneId).slice(samplesBefore);
    expect(ferried.length).toBeGreaterThan(5);
    expect(Math.min(...ferried.map((s) => distM(s, mid)))).toBeGreaterThan(150);
    expect(rec.violations()).toEqual([]);
    const history = (await api<{ history: { to: string; actor: string }[] }>(p, 'GET', `/api/v1/missions/${sent.body.id}`)).body.history;
    expect(history.map((h) => h.to)).toEqual(expect.arrayContaining(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'completed']));
    expect(history[0]!.actor).not.toBe('system');

    // The dock is usable again: a point inspection from it launches and lands there.
    vehicle.flight.battery = 100;
    const next = await api<{ missions: { id: string }[] }>(p, 'POST', '/api/v1/missions', { dockId: home.dockId, priority: 'inspection', schedule: {}, pattern: { kind: 'point', target: { type: 'Point', coordinates: [between(a, b, -0.2).lon, between(a, b, -0.2).lat] }, altM: 40, hoverS: 5 } });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    await vi.waitFor(async () => expect((await api<{ status: string }>(p, 'GET', `/api/v1/missions/${next.body.missions[0]!.id}`)).body.status).toBe('completed'), { timeout: 90_000, interval: 200 });
    expect((await droneOf(home.droneId)).phase).toBe('docked');
    expect(rec.violations()).toEqual([]);
  });
});
