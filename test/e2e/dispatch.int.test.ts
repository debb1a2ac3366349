/**
 * The closed loop end to end (issue #4 "From an alert", architecture.md "detect → alert → impact area →
 * nearest resources → dispatch → inspect"): a dock and drone in Shinan, a gas device next to it reports
 * 60 %LEL over MQTT → red alert listing the dock as available with an ETA → POST dispatch → the mission
 * flies (fake link) and an SSE client and an MQTT integration client see it through to `completed` → the
 * audit trail and KPIs show the dispatch. Then the automatic policy (CITYBRAIN_AUTO_DISPATCH=red).
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { MissionChange } from '../../kernel/events.js';
import { SseReader } from '../../rules-engine/notify/testing.js';
import { ALL_ENGINES, api, bootPlatform, connectDevice, provision, TOKEN, type EngineSetup } from './helpers.js';

interface DockItem { dockId: string; available: boolean; etaS?: number; distanceM: number; reasons: { code: string }[] }
interface AlertBody {
  id: string;
  severity: string;
  status: string;
  dispatchedAt: number | null;
  resources: { docks: { available: string; items: DockItem[] } } | null;
  audit: { action: string; actor: string; to?: string }[];
  comments: { by: string; text: string }[];
  kpis: { ttdMs: number | null };
}

async function registerDock(p: Platform, id: string, lon: number, lat: number): Promise<void> {
  expect((await api(p, 'POST', '/api/v1/docks', { id, location: { lon, lat } })).status).toBe(201);
  expect((await api(p, 'POST', '/api/v1/drones', { id: `${id}-uav`, typeId: 'dock-multirotor', dockId: id })).status).toBe(201);
}

/** Provisions a gas device, publishes one reading, and returns the alert it opened. */
async function gasAlert(p: Platform, id: string, lon: number, lat: number, lel: number): Promise<AlertBody> {
  const device = await connectDevice(p, await provision(p, id, 'gas', lon, lat));
  await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: lel } }), { qos: 1 });
  await device.endAsync();
  return vi.waitFor(async () => {
    const list = await api<{ items: AlertBody[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}`);
    const a = list.body.items[0];
    if (!a) throw new Error('no alert yet');
    return a;
  }, { timeout: 5_000, interval: 20 });
}

const detail = async (p: Platform, id: string) => (await api<AlertBody>(p, 'GET', `/api/v1/alerts/${encodeURIComponent(id)}`)).body;

describe.each(ALL_ENGINES)('e2e: from an alert to a drone dispatch: %s', (_name, engines) => {
  let setup: EngineSetup | undefined;
  let p: Platform;
  let sse: SseReader | undefined;
  let integration: mqtt.MqttClient | undefined;
  beforeAll(async () => {
    setup = await engines();
    p = await bootPlatform(setup.env);
  });
  afterAll(async () => {
    sse?.close();
    await integration?.endAsync(true);
    await p?.stop();
    await setup?.stop();
  });

  it('lists the dock with an ETA, dispatches on POST, streams the mission to completed and records the dispatch', async () => {
    await registerDock(p, 'shinan-01', 120.38, 36.065);
    const created = await api<{ credentials: { username: string; password: string } }>(p, 'POST', '/api/v1/integrations', { name: 'dispatch-board' });
    const { username, password } = created.body.credentials;
    integration = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, { clientId: username, username, password, reconnectPeriod: 0 });
    await integration.subscribeAsync('platform/missions/#', { qos: 1 });
    const mqttMissions: { topic: string; change: MissionChange }[] = [];
    integration.on('message', (topic, payload) => mqttMissions.push({ topic, change: JSON.parse(payload.toString()) as MissionChange }));
    sse = await SseReader.open(`${p.http.url}/api/v1/stream?types=alert,mission,drone&token=${TOKEN}`);
    expect(sse.status).toBe(200);

    // ~150 m from the dock: inside Shinan (370202), red at ≥ 50 %LEL (GB/T 50493-2019 level 2).
    const a = await gasAlert(p, 'GW-D1', 120.381, 36.066, 60);
    expect(a).toMatchObject({ severity: 'red', status: 'open', dispatchedAt: null });
    const before = await detail(p, a.id);
    expect(before.resources!.docks.available).toBe('yes');
    expect(before.resources!.docks.items[0]).toMatchObject({ dockId: 'shinan-01', available: true, reasons: [] });
    expect(before.resources!.docks.items[0]!.etaS).toBeGreaterThan(0);

    const sent = await api<{ mission: { id: string; status: string; dockId: string; alertId: string }; dockId: string; etaS: number; alert: AlertBody }>(
      p, 'POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/dispatch`, { by: 'duty-1' },
    );
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ dockId: 'shinan-01', mission: { status: 'scheduled', dockId: 'shinan-01', alertId: a.id }, alert: { id: a.id } });
    expect(sent.body.alert.dispatchedAt).toBeGreaterThan(0);
    const missionId = sent.body.mission.id;

    const completed = await sse.find((f) => f.event === 'mission' && (JSON.parse(f.data ?? '{}') as MissionChange).missionId === missionId && f.data!.includes('"to":"completed"'));
    expect(JSON.parse(completed.data ?? '')).toMatchObject({ missionId, to: 'completed', alertId: a.id, dockId: 'shinan-01' });
    const steps = sse.events('mission').map((f) => JSON.parse(f.data ?? '') as MissionChange).filter((c) => c.missionId === missionId).map((c) => c.to);
    expect(steps).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);
    expect(sse.events('drone').some((f) => (JSON.parse(f.data ?? '') as { missionId?: string }).missionId === missionId)).toBe(true);
    expect(sse.events('alert').some((f) => f.data!.includes('"action":"dispatched"'))).toBe(true);
    await vi.waitFor(() => expect(mqttMissions.some((m) => m.topic === 'platform/missions/completed' && m.change.missionId === missionId)).toBe(true));

    const after = await detail(p, a.id);
    const step = after.audit.find((e) => e.action === 'dispatched');
    expect(step).toMatchObject({ actor: 'admin-token' }); // the authenticated caller, not the body's `by`
    expect(step!.to).toContain(`mission ${missionId} from dock shinan-01`);
    expect(after.kpis.ttdMs).toBeGreaterThanOrEqual(0);
    const k = await api<{ ttd: { n: number } }>(p, 'GET', '/api/v1/alerts/kpis');
    expect(k.body.ttd.n).toBe(1);
  });

  it('answers 409 DOCK_UNAVAILABLE with every dock\'s reasons, and 409 for a resolved alert', async () => {
    expect((await api(p, 'PUT', '/api/v1/docks/shinan-01/state', { status: 'maintenance' })).status).toBe(200);
    const a = await gasAlert(p, 'GW-D2', 120.382, 36.066, 55);
    const d = await detail(p, a.id);
    expect(d.resources!.docks).toMatchObject({ available: 'no', items: [{ dockId: 'shinan-01', available: false, reasons: [{ code: 'maintenance' }] }] });
    const refused = await api<{ error: { code: string; details: { rejected: { dockId: string; reasons: { code: string }[] }[] } } }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/dispatch`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'DOCK_UNAVAILABLE', details: { rejected: [{ dockId: 'shinan-01', reasons: [{ code: 'maintenance' }] }] } });
    expect((await detail(p, a.id)).dispatchedAt).toBeNull();

    expect((await api(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/resolve`)).status).toBe(200);
    const late = await api<{ error: { code: string } }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/dispatch`);
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'ALERT_TRANSITION_INVALID' } } });
  });
});

describe('e2e: automatic dispatch (CITYBRAIN_AUTO_DISPATCH=red)', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await bootPlatform({ CITYBRAIN_AUTO_DISPATCH: 'red' });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('dispatches a red alert without a POST, leaves an orange one alone, and records a refusal as a comment', async () => {
    const changes: MissionChange[] = [];
    p.bus.on('missionChanged', (c) => changes.push(c));
    await registerDock(p, 'shinan-02', 120.38, 36.065);

    const orange = await gasAlert(p, 'GW-A0', 120.379, 36.066, 30);
    expect(orange.severity).toBe('orange');

    const red = await gasAlert(p, 'GW-A1', 120.381, 36.066, 60);
    const done = await vi.waitFor(() => {
      const c = changes.find((x) => x.alertId === red.id && x.to === 'completed');
      if (!c) throw new Error(`no completed mission for the alert yet: ${changes.map((x) => x.to).join(',')}`);
      return c;
    }, { timeout: 30_000, interval: 50 });
    expect(done.dockId).toBe('shinan-02');
    const d = await detail(p, red.id);
    expect(d.dispatchedAt).toBeGreaterThan(0);
    expect(d.audit.filter((e) => e.action === 'dispatched')).toMatchObject([{ actor: 'system' }]);
    expect(d.audit.find((e) => e.action === 'dispatched')!.to).toContain(`mission ${done.missionId}`);
    expect((await detail(p, orange.id)).dispatchedAt).toBeNull();
    expect(changes.some((c) => c.alertId === orange.id)).toBe(false);

    expect((await api(p, 'PUT', '/api/v1/docks/shinan-02/state', { status: 'offline' })).status).toBe(200);
    const refused = await gasAlert(p, 'GW-A2', 120.382, 36.066, 70);
    const withComment = await vi.waitFor(async () => {
      const x = await detail(p, refused.id);
      if (x.comments.length === 0) throw new Error('no comment yet');
      return x;
    }, { timeout: 5_000, interval: 20 });
    expect(withComment.comments).toMatchObject([{ by: 'system', text: expect.stringContaining('automatic dispatch failed — DOCK_UNAVAILABLE') as unknown }]);
    expect(withComment.dispatchedAt).toBeNull();
  });
});
