/**
 * The closed loop end to end, embedded and on real engines (PostgreSQL, InfluxDB): MQTT reading → rules engine → stored alert with
 * impact area and resources → HTTP ack / resolve; a silent device raises "offline" (deadman with the
 * interval overridden by the device tag `interval_ms=500`); a backtest over a stored series.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { api, bootPlatform, connectDevice, type Provisioned, ENGINE_CONFIGURATIONS } from './helpers.js';

interface AlertBody {
  id: string;
  ruleId: string;
  subject: string;
  status: string;
  severity: string;
  responseLevel: string;
  impact: { radiusM: number; devices: { deviceId: string }[]; districts: string[]; area: { geometry: { type: string } } } | null;
  resources: { sensors: { deviceId: string }[]; docks: { available: string; items: unknown[] } } | null;
  audit?: { action: string; actor: string }[];
}

async function provisionWith(p: Platform, id: string, kind: string, lon: number, lat: number, tags: string[] = []): Promise<Provisioned> {
  const r = await api<{ credentials: { password: string } }>(p, 'POST', '/api/v1/devices', { id, kind, location: { lon, lat }, tags });
  if (r.status !== 201) throw new Error(`provision ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return { id, password: r.body.credentials.password };
}

const alertsOf = async (p: Platform, q: string) => (await api<{ items: AlertBody[]; total: number }>(p, 'GET', `/api/v1/alerts?${q}`)).body.items;


describe.each(ENGINE_CONFIGURATIONS)('alerts end to end: %s', (_name, env) => {
  let p: Platform;
  beforeAll(async () => {
    p = await bootPlatform(await env());
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('a gas reading of 27 %LEL over MQTT becomes an orange alert with impact area and resources; ack → resolve', async () => {
    const d = await provisionWith(p, 'GW-0412', 'gas', 120.38, 36.07);
    // A neighbour ~100 m away that reports normally: it falls inside the impact area and is the nearest sensor.
    const n = await connectDevice(p, await provisionWith(p, 'GW-0413', 'gas', 120.381, 36.0705));
    await n.publishAsync('devices/GW-0413/telemetry', JSON.stringify({ metrics: { ch4_lel: 0 } }), { qos: 1 });
    await n.endAsync();
    const c = await connectDevice(p, d);
    const sent = Date.now();
    await c.publishAsync('devices/GW-0412/telemetry', JSON.stringify({ seq: 1, metrics: { ch4_lel: 27 } }), { qos: 1 });
    const a = await vi.waitFor(async () => {
      const [x] = await alertsOf(p, 'deviceId=GW-0412&status=open');
      if (!x) throw new Error('no alert yet');
      return x;
    }, { timeout: 1_000, interval: 20 });
    expect(Date.now() - sent).toBeLessThan(1_000);
    expect(a).toMatchObject({ ruleId: 'gas.ch4', severity: 'orange', responseLevel: 'II' });
    expect(a.impact).toMatchObject({ radiusM: 200, districts: ['370202'] });
    expect(a.impact!.area.geometry.type).toBe('Polygon');
    expect(a.impact!.devices.map((x) => x.deviceId)).toEqual(['GW-0412', 'GW-0413']);
    // drone-ops is wired but no dock is registered in this platform: docks are known to be unavailable.
    expect(a.resources).toMatchObject({ sensors: [{ deviceId: 'GW-0413' }], docks: { available: 'no', items: [] } });

    // Alert ids go into a URL path as they are (only unreserved characters).
    const id = a.id;
    expect(id).toMatch(/^al-\d+-[0-9a-f]{16}$/);
    expect((await api(p, 'POST', `/api/v1/alerts/${id}/ack`, { by: 'duty-1' })).status).toBe(200);
    expect((await api(p, 'POST', `/api/v1/alerts/${id}/ack`)).body).toMatchObject({ error: { code: 'ALERT_TRANSITION_INVALID' } });
    const disp = await api<{ error: { code: string; details: { rejected: unknown[] } } }>(p, 'POST', `/api/v1/alerts/${id}/dispatch`);
    expect(disp.status).toBe(409);
    expect(disp.body.error).toMatchObject({ code: 'DOCK_UNAVAILABLE', details: { rejected: [] } });
    const res = await api<AlertBody>(p, 'POST', `/api/v1/alerts/${id}/resolve`, { note: 'vented' });
    expect(res.body.status).toBe('resolved');
    const detail = await api<AlertBody>(p, 'GET', `/api/v1/alerts/${id}`);
    // The history names the authenticated caller (here the bootstrap admin token); the body's `by` is ignored.
    expect(detail.body.audit!.map((e) => [e.action, e.actor])).toEqual([['opened', 'system'], ['acknowledged', 'admin-token'], ['resolved', 'admin-token']]);
    expect((await api(p, 'GET', '/api/v1/alerts/nope')).status).toBe(404);
    const k = await api<{ tta: { n: number } }>(p, 'GET', '/api/v1/alerts/kpis');
    expect(k.body.tta.n).toBeGreaterThanOrEqual(1);
    await c.endAsync();
  });

  it('a device that goes silent raises "offline" (deadman, interval from the device tag)', async () => {
    const d = await provisionWith(p, 'DR-7', 'drainage', 120.39, 36.08, ['interval_ms=500', 'depth_m=2']);
    const c = await connectDevice(p, d);
    await c.publishAsync('devices/DR-7/telemetry', JSON.stringify({ metrics: { level_m: 0.2 } }), { qos: 1 });
    await c.endAsync();
    // 3 × 500 ms of silence, seen by the next 1 s tick.
    const a = await vi.waitFor(async () => {
      const [x] = await alertsOf(p, 'deviceId=DR-7');
      if (!x) throw new Error('no alert yet');
      return x;
    }, { timeout: 6_000, interval: 100 });
    expect(a).toMatchObject({ ruleId: 'device.offline', severity: 'yellow', status: 'open' });
  });

  it('rules, silences and incidents over HTTP; a backtest returns the alerts for a stored series', async () => {
    const rules = await api<{ items: { id: string; version: number }[] }>(p, 'GET', '/api/v1/rules');
    expect(rules.body.items.map((r) => r.id)).toContain('gas.ch4');
    const bad = await api<{ ok: boolean; errors: { path: string }[] }>(p, 'POST', '/api/v1/rules/validate', { id: 'x', name: 'x', kind: 'threshold', scope: { deviceKind: 'gas' }, metric: 'ch4_ppm', direction: 'above', levels: { red: 5 } });
    expect(bad.body).toMatchObject({ ok: false, errors: [{ path: '/metric' }] });
    const created = await api<{ version: number }>(p, 'POST', '/api/v1/rules', { id: 'gas.bt', name: 'gas backtest', kind: 'threshold', scope: { deviceId: 'GW-BT' }, metric: 'ch4_lel', direction: 'above', levels: { yellow: 15, red: 40 }, clear: { absolute: 2 } });
    expect(created).toMatchObject({ status: 201, body: { version: 1 } });
    const put = await api<{ version: number }>(p, 'PUT', '/api/v1/rules/gas.bt', { name: 'gas backtest', kind: 'threshold', scope: { deviceId: 'GW-BT' }, metric: 'ch4_lel', direction: 'above', levels: { yellow: 10, red: 40 }, clear: { absolute: 2 } });
    expect(put.body.version).toBe(2);

    const d = await provisionWith(p, 'GW-BT', 'gas', 120.45, 36.1);
    const c = await connectDevice(p, d);
    const base = Date.now() - 10 * 60_000;
    const values = [0, 5, 12, 14, 3, 45, 20, 1];
    await c.publishAsync('devices/GW-BT/telemetry', JSON.stringify({ samples: values.map((v, i) => ({ ts: base + i * 30_000, seq: i, metrics: { ch4_lel: v } })) }), { qos: 1 });
    await c.endAsync();
    const bt = await api<{ alerts: AlertBody[]; readings: number }>(p, 'POST', `/api/v1/rules/gas.bt/backtest?from=${base}&to=${Date.now()}`);
    expect(bt.status).toBe(200);
    expect(bt.body.readings).toBe(8);
    // 12 opens yellow, 3 clears it, 45 reopens the same alert as red, 1 clears it again.
    expect(bt.body.alerts.map((a) => [a.subject, a.severity, a.status])).toEqual([['GW-BT', 'red', 'resolved']]);
    expect((await api(p, 'POST', `/api/v1/rules/nope/backtest?from=${base}`)).status).toBe(404);

    const s = await api<{ id: string }>(p, 'POST', '/api/v1/silences', { matchers: { district: '370202' }, endsAt: Date.now() + 3_600_000, comment: 'works' });
    expect(s.status).toBe(201);
    expect((await api<{ items: unknown[] }>(p, 'GET', '/api/v1/silences')).body.items).toHaveLength(1);
    expect((await api(p, 'DELETE', `/api/v1/silences/${s.body.id}`)).status).toBe(204);
    expect((await api(p, 'DELETE', `/api/v1/silences/${s.body.id}`)).status).toBe(404);
    const inc = await api<{ items: { devices: string[] }[] }>(p, 'GET', '/api/v1/incidents');
    expect(inc.status).toBe(200);
    expect(inc.body.items.flatMap((i) => i.devices)).toContain('DR-7');
    expect((await api(p, 'DELETE', '/api/v1/rules/gas.bt')).status).toBe(204);
    expect((await api(p, 'GET', '/api/v1/rules/gas.bt')).status).toBe(404);
  });
});
