/**
 * District scope through every channel (docs/access.md "District scope"): a Shinan (370202) operator and
 * integrator beside a Laoshan (370212) alert. Lists, gets, KPIs, incidents, GeoJSON, the SSE stream, an
 * MQTT integration client on platform/#, and a webhook see Shinan only; Laoshan things answer 404.
 * The alert history and the audit log name the authenticated person, not the body's `by`.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { SseReader, WebhookReceiver } from '../../rules-engine/notify/testing.js';
import { api, bootPlatform, connectDevice, provision } from './helpers.js';

const PASSWORD = 'shinan harbour lantern';
const SHINAN = '370202';
const LAOSHAN = '370212';

interface Session {
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  cookie: string;
}

async function signIn(p: Platform, username: string): Promise<Session> {
  const res = await fetch(`${p.http.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    cookie,
    async call(method, path, body) {
      const r = await fetch(`${p.http.url}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await r.text();
      return { status: r.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
  };
}

describe('district scope through every channel', () => {
  let p: Platform;
  const rx = new WebhookReceiver();
  const clients: mqtt.MqttClient[] = [];
  const streams: SseReader[] = [];

  beforeAll(async () => {
    p = await bootPlatform();
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    for (const c of clients) await c.endAsync(true);
    await rx.close();
    await p?.stop();
  });

  it('shows a Shinan operator and integrator Shinan only, and answers 404 for Laoshan', async () => {
    for (const [username, role] of [['shinan-op', 'operator'], ['shinan-int', 'integrator']]) {
      expect((await api(p, 'POST', '/api/v1/users', { username, password: PASSWORD, role, districts: [SHINAN] })).status).toBe(201);
    }
    const op = await signIn(p, 'shinan-op');
    const int = await signIn(p, 'shinan-int');

    // Integrator: a webhook and an MQTT client, both confined to Shinan; Laoshan is refused.
    expect((await int.call('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/x', filter: { districts: [LAOSHAN] } })).body).toMatchObject({ error: { code: 'SCOPE_EXCEEDED' } });
    const hook = await int.call<{ webhook: { filter: { districts: string[] } }; secret: string }>('POST', '/api/v1/webhooks', { url: await rx.listen() });
    expect(hook.body.webhook.filter.districts).toEqual([SHINAN]);
    rx.secret = hook.body.secret;
    expect((await int.call('POST', '/api/v1/integrations', { name: 'lao', districts: [LAOSHAN] })).status).toBe(403);
    const created = await int.call<{ integration: { districts: string[] }; credentials: { username: string; password: string } }>('POST', '/api/v1/integrations', { name: 'shinan-feed' });
    expect(created.body.integration.districts).toEqual([SHINAN]);
    const { username, password } = created.body.credentials;
    const feed = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, { clientId: username, username, password, reconnectPeriod: 0 });
    clients.push(feed);
    const topics: string[] = [];
    feed.on('message', (t) => topics.push(t));
    await feed.subscribeAsync('platform/#', { qos: 1 });
    // A city-wide client beside it receives both districts: the filter is the scope, not the subscription.
    const cityFeed = await api<{ credentials: { username: string; password: string } }>(p, 'POST', '/api/v1/integrations', { name: 'city-feed' });
    const city = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, { clientId: cityFeed.body.credentials.username, ...cityFeed.body.credentials, reconnectPeriod: 0 });
    clients.push(city);
    const cityTopics: string[] = [];
    city.on('message', (t) => cityTopics.push(t));
    await city.subscribeAsync('platform/#', { qos: 1 });

    // The operator's stream (session cookie, as a browser sends it) and the admin's.
    const sse = await SseReader.open(`${p.http.url}/api/v1/stream`, { cookie: op.cookie });
    streams.push(sse);
    expect(sse.status).toBe(200);

    // One gas leak in each district.
    for (const [id, lon, lat] of [['GW-S', 120.38, 36.07], ['GW-L', 120.47, 36.11]] as const) {
      const c = await connectDevice(p, await provision(p, id, 'gas', lon, lat));
      clients.push(c);
      await c.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 27 } }), { qos: 1 });
    }
    await vi.waitFor(async () => expect((await api<{ total: number }>(p, 'GET', '/api/v1/alerts')).body.total).toBe(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(cityTopics.filter((t) => t.startsWith('platform/alerts/'))).toHaveLength(2), { timeout: 10_000 });
    await rx.count(1);

    const all = (await api<{ items: { id: string; subject: string }[] }>(p, 'GET', '/api/v1/alerts')).body.items;
    const shinanAlert = all.find((a) => a.subject === 'GW-S')!;
    const laoshanAlert = all.find((a) => a.subject === 'GW-L')!;

    // Lists, gets, KPIs, incidents, districts, devices, readings.
    expect((await op.call<{ items: { id: string }[]; total: number }>('GET', '/api/v1/alerts')).body).toMatchObject({ total: 1, items: [{ id: shinanAlert.id }] });
    expect((await op.call('GET', `/api/v1/alerts?district=${LAOSHAN}`)).body).toMatchObject({ total: 0 });
    expect((await op.call('GET', `/api/v1/alerts/${encodeURIComponent(laoshanAlert.id)}`)).body).toMatchObject({ error: { code: 'ALERT_NOT_FOUND' } });
    expect((await op.call('POST', `/api/v1/alerts/${encodeURIComponent(laoshanAlert.id)}/ack`, {})).status).toBe(404);
    expect((await op.call('POST', `/api/v1/alerts/${encodeURIComponent(laoshanAlert.id)}/dispatch`, {})).status).toBe(404);
    expect((await op.call<{ alerts: number }>('GET', '/api/v1/alerts/kpis')).body.alerts).toBe(1);
    expect((await api<{ alerts: number }>(p, 'GET', '/api/v1/alerts/kpis')).body.alerts).toBe(2);
    const incidents = (await op.call<{ items: { devices: string[] }[] }>('GET', '/api/v1/incidents')).body.items;
    expect(incidents.flatMap((i) => i.devices)).toEqual(['GW-S']);
    const districts = (await op.call<{ features: { properties: { id: string } }[] }>('GET', '/api/v1/districts')).body.features;
    expect(districts.map((f) => f.properties.id)).toEqual([SHINAN]);
    expect((await op.call<{ items: { id: string }[] }>('GET', '/api/v1/devices')).body.items.map((d) => d.id)).toEqual(['GW-S']);
    expect((await op.call('GET', '/api/v1/devices/GW-L')).status).toBe(404);
    expect((await op.call('GET', '/api/v1/devices/GW-L/readings')).status).toBe(404);
    expect((await op.call('GET', '/api/v1/devices/GW-S/readings')).status).toBe(200);
    expect((await int.call('POST', '/api/v1/devices', { kind: 'gas', location: { lon: 120.47, lat: 36.11 } })).body).toMatchObject({ error: { code: 'SCOPE_EXCEEDED' } });
    expect((await int.call('POST', '/api/v1/devices/GW-L/revoke')).status).toBe(404);

    // Acting in scope: the history names the person, not the body's `by`; so does the audit log.
    const ack = await op.call<{ status: string }>('POST', `/api/v1/alerts/${encodeURIComponent(shinanAlert.id)}/ack`, { by: 'mallory', note: 'on it' });
    expect(ack.body.status).toBe('acknowledged');
    const detail = await op.call<{ audit: { action: string; actor: string }[] }>('GET', `/api/v1/alerts/${encodeURIComponent(shinanAlert.id)}`);
    expect(detail.body.audit.find((e) => e.action === 'acknowledged')).toMatchObject({ actor: 'shinan-op' });
    const audit = await api<{ items: { actor: string; route: string; targets: Record<string, string>; status: number }[] }>(p, 'GET', `/api/v1/audit?route=${encodeURIComponent('/api/v1/alerts/:id/ack')}`);
    expect(audit.body.items.map((e) => [e.actor, e.status, e.targets.id])).toEqual([['shinan-op', 200, shinanAlert.id], ['shinan-op', 404, laoshanAlert.id]]);

    // Stream: the Shinan alert and presence, nothing of Laoshan.
    await sse.find((f) => f.event === 'alert' && f.data!.includes('"GW-S"'));
    const streamed = sse.frames.filter((f) => f.event === 'alert' || f.event === 'presence').map((f) => f.data ?? '');
    expect(streamed.some((d) => d.includes('GW-L'))).toBe(false);
    expect(streamed.some((d) => d.includes(`"${LAOSHAN}"`))).toBe(false);
    // MQTT: the scoped client got Shinan's alert and presence only.
    await vi.waitFor(() => expect(topics).toContain(`platform/alerts/orange/${SHINAN}`));
    expect(topics.every((t) => t.includes(`/${SHINAN}`))).toBe(true);
    expect(cityTopics).toContain(`platform/alerts/orange/${LAOSHAN}`);
    // Webhook: Shinan only.
    expect(rx.received.map((r) => r.body).every((b) => b.includes('GW-S') && !b.includes('GW-L'))).toBe(true);
  }, 60_000);
});
