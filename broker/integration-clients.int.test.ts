import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../kernel/logger.js';
import { startMqttNotifier } from '../rules-engine/notify/index.js';
import { alertNotice } from '../rules-engine/notify/testing.js';
import { gasDevice, startTestBroker, subackCodes, TestIntegrations, type TestBroker } from './testing.js';

const OPS = 'integration:ops';

describe('MQTT platform namespace: read-only integration clients', () => {
  const open: TestBroker[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  async function start(withIntegrations = true): Promise<TestBroker> {
    const integrations = new TestIntegrations(new Map([[OPS, 'ops-pass'], ['integration:bi', 'bi-pass']]));
    const tb = await startTestBroker([gasDevice('gas-1')], {}, silentLogger(), withIntegrations ? { integrations } : {});
    open.push(tb);
    return tb;
  }

  const reader = (tb: TestBroker, username = OPS, password = `${username.split(':')[1] ?? ''}-pass`, clientId = username): Promise<MqttClient> =>
    tb.connect(clientId, { username, password });

  it('delivers an emitted AlertNotice on platform/alerts/{severity}/{district} (QoS 1, not retained)', async () => {
    const tb = await start();
    const stop = startMqttNotifier({ bus: tb.bus, log: silentLogger(), publisher: tb.broker });
    const c = await reader(tb);
    expect(await subackCodes(c, ['platform/alerts/#'])).toEqual([1]);
    const got = new Promise<{ topic: string; payload: string; qos: number; retain: boolean }>((resolve) =>
      c.once('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain })),
    );
    const notice = alertNotice({ severity: 'red', district: '370202' });
    tb.bus.emit('alertRaised', notice);
    const m = await got;
    expect(m).toMatchObject({ topic: 'platform/alerts/red/370202', qos: 1, retain: false });
    expect(JSON.parse(m.payload)).toEqual(notice);
    stop();
  });

  it('lets integrations subscribe only under platform/ (SUBACK 0x80 elsewhere), and never devices', async () => {
    const tb = await start();
    const c = await reader(tb);
    expect(await subackCodes(c, ['platform/#', 'platform/alerts/+/370202', '#', 'devices/+/telemetry', '$SYS/#', '+/alerts/#'])).toEqual([1, 1, 128, 128, 128, 128]);
    const dev = await tb.connect('gas-1');
    expect(await subackCodes(dev, ['platform/#', 'platform/alerts/red/370202'])).toEqual([128, 128]);
  });

  it('drops what an integration client publishes (acknowledged, counted, delivered to nobody)', async () => {
    const tb = await start();
    const listener = await reader(tb, 'integration:bi');
    await subackCodes(listener, ['platform/#']);
    const dev = await tb.connect('gas-1');
    await subackCodes(dev, ['devices/gas-1/commands/+']);
    const messages: string[] = [];
    listener.on('message', (t) => messages.push(t));
    dev.on('message', (t) => messages.push(t));
    const c = await reader(tb);
    await c.publishAsync('platform/alerts/red/370202', '{"fake":true}', { qos: 1 });
    await c.publishAsync('devices/gas-1/commands/valve', '{"id":"x","params":{}}', { qos: 1 });
    expect(tb.broker.stats().aclDenied.publish).toBe(2);
    // A later platform message arrives, the forged ones never did.
    await tb.broker.publishPlatform('platform/alerts/blue/370202', '{}');
    await vi.waitFor(() => expect(messages).toEqual(['platform/alerts/blue/370202']));
    expect(c.connected).toBe(true);
  });

  it('refuses bad integration credentials, a device client id, and integrations when the namespace is off', async () => {
    const tb = await start();
    expect((await tb.connectError({ clientId: OPS, username: OPS, password: 'wrong' })).code).toBe(4);
    // Taking a device's client id would make aedes kick the device off.
    expect((await tb.connectError({ clientId: 'gas-1', username: OPS, password: 'ops-pass' })).code).toBe(5);
    const ok = await reader(tb, OPS, 'ops-pass', `${OPS}/dashboard-2`);
    expect(ok.connected).toBe(true);
    const off = await start(false);
    expect((await off.connectError({ clientId: OPS, username: OPS, password: 'ops-pass' })).code).toBe(4);
  });

  it('refuses platform publishes outside platform/ and closes a deleted integration', async () => {
    const tb = await start();
    await expect(tb.broker.publishPlatform('devices/gas-1/commands/x', '{}')).rejects.toMatchObject({ code: 'INTERNAL' });
    const c = await reader(tb);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    tb.broker.closeIntegration(OPS);
    await closed;
  });
});

