import { describe, expect, it } from 'vitest';
import { LineEncoder, quoteIdent, quoteLiteral, toLine, toLines } from './influx-protocol.js';
import type { Reading } from '../../kernel/events.js';

const base: Reading = { deviceId: 'gas-01.a_b', kind: 'gas', ts: 1234.4, metrics: { ch4_lel: 3 }, district: null, asset: null, receivedAt: 0 };

describe('InfluxDB line protocol and InfluxQL quoting', () => {
  it('writes numbers as floats (no i suffix), booleans as true/false, ms timestamps, tags sorted, nulls omitted', () => {
    expect(toLine('telemetry', { ...base, metrics: { ch4_lel: 3, cover_open: true, t: -0.5 } })).toBe(
      'telemetry,device=gas-01.a_b,kind=gas ch4_lel=3,cover_open=true,t=-0.5 1234',
    );
    expect(toLine('telemetry', { ...base, district: '370202', asset: 'main 7' })).toBe(
      'telemetry,asset=main\\ 7,device=gas-01.a_b,district=370202,kind=gas ch4_lel=3 1234',
    );
  });

  it('writes extra tags in key order and string fields quoted (points that are not readings, e.g. alerts)', () => {
    const r: Reading = { ...base, district: '370202', metrics: {}, tags: { severity: 'orange', event: 'opened' }, text: { message: 'CH4 "27" %LEL', alert_id: 'al-1' } };
    expect(toLine('alerts', r)).toBe('alerts,device=gas-01.a_b,district=370202,event=opened,kind=gas,severity=orange message="CH4 \\"27\\" %LEL",alert_id="al-1" 1234');
  });

  it('escapes commas, equals signs and spaces in tag values and field keys', () => {
    expect(toLine('my telemetry', { ...base, deviceId: 'a,b=c d', metrics: { 'x y,=z': 1 } })).toBe(
      'my\\ telemetry,device=a\\,b\\=c\\ d,kind=gas x\\ y\\,\\=z=1 1234',
    );
  });

  it('skips what InfluxDB cannot store instead of corrupting the batch', () => {
    expect(toLine('m', { ...base, metrics: { a: Number.NaN, b: Number.POSITIVE_INFINITY } })).toBeUndefined();
    expect(toLine('m', { ...base, deviceId: 'bad\nid' })).toBeUndefined();
    expect(toLine('m', { ...base, district: 'ends\\' })).toBe('m,device=gas-01.a_b,kind=gas ch4_lel=3 1234');
    expect(toLines('m', [base, { ...base, metrics: {} }])).toHaveLength(1);
  });

  it('encodes a batch as one body, follows a device that moved district, and keeps UTF-8 tags whole', () => {
    const enc = new LineEncoder('telemetry');
    const moved = { ...base, district: '370203', ts: 2000 };
    const bad = { ...base, metrics: { a: Number.NaN } };
    const out = enc.encode([base, bad, { ...base, district: '370202', asset: '供水 主管' }, moved]);
    expect(out.lines).toBe(3);
    expect(out.body.toString('utf8').split('\n')).toEqual([
      'telemetry,device=gas-01.a_b,kind=gas ch4_lel=3 1234',
      'telemetry,asset=供水\\ 主管,device=gas-01.a_b,district=370202,kind=gas ch4_lel=3 1234',
      'telemetry,device=gas-01.a_b,district=370203,kind=gas ch4_lel=3 2000',
    ]);
    // A range of the batch (one request's share) and a range with nothing storable.
    expect(enc.encode([base, moved], 1, 2).body.toString()).toBe('telemetry,device=gas-01.a_b,district=370203,kind=gas ch4_lel=3 2000');
    expect(enc.encode([bad]).lines).toBe(0);
  });

  it('quotes InfluxQL identifiers and string literals', () => {
    expect(quoteIdent('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteLiteral("x' OR '1'='1")).toBe("'x\\' OR \\'1\\'=\\'1'");
  });
});
