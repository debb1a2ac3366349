/**
 * Issue #5: "An alert dispatch launches the nearest dock's drone to the alert location and back, end to end" —
 * over real MAVLink: the demo platform (CITYBRAIN_DEMO=on) with simulated vehicles on loopback UDP at 25×,
 * a gas device near the Shinan demo dock reports 60 %LEL → red alert → POST dispatch → the simulated
 * vehicle flies the point inspection and lands; an SSE client sees the mission through to `completed` and
 * live drone positions along the way.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { DroneStateChange, MissionChange } from '../../kernel/events.js';
import { SseReader } from '../../rules-engine/notify/testing.js';
import type { SimVehicle } from '../../simulators/index.js';
import { api, bootDemoPlatform, connectDevice, provision, TOKEN } from './helpers.js';

let p: Platform;
let vehicles: SimVehicle[] = [];
let sse: SseReader | undefined;

beforeAll(async () => {
  ({ p, vehicles } = await bootDemoPlatform());
}, 30_000);
afterAll(async () => {
  sse?.close();
  await p?.stop();
});

describe('e2e: alert → dispatch → flown by a simulated MAVLink vehicle', () => {
  it('sends the nearest demo dock’s drone to the alert and back', async () => {
    const shinan = p.demoDocks.find((d) => d.district === '370202')!;
    const dock = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${shinan.dockId}`)).body.location;
    sse = await SseReader.open(`${p.http.url}/api/v1/stream?types=alert,mission,drone&token=${TOKEN}`);

    // ~200 m east of the dock, still in Shinan.
    const id = 'GW-MAV-1';
    const device = await connectDevice(p, await provision(p, id, 'gas', dock.lon + 0.002, dock.lat));
    await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 60 } }), { qos: 1 });
    await device.endAsync();
    const alert = await vi.waitFor(async () => {
      const a = (await api<{ items: { id: string; severity: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`)).body.items[0];
      if (!a) throw new Error('no alert yet');
      return a;
    }, { timeout: 5_000, interval: 20 });
    expect(alert.severity).toBe('red');

    const sent = await api<{ mission: { id: string }; dockId: string; etaS: number }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(alert.id)}/dispatch`, { by: 'duty-2' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.dockId).toBe(shinan.dockId); // the nearest dock
    const missionId = sent.body.mission.id;

    const done = await sse.find(
      (f) => f.event === 'mission' && (JSON.parse(f.data ?? '{}') as MissionChange).missionId === missionId && /"to":"(completed|aborted|failed)"/.test(f.data ?? ''),
    );
    expect(JSON.parse(done.data ?? '')).toMatchObject({ missionId, to: 'completed', alertId: alert.id });
    const steps = sse.events('mission').map((f) => JSON.parse(f.data ?? '') as MissionChange).filter((c) => c.missionId === missionId).map((c) => c.to);
    expect(steps).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);

    // Live positions came from the vehicle over MAVLink, and it went out towards the alert.
    const track = sse.events('drone').map((f) => JSON.parse(f.data ?? '') as DroneStateChange).filter((s) => s.missionId === missionId && s.position);
    expect(track.length).toBeGreaterThan(2);
    expect(Math.max(...track.map((s) => s.position!.lon))).toBeGreaterThan(dock.lon + 0.001);
    expect(Math.max(...track.map((s) => s.position!.altM))).toBeGreaterThan(20);
    // And the vehicle itself is back on the ground, disarmed.
    const v = vehicles[p.demoDocks.indexOf(shinan)]!;
    await vi.waitFor(() => expect(v.flight.armed).toBe(false), { timeout: 10_000, interval: 50 });
    // Link health in /metrics: every demo vehicle's link is up, with a fresh heartbeat.
    const metrics = await (await fetch(`${p.http.url}/metrics`)).text();
    expect(metrics).toContain(`citybrain_mavlink_links{health="ok"} ${p.demoDocks.length}`);
    const age = new RegExp(`citybrain_mavlink_heartbeat_age_seconds\\{drone="${shinan.droneId}"\\} ([\\d.e-]+)`).exec(metrics)?.[1];
    expect(Number(age)).toBeLessThan(10);
  });
});
