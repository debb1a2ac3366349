import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MqttFrameScanner } from './frame-scanner.js';

/** MQTT 3.1.1 §2.2.3 variable-length Remaining Length. */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const packet = (type: number, bodyLen: number): Buffer =>
  Buffer.concat([Buffer.from([(type << 4) | (type === 3 ? 2 : 0), ...varint(bodyLen)]), Buffer.alloc(bodyLen, 7)]);

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

describe('MqttFrameScanner', () => {
  it('passes any stream of packets within the limit, however it is split, and counts them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.integer({ min: 1, max: 14 }), len: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (pkts, cuts) => {
          const stream = Buffer.concat(pkts.map((p) => packet(p.type, p.len)));
          const s = new MqttFrameScanner(1 + 2 + 300);
          for (const c of chunks(stream, cuts)) expect(s.feed(c)).toEqual({ ok: true });
          expect(s.completed).toBe(pkts.length);
          expect(s.firstType).toBe(pkts[0]!.type);
        },
      ),
    );
  });

  it('accepts a packet of exactly the limit and refuses one byte more (whole packet size)', () => {
    const atLimit = packet(3, 1000); // 1 + 2 + 1000 bytes
    expect(new MqttFrameScanner(1003).feed(atLimit)).toEqual({ ok: true });
    expect(new MqttFrameScanner(1002).feed(atLimit)).toEqual({ ok: false, reason: 'too_large', declaredBytes: 1003 });
  });

  it('refuses a 64 MiB CONNECT from its five header bytes alone, split anywhere', () => {
    const header = [0x10, 0x80, 0x80, 0x80, 0x20];
    for (let cut = 1; cut < header.length; cut++) {
      const s = new MqttFrameScanner(256 * 1024);
      expect(s.feed(Uint8Array.from(header.slice(0, cut)))).toEqual({ ok: true });
      expect(s.feed(Uint8Array.from(header.slice(cut)))).toEqual({ ok: false, reason: 'too_large', declaredBytes: 1 + 4 + 64 * 1024 * 1024 });
    }
  });

  it('finds an oversize packet after good ones in the same chunk', () => {
    const s = new MqttFrameScanner(100);
    const stream = Buffer.concat([packet(1, 10), packet(3, 50), Buffer.from([0x30, ...varint(5000)])]);
    expect(s.feed(stream)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(s.completed).toBe(2);
  });

  it('calls a fifth length byte and the reserved type 0 malformed', () => {
    expect(new MqttFrameScanner(1e9).feed(Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toEqual({ ok: false, reason: 'malformed' });
    expect(new MqttFrameScanner(1e9).feed(Uint8Array.from([0x00, 0x00]))).toEqual({ ok: false, reason: 'malformed' });
  });
});
