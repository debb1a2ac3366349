import { describe, expect, it } from 'vitest';
import { isTrusted, parseProxyHeader, trustedSources } from './proxy-protocol.js';

const CONNECT = Buffer.from([0x10, 0x0c, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 60, 0, 0]);
const SIG = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

/** A v2 header written byte by byte (HAProxy proxy-protocol.txt §2.2). */
function v2(cmd: number, fam: number, body: number[]): Buffer {
  return Buffer.from([...SIG, 0x20 | cmd, fam, body.length >> 8, body.length & 0xff, ...body]);
}
const ipv4Body = [203, 0, 113, 7, 10, 0, 0, 11, 0xc3, 0x50, 0x07, 0x5b];
const ipv6Body = [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 0x01, ...Array<number>(15).fill(0), 0x02, 0xc3, 0x50, 0x07, 0x5b];

describe('PROXY protocol header', () => {
  it('v1 TCP4 and TCP6: the source address, and the bytes after the header kept', () => {
    const out = parseProxyHeader(Buffer.concat([Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.11 50000 1883\r\n'), CONNECT]));
    expect(out).toEqual({ state: 'done', address: '203.0.113.7', rest: CONNECT });
    const six = parseProxyHeader(Buffer.from('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::2 50000 1883\r\n'));
    expect(six).toMatchObject({ state: 'done', address: '2001:db8::1' });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ state: 'done', rest: Buffer.alloc(0) });
  });

  it('v2 PROXY over IPv4 and IPv6, with TLVs after the addresses; LOCAL keeps the socket address', () => {
    expect(parseProxyHeader(Buffer.concat([v2(1, 0x11, ipv4Body), CONNECT]))).toEqual({ state: 'done', address: '203.0.113.7', rest: CONNECT });
    const tlv = [0x05, 0x00, 0x03, 0x61, 0x62, 0x63]; // PP2_TYPE_UNIQUE_ID "abc"
    expect(parseProxyHeader(v2(1, 0x11, [...ipv4Body, ...tlv]))).toMatchObject({ state: 'done', address: '203.0.113.7' });
    expect(parseProxyHeader(v2(1, 0x21, ipv6Body))).toMatchObject({ state: 'done', address: '2001:db8::1' });
    expect(parseProxyHeader(v2(0, 0x00, []))).toEqual({ state: 'done', rest: Buffer.alloc(0) });
  });

  it('asks for more until the header is whole, whichever byte it is cut at', () => {
    for (const whole of [Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.11 50000 1883\r\n'), v2(1, 0x11, ipv4Body)]) {
      for (let cut = 1; cut < whole.length; cut++) expect(parseProxyHeader(whole.subarray(0, cut)).state).toBe('more');
      expect(parseProxyHeader(whole)).toMatchObject({ state: 'done', address: '203.0.113.7' });
    }
  });

  it('refuses what is not a header: MQTT straight away, bad fields, over-long lines, unknown versions', () => {
    const bad = [
      CONNECT,
      Buffer.from('PROXY TCP4 203.0.113.300 10.0.0.11 50000 1883\r\n'),
      Buffer.from('PROXY TCP4 2001:db8::1 10.0.0.11 50000 1883\r\n'),
      Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.11 70000 1883\r\n'),
      Buffer.from('PROXY UDP4 203.0.113.7 10.0.0.11 1 2\r\n'),
      Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`),
      Buffer.from([...SIG, 0x10, 0x11, 0, 12, ...ipv4Body]),
      Buffer.from([...SIG, 0x22, 0x11, 0, 12, ...ipv4Body]),
      v2(1, 0x11, [1, 2, 3]),
      Buffer.from([...SIG, 0x21, 0x11, 0xff, 0xff]),
    ];
    for (const b of bad) expect(parseProxyHeader(b).state, b.toString('latin1')).toBe('invalid');
  });

  it('trusts listed addresses and blocks, IPv4-mapped IPv6 included; a bad entry is a config error', () => {
    const t = trustedSources('127.0.0.1, 10.0.0.0/8, fd00::/8');
    expect(isTrusted(t, '127.0.0.1')).toBe(true);
    expect(isTrusted(t, '::ffff:10.1.2.3')).toBe(true);
    expect(isTrusted(t, 'fd12::1')).toBe(true);
    expect(isTrusted(t, '127.0.0.2')).toBe(false);
    expect(isTrusted(t, undefined)).toBe(false);
    expect(() => trustedSources('10.0.0.0/33')).toThrow(/CITYBRAIN_MQTT_PROXY_TRUSTED/);
    expect(() => trustedSources('haproxy.local')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
