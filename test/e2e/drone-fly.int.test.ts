/**
 * Missions actually flown (issue #5 part 3): the platform with CITYBRAIN_DEMO=on, simulated MAVLink
 * vehicles on loopback UDP at 25× time, docks and drones registered by the demo, missions over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { MissionChange } from '../../kernel/events.js';
import type { SimVehicle } from '../../simulators/index.js';
import { api, bootDemoPlatform } from './helpers.js';

let p: Platform;
let vehicles: SimVehicle[] = [];
const changes: MissionChange[] = [];

beforeAll(async () => {
  ({ p, vehicles } = await bootDemoPlatform({ mavlink: { staleMs: 700, lostMs: 1500 } }));
  p.bus.on('missionChanged', (e) => changes.push(e));
}, 30_000);
afterAll(async () => {
  await p?.stop();
});

function dockOf(district: string) {
  const d = p.demoDocks.find((x) => x.district === district);
  if (!d) throw new Error(`no demo dock in ${district}`);
  const i = p.demoDocks.indexOf(d);
  return { ...d, vehicle: vehicles[i] as SimVehicle };
}

async function corridor(dockId: string, dx = 0.004): Promise<string> {
  const dock = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${dockId}`)).body.location;
  const pattern = { kind: 'corridor', line: { type: 'LineString', coordinates: [[dock.lon + 0.0005, dock.lat], [dock.lon + dx, dock.lat]] }, widthM: 30, spacingM: 30, altM: 40 };
  const r = await api<{ missions: { id: string }[] }>(p, 'POST', '/api/v1/missions', { dockId, pattern, schedule: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.missions[0]!.id;
}

const ended = (id: string) => changes.find((c) => c.missionId === id && ['completed', 'aborted', 'failed'].includes(c.to));
async function until(id: string, to: string): Promise<MissionChange> {
  await vi.waitFor(() => expect(ended(id)?.to).toBe(to), { timeout: 20_000, interval: 50 });
  return ended(id)!;
}
async function docked(dockId: string): Promise<void> {
  await vi.waitFor(async () => expect((await api<{ status: string }>(p, 'GET', `/api/v1/docks/${dockId}`)).body.status).toBe('idle'), { timeout: 10_000, interval: 100 });
}

describe('missions flown by simulated MAVLink vehicles', () => {
  it('starts one demo dock and drone per core district, linked over UDP', () => {
    expect(p.demoDocks.map((d) => d.district).sort()).toEqual(['370202', '370203', '370212', '370213']);
    expect(p.demoDocks.every((d) => /^udp:\/\/127\.0\.0\.1:\d+$/.test(d.address))).toBe(true);
    expect(p.banner().join('\n')).toMatch(/demo docks +4 simulated MAVLink docks/);
  });

  it('flies a corridor patrol: upload, take-off, waypoints, return, land; telemetry history recorded', async () => {
    const d = dockOf('370202');
    const t0 = Date.now();
    const id = await corridor(d.dockId);
    await until(id, 'completed');
    const m = await api<{ history: { from: string | null; to: string; note?: string | null }[]; progressSeq: number | null }>(p, 'GET', `/api/v1/missions/${id}`);
    // Status changes (rows that keep the status are notes: link, failsafe, return, intent extension).
    expect(m.body.history.filter((h) => h.from !== h.to).map((h) => h.to), JSON.stringify(m.body.history)).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);
    await vi.waitFor(async () => {
      const h = await api<{ points: { lon: number; altM: number; batteryPct: number; flying: boolean }[] }>(p, 'GET', `/api/v1/drones/${d.droneId}/telemetry?from=${t0}&to=${Date.now() + 1000}`);
      expect(h.status).toBe(200);
      expect(h.body.points.filter((x) => x.flying && x.altM > 20).length).toBeGreaterThan(2);
    }, { timeout: 5000, interval: 100 });
  });

  it('returns the drone and aborts the mission on a geofence breach (a zone declared during the flight)', async () => {
    const d = dockOf('370203');
    const dock = await p.droneOps.service.dock(d.dockId);
    const id = await corridor(d.dockId, 0.006);
    await vi.waitFor(() => expect(changes.some((c) => c.missionId === id && c.to === 'in_flight')).toBe(true), { timeout: 10_000, interval: 20 });
    await p.droneOps.service.putZone({ id: 'tfr-1', footprint: { type: 'Circle', center: { lon: dock.location.lon + 0.004, lat: dock.location.lat }, radiusM: 120 }, floorM: 0, ceilingM: 300 });
    const end = await until(id, 'aborted');
    // Recalled before it gets there: the way ahead is re-checked whenever the airspace changes.
    expect(end.note).toMatch(/^(AIRSPACE_CHANGED in flight: .*tfr-1|geofence breach at .*inside no-fly zone tfr-1)/);
    await p.droneOps.service.deleteZone('tfr-1');
    await docked(d.dockId);
  });

  it('returns on low battery', async () => {
    const d = dockOf('370212');
    const id = await corridor(d.dockId, 0.006);
    await vi.waitFor(() => expect(changes.some((c) => c.missionId === id && c.to === 'in_flight')).toBe(true), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(d.vehicle.flight.armed).toBe(true), { timeout: 5000, interval: 10 });
    d.vehicle.flight.battery = 24;
    const end = await until(id, 'aborted');
    expect(end.note).toMatch(/^low battery: /);
    d.vehicle.flight.battery = 100;
    await docked(d.dockId);
  });

  it('fails with the reason when the vehicle NACKs the upload', async () => {
    const d = dockOf('370213');
    d.vehicle.faults.missionNack = 1;
    const id = await corridor(d.dockId);
    const end = await until(id, 'failed');
    d.vehicle.faults.missionNack = undefined;
    // The vehicle refuses the first upload it gets: the on-board fence, sent before the mission.
    expect(end.note).toMatch(/^(FENCE_REFUSED: .*|upload failed: mission upload refused: ERROR)/);
  });

  it('notes a lost link on the mission and raises an alert; resumes from the last reached item', async () => {
    const d = dockOf('370213');
    await docked(d.dockId);
    const id = await corridor(d.dockId, 0.006);
    await vi.waitFor(async () => expect((await p.droneOps.service.mission(id)).progressSeq ?? 0, JSON.stringify(await p.droneOps.service.history(id))).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 20 });
    d.vehicle.faults.linkDown = true;
    await vi.waitFor(async () => expect((await p.droneOps.service.mission(id)).note).toMatch(/^link lost/), { timeout: 5000, interval: 50 });
    await vi.waitFor(async () => {
      const alerts = await api<{ items?: { subject: string; message: string }[] } | { subject: string; message: string }[]>(p, 'GET', '/api/v1/alerts');
      const list = Array.isArray(alerts.body) ? alerts.body : (alerts.body.items ?? []);
      expect(list.some((a) => a.subject === `drone:${d.droneId}` && /link lost/.test(a.message))).toBe(true);
    }, { timeout: 5000, interval: 100 });
    d.vehicle.faults.linkDown = false;
    // The link came back after the interruption: abort, then resume from the breakpoint.
    await api(p, 'POST', `/api/v1/missions/${id}/cancel`);
    // The link came back: the flight is not failed, it ends as the operator asked.
    expect((await until(id, 'aborted')).note).toMatch(/^(cancelled by operator|vehicle failsafe)/);
    const reached = (await p.droneOps.service.mission(id)).progressSeq!;
    await docked(d.dockId);
    const r = await api<{ id: string; status: string }>(p, 'POST', `/api/v1/missions/${id}/resume`);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const resumed = await p.droneOps.service.mission(r.body.id);
    const original = await p.droneOps.service.mission(id);
    expect(resumed.plan.items.length).toBe(original.plan.items.length - (reached - 2));
    expect(resumed.plan.items[2]!.x).toBe(original.plan.items[reached]!.x);
    await until(r.body.id, 'completed');
  });
});
