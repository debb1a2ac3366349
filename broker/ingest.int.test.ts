import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reading } from '../kernel/events.js';
import { gasDevice, gasReading, startTestBroker, closed, type TestBroker } from './testing.js';

describe('broker: ingest pipeline over real MQTT', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await startTestBroker([gasDevice('dev1'), gasDevice('dev2')]);
  });
  afterEach(async () => {
    await tb.close();
  });

  it('sends the QoS 1 PUBACK only after the sink resolved, then emits the enriched reading', async () => {
    const c = await tb.connect('dev1');
    const onBus: Reading[] = [];
    tb.bus.on('reading', (r) => onBus.push(r));
    const order: string[] = [];
    tb.sink.hold();
    const sinkCalled = tb.sink.nextWrite();
    const acked = c.publishAsync('devices/dev1/telemetry', gasReading(12.5, 7), { qos: 1 }).then(() => order.push('puback'));
    await sinkCalled;
    // Give an early PUBACK every chance to arrive: a full round trip through the broker on another connection.
    const other = await tb.connect('dev2');
    await other.subscribeAsync('devices/dev2/commands/+', { qos: 1 });
    expect(order).toEqual([]);
    expect(onBus).toEqual([]);
    order.push('sink-resolved');
    tb.sink.release();
    await acked;
    expect(order).toEqual(['sink-resolved', 'puback']);
    expect(tb.sink.readings).toHaveLength(1);
    expect(tb.sink.readings[0]).toMatchObject({
      deviceId: 'dev1', kind: 'gas', seq: 7, metrics: { ch4_lel: 12.5 }, district: '370202', asset: 'well-dev1',
    });
    expect(onBus).toEqual(tb.sink.readings);
    expect(tb.broker.stats().readings).toBe(1);
  });

  it('takes telemetry over WebSocket as well', async () => {
    const c = await tb.connect('dev2', { ws: true });
    await c.publishAsync('devices/dev2/telemetry', JSON.stringify({ samples: [{ metrics: { ch4_lel: 1 } }, { metrics: { ch4_lel: 2 } }] }), { qos: 1 });
    expect(tb.sink.readings.map((r) => r.metrics['ch4_lel'])).toEqual([1, 2]);
  });

  it('records malformed JSON and out-of-range values as violations, acks them, stores nothing bad, keeps going', async () => {
    const c = await tb.connect('dev1');
    const violations: string[] = [];
    tb.bus.on('violation', (v) => violations.push(`${v.deviceId}:${v.code}:${v.path ?? ''}`));
    await c.publishAsync('devices/dev1/telemetry', '{"metrics": {"ch4_lel": 1', { qos: 1 });
    await c.publishAsync('devices/dev1/telemetry', gasReading(150), { qos: 1 });
    await c.publishAsync('devices/dev1/telemetry', gasReading(3, 2), { qos: 1 });
    expect(violations).toEqual(['dev1:MALFORMED_JSON:', 'dev1:OUT_OF_RANGE:metrics.ch4_lel']);
    expect(tb.sink.readings.map((r) => r.metrics['ch4_lel'])).toEqual([3]);
    expect(c.connected).toBe(true);
    expect(tb.broker.stats().violations).toEqual({ MALFORMED_JSON: 1, OUT_OF_RANGE: 1 });
    const text = await tb.registry.getSingleMetricAsString('citybrain_violations_total');
    expect(text).toContain('code="OUT_OF_RANGE"} 1');
  });

  it('does not acknowledge when the sink fails: closes the client, which resends after reconnecting', async () => {
    const c = await tb.connect('dev1', { reconnectPeriod: 20 });
    tb.sink.failNext = 1;
    const gone = closed(c);
    const acked = c.publishAsync('devices/dev1/telemetry', gasReading(4, 1), { qos: 1 });
    await gone;
    expect(tb.sink.log).toEqual(['write-called', 'write-failed']);
    expect(tb.sink.readings).toEqual([]);
    // mqtt.js keeps the unacknowledged QoS 1 message and resends it once reconnected.
    await acked;
    expect(tb.sink.readings.map((r) => r.seq)).toEqual([1]);
    expect(tb.broker.stats().sinkFailures).toBe(1);
  });

  it('reports presence: online on connect, status with fw, offline through the will', async () => {
    const presence: string[] = [];
    tb.bus.on('presence', (p) => presence.push(`${p.online ? 'on' : 'off'}:${p.reason}${p.fw ? `:${p.fw}` : ''}`));
    const c = await tb.connect('dev1', {
      will: { topic: 'devices/dev1/status', payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    await c.publishAsync('devices/dev1/status', '{"online":true,"fw":"1.4.2"}', { qos: 1, retain: true });
    const offline = tb.bus.once('presence', (p) => !p.online);
    c.stream.destroy(); // the connection is lost without DISCONNECT: the broker publishes the will
    await offline;
    await vi.waitFor(() => expect(tb.broker.stats().clients).toBe(0));
    expect(presence).toEqual(['on:connect', 'on:status:1.4.2', 'off:will']);
  });

  it('reports offline (reason disconnect) after a clean DISCONNECT', async () => {
    const c = await tb.connect('dev2');
    const offline = tb.bus.once('presence', (p) => !p.online);
    await c.endAsync();
    expect((await offline).reason).toBe('disconnect');
  });

  it('puts device events on the bus, enriched', async () => {
    const c = await tb.connect('dev1');
    const ev = tb.bus.once('deviceEvent');
    await c.publishAsync('devices/dev1/events', JSON.stringify({ type: 'fault', data: { code: 'E7' } }), { qos: 1 });
    expect(await ev).toMatchObject({ deviceId: 'dev1', kind: 'gas', type: 'fault', data: { code: 'E7' }, asset: 'well-dev1' });
  });

  it('sends a command and resolves with the device\'s reply; times out when it does not reply', async () => {
    const c = await tb.connect('dev1');
    await c.subscribeAsync('devices/dev1/commands/+', { qos: 1 });
    const received: Array<{ topic: string; body: unknown }> = [];
    c.on('message', (topic, payload) => {
      received.push({ topic, body: JSON.parse(payload.toString()) });
      if (topic.endsWith('/set_interval')) c.publish(`${topic}/reply`, JSON.stringify({ ok: true, data: { seconds: 30 } }), { qos: 1 });
    });
    const reply = await tb.broker.sendCommand('dev1', 'set_interval', { seconds: 30 }, { timeoutMs: 5_000 });
    expect(reply).toEqual({ ok: true, data: { seconds: 30 } });
    expect(received[0]).toMatchObject({ topic: 'devices/dev1/commands/set_interval', body: { params: { seconds: 30 } } });
    expect(typeof (received[0]?.body as { id?: unknown }).id).toBe('string');

    await expect(tb.broker.sendCommand('dev1', 'reboot', {}, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'MQTT_COMMAND_TIMEOUT' });
    await expect(tb.broker.sendCommand('dev1', 'set_interval', { seconds: 0 }, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'CONTRACT_VIOLATION' });
    await expect(tb.broker.sendCommand('dev2', 'reboot', {}, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
  });

  it('exposes its metrics on the registry it was given', async () => {
    const c = await tb.connect('dev1');
    await c.publishAsync('devices/dev1/telemetry', gasReading(1), { qos: 1 });
    const text = await tb.registry.metrics();
    for (const name of [
      'citybrain_mqtt_connections 1', 'citybrain_readings_total 1', 'citybrain_ingest_inflight 0',
      'citybrain_mqtt_paused_sockets 0', 'citybrain_mqtt_frames_too_large_total 0',
    ]) expect(text).toContain(name);
    expect(text).toContain('citybrain_mqtt_acl_denied_total');
    expect(text).toContain('citybrain_mqtt_connects_rejected_total');
  });
});
