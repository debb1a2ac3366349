import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { DEFAULT_WINDOW_MS, MAX_BUCKETS, parseDuration, parseReadingsQuery, parseTime } from './query.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function queryError(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected QUERY_INVALID');
}

describe('parseTime', () => {
  it('reads epoch milliseconds', () => {
    expect(parseTime('1748779200000', 'from')).toBe(1748779200000);
    expect(parseTime('0', 'from')).toBe(0);
  });

  it('reads ISO-8601 date-times with Z, offsets and fractions, and plain dates as UTC', () => {
    expect(parseTime('2025-06-01T12:00:00Z', 'from')).toBe(NOW);
    expect(parseTime('2025-06-01T20:00:00+08:00', 'from')).toBe(NOW);
    expect(parseTime('2025-06-01T12:00:00.250Z', 'from')).toBe(NOW + 250);
    expect(parseTime('2025-06-01', 'from')).toBe(Date.parse('2025-06-01T00:00:00Z'));
  });

  it.each(['yesterday', 'March 7 2025', '-5', '1.5', '2025-13-45T00:00:00Z', '', '2025-06-01T12:00:00Zjunk'])(
    'rejects %j with QUERY_INVALID naming the parameter',
    (raw) => {
      const e = queryError(() => parseTime(raw, 'to'));
      expect(e.code).toBe('QUERY_INVALID');
      expect(e.details).toMatchObject({ param: 'to' });
    },
  );
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
  ])('%s is %d ms', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });

  it.each(['5', 'm', '1w', '-1m', '5 m', ''])('rejects %j', (raw) => {
    expect(queryError(() => parseDuration(raw)).code).toBe('QUERY_INVALID');
  });
});

describe('parseReadingsQuery', () => {
  it('defaults to the last hour of raw points', () => {
    expect(parseReadingsQuery({}, NOW)).toEqual({ mode: 'raw', from: NOW - DEFAULT_WINDOW_MS, to: NOW });
  });

  it('defaults from to one hour before an explicit to', () => {
    const to = NOW - 86_400_000;
    expect(parseReadingsQuery({ to: String(to) }, NOW)).toMatchObject({ from: to - DEFAULT_WINDOW_MS, to });
  });

  it('keeps metric and limit in raw mode', () => {
    expect(parseReadingsQuery({ metric: 'ch4_lel', limit: 10 }, NOW)).toEqual({
      mode: 'raw',
      metric: 'ch4_lel',
      limit: 10,
      from: NOW - DEFAULT_WINDOW_MS,
      to: NOW,
    });
  });

  it('switches to aggregate mode with every', () => {
    expect(parseReadingsQuery({ metric: 'ch4_lel', every: '5m', from: '2025-06-01T11:00:00Z' }, NOW)).toEqual({
      mode: 'aggregate',
      metric: 'ch4_lel',
      everyMs: 300_000,
      from: NOW - 3_600_000,
      to: NOW,
    });
  });

  it.each([
    [{ from: String(NOW), to: String(NOW) }, 'from'],
    [{ from: String(NOW + 1), to: String(NOW) }, 'from'],
    [{ every: '5m' }, 'metric'],
    [{ metric: 'x', every: '500ms' }, 'every'],
    [{ metric: 'x', every: '1s', from: '0' }, 'every'],
    [{ metric: 'x', every: '1m', limit: 5 }, 'limit'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 1_000_000 }, 'limit'],
    [{ every: 'soon', metric: 'x' }, 'every'],
  ])('rejects %j (param %s)', (q, param) => {
    const e = queryError(() => parseReadingsQuery(q, NOW));
    expect(e.code).toBe('QUERY_INVALID');
    expect(e.details).toMatchObject({ param });
  });

  it('allows exactly the bucket cap', () => {
    const from = NOW - MAX_BUCKETS * 60_000;
    expect(parseReadingsQuery({ metric: 'x', every: '1m', from: String(from) }, NOW).mode).toBe('aggregate');
    expect(() => parseReadingsQuery({ metric: 'x', every: '1m', from: String(from - 60_000) }, NOW)).toThrow(AppError);
  });
});
