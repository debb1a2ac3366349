import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MqttFrameScanner } from './frame-scanner.js';
import { MALFORMED_CASES, goodConnect } from './malformed-cases.js';
import { ack, connect, disconnect, pingreq, publish, subscribe, unsubscribe, varint } from './raw-packets.js';

function chunks(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, buf.length]) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** Feeds `stream` in the given pieces; the first non-ok outcome, or ok. */
function scan(s: MqttFrameScanner, stream: Buffer, cuts: number[] = []): ReturnType<MqttFrameScanner['feed']> {
  for (const c of chunks(stream, cuts)) {
    const out = s.feed(c);
    if (!out.ok) return out;
  }
  return { ok: true };
}

/** Well-formed packets a device sends after its CONNECT. */
const wellFormed = fc.oneof(
  fc.record({ topic: fc.stringMatching(/^[a-z0-9/é水]{1,40}$/), payload: fc.string({ maxLength: 200 }), qos: fc.integer({ min: 0, max: 2 }), id: fc.integer({ min: 1, max: 65535 }) })
    .map((p) => publish(p.topic, p.payload, { qos: p.qos, id: p.id })),
  fc.integer({ min: 1, max: 65535 }).map((id) => ack(4, id)),
  fc.integer({ min: 1, max: 65535 }).map((id) => ack(6, id)),
  fc.constant(pingreq()),
  fc.constant(subscribe(5, [['devices/a/commands/#', 1], ['devices/a/+/x', 0]])),
  fc.constant(unsubscribe(6, ['devices/a/commands/#'])),
);

describe('MqttFrameScanner', () => {
  it('passes any stream of well-formed packets, however it is split, and counts them', () => {
    fc.assert(
      fc.property(fc.array(wellFormed, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (pkts, cuts) => {
        const stream = Buffer.concat([goodConnect('dev1'), ...pkts, disconnect()]);
        const s = new MqttFrameScanner(64 * 1024);
        expect(scan(s, stream, cuts)).toEqual({ ok: true });
        expect(s.completed).toBe(pkts.length + 2);
        expect(s.firstType).toBe(1);
      }),
    );
  });

  it('accepts a packet of exactly the limit and refuses one byte more (whole packet size)', () => {
    const atLimit = Buffer.concat([goodConnect('d'), publish('t', 'x'.repeat(997))]); // PUBLISH: 1 + 2 + 1000 bytes
    const connectBytes = goodConnect('d').length;
    expect(scan(new MqttFrameScanner(1003), atLimit)).toEqual({ ok: true });
    expect(scan(new MqttFrameScanner(1002), atLimit.subarray(0, connectBytes + 3))).toEqual({ ok: false, reason: 'too_large', declaredBytes: 1003 });
  });

  it('refuses a 64 MiB CONNECT from its five header bytes alone, split anywhere', () => {
    const header = [0x10, 0x80, 0x80, 0x80, 0x20];
    for (let cut = 1; cut < header.length; cut++) {
      const s = new MqttFrameScanner(256 * 1024);
      expect(s.feed(Buffer.from(header.slice(0, cut)))).toEqual({ ok: true });
      expect(s.feed(Buffer.from(header.slice(cut)))).toEqual({ ok: false, reason: 'too_large', declaredBytes: 1 + 4 + 64 * 1024 * 1024 });
    }
  });

  it('finds an oversize packet after good ones in the same chunk', () => {
    const s = new MqttFrameScanner(100);
    const stream = Buffer.concat([goodConnect('d'), publish('t', 'x'.repeat(40)), Buffer.from([0x30, ...varint(5000)])]);
    expect(s.feed(stream)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(s.completed).toBe(2);
  });

  it('accepts MQTT 3.1 (MQIsdp, level 3), a will, and an empty client id with a clean session', () => {
    const ok = [
      connect({ clientId: 'd', protocolName: 'MQIsdp', level: 3 }),
      connect({ clientId: 'd', username: 'd', password: 'p', will: { topic: 'devices/d/status', payload: '{}', qos: 1, retain: true } }),
      connect({ clientId: '', clean: true }),
    ];
    for (const c of ok) expect(scan(new MqttFrameScanner(1024), c)).toEqual({ ok: true });
  });

  describe('refuses each malformed packet (MQTT 3.1.1 MUSTs), whole or split at any byte', () => {
    for (const c of MALFORMED_CASES) {
      it(`${c.name} → ${c.rule}${c.connack ? `, CONNACK ${c.connack}` : ''} (${c.spec})`, () => {
        const stream = c.firstPacket ? c.bytes('dev1') : Buffer.concat([goodConnect('dev1'), c.bytes('dev1')]);
        const expected = { ok: false, reason: 'protocol', rule: c.rule, ...(c.connack ? { connack: c.connack } : {}) };
        expect(scan(new MqttFrameScanner(64 * 1024), stream)).toEqual(expected);
        for (let cut = 1; cut < stream.length; cut++) {
          const s = new MqttFrameScanner(64 * 1024);
          expect(scan(s, stream, [cut])).toEqual(expected);
          // The malformed packet never completed: whatever consumed the ok chunks never saw it whole.
          expect(s.completed).toBe(c.firstPacket ? 0 : 1);
        }
      });
    }
  });

  it('checks a PUBLISH topic split from its packet id across chunks, with nothing of the payload held', () => {
    const s = new MqttFrameScanner(64 * 1024);
    expect(s.feed(goodConnect('d'))).toEqual({ ok: true });
    const p = publish('devices/d/telemetry', 'x'.repeat(10_000), { qos: 1, id: 0 });
    const topicEnd = 2 + 2 + 19; // fixed header (1 + 2 length bytes), topic length, topic
    expect(s.feed(p.subarray(0, topicEnd + 1))).toEqual({ ok: true });
    expect(s.feed(p.subarray(topicEnd + 1))).toMatchObject({ rule: 'packet_id_zero' });
  });
});

describe('docs/broker-conformance.md', () => {
  it('lists every malformed-packet case with its spec reference and rule', () => {
    const doc = readFileSync(new URL('../docs/broker-conformance.md', import.meta.url), 'utf8');
    for (const c of MALFORMED_CASES) expect(doc).toContain(`| ${c.name} | ${c.spec} |`);
  });
});
