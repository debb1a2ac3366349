/**
 * MQTT 3.1.1 MUSTs about malformed packets, spoken as raw bytes over a real TCP socket to the real broker
 * (docs/broker-conformance.md lists each case with its spec section). Every case must close the
 * connection (after CONNACK 1 or 2 where the spec asks for it), be counted by rule and logged once, and
 * store nothing.
 */
import { once } from 'node:events';
import { Socket, connect as tcpConnect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../kernel/logger.js';
import { MALFORMED_CASES, goodConnect } from './malformed-cases.js';
import { publish } from './raw-packets.js';
import { gasDevice, startTestBroker, type TestBroker } from './testing.js';

interface Conversation {
  received: Buffer;
  /** Bytes of the first 'data' event (a naive client's first read). */
  firstRead: Buffer | undefined;
  closed: Promise<void>;
  socket: Socket;
}

async function open(port: number): Promise<Conversation> {
  const socket = tcpConnect(port, '127.0.0.1');
  socket.on('error', () => {}); // the broker hangs up on purpose here
  const c: Conversation = { received: Buffer.alloc(0), firstRead: undefined, closed: new Promise((r) => socket.once('close', () => r())), socket };
  socket.on('data', (d: Buffer) => {
    c.firstRead ??= Buffer.from(d);
    c.received = Buffer.concat([c.received, d]);
  });
  await once(socket, 'connect');
  return c;
}

const CONNACK_OK = Buffer.from([0x20, 0x02, 0x00, 0x00]);

async function untilReceived(c: Conversation, n: number): Promise<void> {
  while (c.received.length < n) await Promise.race([once(c.socket, 'data'), c.closed]).then(() => undefined);
}

describe('broker: MQTT 3.1.1 malformed packets are refused before aedes sees them', () => {
  let tb: TestBroker;
  const logLines: Array<{ msg: string; rule?: string }> = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as { msg: string; rule?: string });
        cb();
      },
    });
    const devices = Array.from({ length: MALFORMED_CASES.length + 2 }, (_, i) => gasDevice(`dev${i}`));
    tb = await startTestBroker(devices, { mqttMaxConnections: 1000 }, createLogger({ level: 'warn', destination }));
  });
  afterAll(async () => {
    await tb.close();
  });

  MALFORMED_CASES.forEach((c, i) => {
    it(`${c.name}: ${c.connack ? `CONNACK ${c.connack}, then ` : ''}closed, counted as ${c.rule} (${c.spec})`, async () => {
      const id = `dev${i}`;
      const before = tb.broker.stats().protocolViolations[c.rule] ?? 0;
      const conv = await open(tb.tcpPort);
      if (!c.firstPacket) {
        conv.socket.write(goodConnect(id));
        await untilReceived(conv, 4);
        expect(conv.received.subarray(0, 4)).toEqual(CONNACK_OK);
      }
      conv.socket.write(c.bytes(id));
      await conv.closed; // a broker that lets the packet through keeps the socket open: the test times out
      const after = c.firstPacket ? conv.received : conv.received.subarray(4);
      // Nothing answered the malformed packet (no PUBACK, SUBACK, PINGRESP...), except the CONNACK the spec asks for.
      expect(after).toEqual(c.connack ? Buffer.from([0x20, 0x02, 0x00, c.connack]) : Buffer.alloc(0));
      expect(tb.sink.readings.filter((r) => r.deviceId === id)).toEqual([]);
      expect(tb.broker.stats().protocolViolations[c.rule]).toBe(before + 1);
      expect(logLines.filter((l) => l.msg === 'mqtt connection dropped' && l.rule === c.rule)).toHaveLength(before + 1);
    }, 15_000);
  });

  it('counts the violations in Prometheus by rule', async () => {
    const text = await tb.registry.getSingleMetricAsString('citybrain_mqtt_protocol_violations_total');
    expect(text).toContain('citybrain_mqtt_protocol_violations_total{rule="packet_id_zero"} 3');
    expect(text).toContain('citybrain_mqtt_protocol_violations_total{rule="protocol_level"} 2');
  });

  it('still acknowledges and stores the same PUBLISH with a non-zero packet id (the control case)', async () => {
    const id = `dev${MALFORMED_CASES.length}`;
    const conv = await open(tb.tcpPort);
    conv.socket.write(goodConnect(id));
    await untilReceived(conv, 4);
    conv.socket.write(publish(`devices/${id}/telemetry`, '{"metrics":{"ch4_lel":1}}', { qos: 1, id: 7 }));
    await untilReceived(conv, 8);
    expect(conv.received.subarray(4, 8)).toEqual(Buffer.from([0x40, 0x02, 0x00, 0x07]));
    expect(tb.sink.readings.filter((r) => r.deviceId === id)).toHaveLength(1);
    conv.socket.destroy();
  });
});

describe('broker: one socket write per batch of outgoing packets', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker([gasDevice('dev1'), gasDevice('dev2')]);
  });
  afterAll(async () => {
    await tb.close();
  });

  it('sends the whole CONNACK in one write: the first read after CONNECT holds all 4 bytes', async () => {
    const conv = await open(tb.tcpPort);
    const spy = vi.spyOn(Socket.prototype, 'write');
    let writes = 0;
    try {
      conv.socket.write(goodConnect('dev1'));
      await untilReceived(conv, 4);
      writes = spy.mock.contexts.filter((socket) => (socket as Socket).remotePort === conv.socket.localPort).length;
    } finally {
      spy.mockRestore();
    }
    expect(conv.firstRead).toEqual(CONNACK_OK);
    // Loopback may merge separate writes before the client reads; the broker's side must not rely on it.
    expect(writes).toBe(1);
    conv.socket.destroy();
  });

  it('coalesces a burst of 200 PUBACKs into a few socket writes instead of one or more per packet', async () => {
    const conv = await open(tb.tcpPort);
    conv.socket.write(goodConnect('dev2'));
    await untilReceived(conv, 4);
    const port = conv.socket.localPort;
    // Calls through to the real write; records each call's socket.
    const spy = vi.spyOn(Socket.prototype, 'write');
    let writes = 0;
    try {
      const burst = Array.from({ length: 200 }, (_, i) => publish('devices/dev2/telemetry', `{"seq":${i},"metrics":{"ch4_lel":1}}`, { qos: 1, id: i + 1 }));
      conv.socket.write(Buffer.concat(burst));
      await untilReceived(conv, 4 + 200 * 4);
      writes = spy.mock.contexts.filter((socket) => (socket as Socket).remotePort === port).length;
    } finally {
      spy.mockRestore();
    }
    expect(tb.sink.readings.filter((r) => r.deviceId === 'dev2')).toHaveLength(200);
    console.log(`200 PUBACKs left in ${writes} socket writes`);
    expect(writes).toBeLessThanOrEqual(20);
    conv.socket.destroy();
  });
});
