import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_KINDS, decodeTelemetry, getContract, type KindContract, type MetricSpec } from './index.js';

const NOW = Date.parse('2026-01-15T08:00:00Z');
const opts = { now: NOW };
const codes = (r: { violations: { code: string }[] }) => r.violations.map((v) => v.code);

describe('decodeTelemetry: one sample', () => {
  it('accepts a sample and hands on its metrics with ts and seq', () => {
    const r = decodeTelemetry('gas', JSON.stringify({ ts: NOW - 1000, seq: 3, metrics: { ch4_lel: 12.5, temp_c: 9 } }), opts);
    expect(r).toEqual({ samples: [{ ts: NOW - 1000, seq: 3, metrics: { ch4_lel: 12.5, temp_c: 9 } }], violations: [] });
  });

  it('defaults ts to now and takes Uint8Array payloads', () => {
    const r = decodeTelemetry('water', new TextEncoder().encode('{"metrics":{"pressure_mpa":0.3}}'), opts);
    expect(r.samples).toEqual([{ ts: NOW, metrics: { pressure_mpa: 0.3 } }]);
    expect(r.samples[0]).not.toHaveProperty('seq');
  });

  it('reads ISO-8601 timestamps with a zone', () => {
    const r = decodeTelemetry('water', '{"ts":"2026-01-15T15:59:00+08:00","metrics":{"pressure_mpa":0.3}}', opts);
    expect(r.samples[0]?.ts).toBe(NOW - 60_000);
  });

  it.each([
    ['"2026-01-15T07:59:00"', 'BAD_TIMESTAMP'], // no zone: would be read as local time
    ['"Thu Jan 15 2026"', 'BAD_TIMESTAMP'],
    ['"2026-13-45T00:00:00Z"', 'BAD_TIMESTAMP'],
    ['true', 'BAD_TIMESTAMP'],
    ['-1', 'BAD_TIMESTAMP'],
    ['1e999', 'BAD_TIMESTAMP'],
    [String(NOW - 8 * 86_400_000), 'STALE_TIMESTAMP'],
    [String(NOW + 6 * 60_000), 'FUTURE_TIMESTAMP'],
  ])('ts %s → %s', (ts, code) => {
    const r = decodeTelemetry('water', `{"ts":${ts},"metrics":{"pressure_mpa":0.3}}`, opts);
    expect(r.samples).toEqual([]);
    expect(r.violations).toEqual([expect.objectContaining({ code, path: 'ts' })]);
  });

  it('honours maxAgeMs and maxFutureMs', () => {
    const p = (ts: number) => `{"ts":${ts},"metrics":{"pressure_mpa":0.3}}`;
    expect(codes(decodeTelemetry('water', p(NOW - 2000), { now: NOW, maxAgeMs: 1000 }))).toEqual(['STALE_TIMESTAMP']);
    expect(codes(decodeTelemetry('water', p(NOW + 2000), { now: NOW, maxFutureMs: 1000 }))).toEqual(['FUTURE_TIMESTAMP']);
    expect(codes(decodeTelemetry('water', p(NOW + 1000), { now: NOW, maxFutureMs: 1000 }))).toEqual([]);
  });

  it('reports every problem of a sample with its path, and no sampleIndex outside a batch', () => {
    const r = decodeTelemetry('elevator', '{"seq":1.5,"metrics":{"running":1,"floor":500,"colour":"red"}}', opts);
    expect(r.samples).toEqual([]);
    expect(r.violations.map((v) => [v.code, v.path])).toEqual([
      ['WRONG_TYPE', 'seq'],
      ['WRONG_TYPE', 'metrics.running'],
      ['OUT_OF_RANGE', 'metrics.floor'],
      ['UNKNOWN_METRIC', 'metrics.colour'],
      ['MISSING_METRIC', 'metrics.door_open'],
    ]);
    expect(r.violations.every((v) => v.sampleIndex === undefined)).toBe(true);
  });

  it.each([
    ['{"ts":1}', 'BAD_SHAPE'],
    ['{"metrics":[1]}', 'BAD_SHAPE'],
    ['{"metrics":{"pressure_mpa":null}}', 'WRONG_TYPE'],
    ['{"metrics":{"pressure_mpa":1e999}}', 'OUT_OF_RANGE'],
    ['{"metrics":{"pressure_mpa":-0.01}}', 'OUT_OF_RANGE'],
    ['{"metrics":{"pressure_mpa":0.3,"constructor":1}}', 'UNKNOWN_METRIC'],
    ['{"metrics":{"pressure_mpa":0.3,"__proto__":1}}', 'UNKNOWN_METRIC'],
    ['{"metrics":{"pressure_mpa":0.3},"samples":[]}', 'EMPTY_BATCH'],
  ])('%s → %s', (payload, code) => {
    expect(codes(decodeTelemetry('water', payload, opts))).toContain(code);
  });

  it.each([
    ['{"metrics":', 'MALFORMED_JSON'],
    ['', 'MALFORMED_JSON'],
    ['null', 'NOT_AN_OBJECT'],
    ['[]', 'NOT_AN_OBJECT'],
    ['42', 'NOT_AN_OBJECT'],
  ])('whole-message %j → %s', (payload, code) => {
    expect(decodeTelemetry('water', payload, opts)).toEqual({ samples: [], violations: [expect.objectContaining({ code })] });
  });

  it('rejects invalid UTF-8 bytes as MALFORMED_JSON', () => {
    expect(codes(decodeTelemetry('water', Uint8Array.from([0x7b, 0xff, 0x7d]), opts))).toEqual(['MALFORMED_JSON']);
  });

  it('rejects an unknown kind before parsing', () => {
    expect(codes(decodeTelemetry('toaster', '{', opts))).toEqual(['UNKNOWN_KIND']);
  });

  it('rejects payloads over maxBytes, counted in UTF-8 bytes', () => {
    const body = `{"metrics":{"pressure_mpa":0.3},"x":"${'é'.repeat(60)}"}`; // 60 chars, 120 bytes
    expect(codes(decodeTelemetry('water', body, { now: NOW, maxBytes: 100 }))).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(codes(decodeTelemetry('water', Buffer.from(body), { now: NOW, maxBytes: 100 }))).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(codes(decodeTelemetry('water', body, { now: NOW, maxBytes: 200 }))).toEqual(['BAD_SHAPE']);
    expect(codes(decodeTelemetry('water', 'x'.repeat(256 * 1024 + 1), opts))).toEqual(['PAYLOAD_TOO_LARGE']);
  });
});

describe('decodeTelemetry: batches', () => {
  const s = (level: unknown, ts = NOW) => ({ ts, metrics: { level_m: level } });

  it('keeps good samples, drops bad ones and marks violations with sampleIndex', () => {
    const r = decodeTelemetry('drainage', JSON.stringify({ samples: [s(1), s(99), 7, s(2, NOW - 5)] }), opts);
    expect(r.samples.map((x) => x.metrics['level_m'])).toEqual([1, 2]);
    expect(r.violations).toEqual([
      expect.objectContaining({ code: 'OUT_OF_RANGE', path: 'samples[1].metrics.level_m', sampleIndex: 1 }),
      expect.objectContaining({ code: 'NOT_AN_OBJECT', path: 'samples[2]', sampleIndex: 2 }),
    ]);
  });

  it('drops the whole batch when it is empty, too large, not an array or has extra fields', () => {
    const many = Array.from({ length: 11 }, () => s(1));
    expect(decodeTelemetry('drainage', JSON.stringify({ samples: many }), { now: NOW, maxBatch: 10 }))
      .toEqual({ samples: [], violations: [expect.objectContaining({ code: 'OVERSIZE_BATCH' })] });
    expect(decodeTelemetry('drainage', JSON.stringify({ samples: many.slice(1) }), { now: NOW, maxBatch: 10 }).samples).toHaveLength(10);
    expect(codes(decodeTelemetry('drainage', '{"samples":[]}', opts))).toEqual(['EMPTY_BATCH']);
    expect(codes(decodeTelemetry('drainage', '{"samples":"x"}', opts))).toEqual(['BAD_SHAPE']);
    const extra = decodeTelemetry('drainage', JSON.stringify({ samples: [s(1)], ts: NOW }), opts);
    expect(extra).toEqual({ samples: [], violations: [expect.objectContaining({ code: 'BAD_SHAPE', path: 'ts' })] });
  });
});

// Property: any sample built from a contract's own ranges is accepted as is; pushing one metric past its
// range turns it into exactly one OUT_OF_RANGE.
function valueFor(m: MetricSpec): fc.Arbitrary<number | boolean> {
  if (m.type === 'boolean') return fc.boolean();
  if (m.type === 'integer') return fc.integer({ min: m.min ?? -1e6, max: m.max ?? 1e6 });
  return fc.double({ min: m.min ?? -1e6, max: m.max ?? 1e6, noNaN: true, noDefaultInfinity: true });
}

function sampleFor(c: KindContract): fc.Arbitrary<Record<string, number | boolean>> {
  const rec: Record<string, fc.Arbitrary<number | boolean>> = {};
  for (const m of c.metrics) rec[m.name] = valueFor(m);
  const required = c.metrics.filter((m) => m.required).map((m) => m.name);
  // Optional metrics are either present with a value or absent (never undefined).
  return fc.record(rec, { requiredKeys: required as never[] }) as fc.Arbitrary<Record<string, number | boolean>>;
}

describe('decodeTelemetry: properties', () => {
  it.each(DEVICE_KINDS)('%s: in-range samples decode unchanged', (kind) => {
    const c = getContract(kind) as KindContract;
    fc.assert(fc.property(sampleFor(c), fc.integer({ min: NOW - 86_400_000, max: NOW + 60_000 }), (metrics, ts) => {
      const r = decodeTelemetry(kind, JSON.stringify({ ts, metrics }), opts);
      expect(r.violations).toEqual([]);
      expect(r.samples).toEqual([{ ts, metrics: JSON.parse(JSON.stringify(metrics)) as unknown }]);
    }));
  });

  it.each(DEVICE_KINDS)('%s: a value past its range is OUT_OF_RANGE', (kind) => {
    const c = getContract(kind) as KindContract;
    const ranged = c.metrics.filter((m) => m.type !== 'boolean');
    fc.assert(fc.property(sampleFor(c), fc.constantFrom(...ranged), fc.boolean(), (metrics, m, above) => {
      metrics[m.name] = above ? (m.max as number) + 1 : (m.min as number) - 1;
      const r = decodeTelemetry(kind, JSON.stringify({ metrics }), opts);
      expect(r.samples).toEqual([]);
      expect(r.violations).toEqual([expect.objectContaining({ code: 'OUT_OF_RANGE', path: `metrics.${m.name}` })]);
    }));
  });
});
