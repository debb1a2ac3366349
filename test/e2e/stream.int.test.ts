/**
 * Notifications end to end (issue #3): one emitted alert reaches the SSE stream, a signed webhook and
 * an MQTT integration client; a device connecting shows up as presence on the stream.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { alertNotice, SseReader, WebhookReceiver } from '../../rules-engine/notify/testing.js';
import { ALL_ENGINES, api, bootPlatform, connectDevice, provision, TOKEN, type EngineSetup } from './helpers.js';

describe.each(ALL_ENGINES)('e2e: stream, webhooks and the MQTT platform namespace: %s', (_name, engines) => {
  let setup: EngineSetup | undefined;
  let p: Platform;
  const rx = new WebhookReceiver();
  let sse: SseReader | undefined;
  let integration: mqtt.MqttClient | undefined;
  let device: mqtt.MqttClient | undefined;

  beforeAll(async () => {
    setup = await engines();
    p = await bootPlatform(setup.env);
  });
  afterAll(async () => {
    sse?.close();
    await integration?.endAsync(true);
    await device?.endAsync(true);
    await rx.close();
    await p?.stop();
    await setup?.stop();
  });

  it('delivers presence and an alert to the SSE client, the webhook receiver and the MQTT integration client', async () => {
    const hook = await api<{ webhook: { id: string }; secret: string }>(p, 'POST', '/api/v1/webhooks', { url: await rx.listen(), filter: { minSeverity: 'yellow' } });
    expect(hook.status).toBe(201);
    rx.secret = hook.body.secret;
    const listed = await api<{ items: Record<string, unknown>[] }>(p, 'GET', '/api/v1/webhooks');
    expect(listed.body.items[0]).not.toHaveProperty('secret');

    const created = await api<{ credentials: { username: string; password: string } }>(p, 'POST', '/api/v1/integrations', { name: 'ops' });
    expect(created.status).toBe(201);
    const { username, password } = created.body.credentials;
    expect(username).toBe('integration:ops');
    integration = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, { clientId: username, username, password, reconnectPeriod: 0 });
    await integration.subscribeAsync('platform/alerts/#', { qos: 1 });
    const mqttMessage = new Promise<{ topic: string; payload: string }>((resolve) =>
      integration?.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })),
    );

    sse = await SseReader.open(`${p.http.url}/api/v1/stream?token=${TOKEN}`);
    expect(sse.status).toBe(200);
    const presence = sse.find((f) => f.event === 'presence');
    device = await connectDevice(p, await provision(p, 'gas-e2e-1', 'gas'));
    expect(JSON.parse((await presence).data ?? '')).toMatchObject({ deviceId: 'gas-e2e-1', online: true, reason: 'connect', district: '370202' });

    const notice = alertNotice({ severity: 'red', district: '370202', message: 'e2e alert' });
    const alertFrame = sse.find((f) => f.event === 'alert');
    p.bus.emit('alertRaised', notice);

    expect(JSON.parse((await alertFrame).data ?? '')).toEqual(notice);
    const m = await mqttMessage;
    expect(m.topic).toBe('platform/alerts/red/370202');
    expect(JSON.parse(m.payload)).toEqual(notice);
    await rx.count(1);
    expect(rx.received[0]?.signatureOk).toBe(true);
    expect(JSON.parse(rx.received[0]?.body ?? '')).toMatchObject({ event: 'alert.opened', alert: { message: 'e2e alert' } });
    await vi.waitFor(async () => {
      const log = await api<{ items: { status: string; attempts: number }[] }>(p, 'GET', `/api/v1/webhooks/${hook.body.webhook.id}/deliveries`);
      expect(log.body.items).toMatchObject([{ status: 'delivered', attempts: 1 }]);
    });
    expect(await (await fetch(`${p.http.url}/metrics`)).text()).toMatch(/citybrain_stream_clients 1/);
  });

  it('keeps integration clients read-only and devices out of platform/#', async () => {
    expect((await api(p, 'POST', '/api/v1/integrations', { name: 'ops' })).status).toBe(409);
    const del = await api(p, 'DELETE', '/api/v1/webhooks/nope');
    expect(del).toMatchObject({ status: 404, body: { error: { code: 'WEBHOOK_NOT_FOUND' } } });
    const granted = await device?.subscribeAsync('platform/#', { qos: 1 }).catch((e: { packet?: { granted?: number[] } }) => e.packet?.granted);
    expect(JSON.stringify(granted)).toMatch(/128/);
  });
});
