import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gasDevice, gasReading, startTestBroker, type TestBroker } from './testing.js';

const MiB = 1024 * 1024;

/** Resolves on 'close' (events.once would reject on the ECONNRESET these hang-ups cause). */
const closeOf = (e: { once(ev: 'close', fn: () => void): unknown }): Promise<void> => new Promise((r) => e.once('close', () => r()));

async function rawSocket(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => {}); // the broker hangs up on purpose in these tests
  await once(s, 'connect');
  return s;
}

describe('broker: frame-size limit, connect timeout, connection cap', () => {
  let tb: TestBroker | undefined;
  afterEach(async () => {
    await tb?.close();
    tb = undefined;
  });

  it('drops a 64 MiB CONNECT on its fixed header, before buffering it or authenticating', async () => {
    tb = await startTestBroker([gasDevice('dev1')], { mqttMaxFrameBytes: 256 * 1024 });
    const s = await rawSocket(tb.tcpPort);
    const closed = closeOf(s);
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    const before = process.memoryUsage();
    // CONNECT (0x10) declaring 64 MiB: remaining length 2^26 = 0x80 0x80 0x80 0x20 (MQTT 3.1.1 §2.2.3).
    s.write(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x20]));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let sent = 0;
    while (!isClosed && sent < 64 * MiB) {
      const ok = s.write(chunk);
      sent += chunk.length;
      if (!ok) await Promise.race([new Promise((r) => s.once('drain', r)), closed]);
    }
    await closed;
    const after = process.memoryUsage();
    console.log(`64 MiB CONNECT: hung up after ${(sent / MiB).toFixed(2)} MiB sent; arrayBuffers +${((after.arrayBuffers - before.arrayBuffers) / MiB).toFixed(2)} MiB, rss +${((after.rss - before.rss) / MiB).toFixed(2)} MiB`);
    // The broker hung up long before the body arrived, and nothing frame-sized was held.
    expect(sent).toBeLessThan(16 * MiB);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * MiB);
    expect(tb.broker.stats().framesTooLarge).toBe(1);
    expect(tb.broker.stats().connections).toBe(0);
    // The broker is fine: a device connects and publishes.
    const c = await tb.connect('dev1');
    await c.publishAsync('devices/dev1/telemetry', gasReading(1), { qos: 1 });
    expect(tb.sink.readings).toHaveLength(1);
  });

  it('drops a connected client whose PUBLISH exceeds the limit, over TCP and WebSocket', async () => {
    tb = await startTestBroker([gasDevice('dev1'), gasDevice('dev2')], { mqttMaxFrameBytes: 64 * 1024 });
    const big = JSON.stringify({ metrics: { ch4_lel: 1 }, pad: 'x'.repeat(100 * 1024) });
    for (const ws of [false, true]) {
      const c = await tb.connect('dev1', { ws });
      c.on('error', () => {});
      const closed = closeOf(c);
      c.publish('devices/dev1/telemetry', big, { qos: 1 });
      await closed;
    }
    expect(tb.broker.stats().framesTooLarge).toBe(2);
    expect(tb.sink.readings).toEqual([]);
    const other = await tb.connect('dev2');
    await other.publishAsync('devices/dev2/telemetry', gasReading(2), { qos: 1 });
    expect(tb.sink.readings.map((r) => r.deviceId)).toEqual(['dev2']);
    const text = await tb.registry.getSingleMetricAsString('citybrain_mqtt_frames_too_large_total');
    expect(text).toContain('citybrain_mqtt_frames_too_large_total 2');
  });

  it('closes a socket that sends no CONNECT in time, and one that trickles it', async () => {
    tb = await startTestBroker([gasDevice('dev1')], { mqttConnectTimeoutMs: 200 });
    const silent = await rawSocket(tb.tcpPort);
    const slow = await rawSocket(tb.tcpPort);
    slow.write(Buffer.from([0x10, 0x20])); // a CONNECT header, then nothing of its 32-byte body
    const t0 = Date.now();
    await Promise.all([closeOf(silent), closeOf(slow)]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(tb.broker.stats().connectsRejected).toEqual({ connect_timeout: 2 });
    const c = await tb.connect('dev1');
    expect(c.connected).toBe(true);
  });

  it('refuses sockets beyond mqttMaxConnections of authenticated sessions at once, counted, and admits again below it', async () => {
    // (A table holding unauthenticated sockets makes room instead: abuse.int.test.ts.)
    tb = await startTestBroker([gasDevice('dev1'), gasDevice('dev2'), gasDevice('dev3')], { mqttMaxConnections: 3 });
    await tb.connect('dev1');
    const ws = await tb.connect('dev2', { ws: true });
    const third = await tb.connect('dev3');
    await vi.waitFor(() => expect(tb!.broker.stats().connections).toBe(3));
    const extra = await rawSocket(tb.tcpPort);
    await closeOf(extra);
    // An mqtt.js device over WebSocket beyond the cap is cut off before its CONNACK.
    const late = mqtt.connect(`ws://127.0.0.1:${tb.wsPort}`, { clientId: 'dev1', username: 'dev1', password: 'dev1-secret', reconnectPeriod: 0 });
    let gotConnack = false;
    late.on('connect', () => (gotConnack = true));
    late.on('error', () => {});
    await closeOf(late);
    late.end(true);
    expect(gotConnack).toBe(false);
    expect(tb.broker.stats().connectsRejected).toEqual({ connection_limit: 2 });
    await ws.endAsync();
    await third.endAsync();
    await vi.waitFor(() => expect(tb!.broker.stats().connections).toBe(1));
    const again = await tb.connect('dev2');
    expect(again.connected).toBe(true);
  });
});
