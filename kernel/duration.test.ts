import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads every unit', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration(' 2s ')).toBe(2_000);
  });

  it('reads a bare number as milliseconds only when asked to', () => {
    expect(parseDuration('250')).toBeUndefined();
    expect(parseDuration('250', { bareMs: true })).toBe(250);
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'abc', '5 min', '-1s', '1e3ms', '5M', 's']) expect(parseDuration(bad, { bareMs: true })).toBeUndefined();
  });

  it('formats with the largest even unit and round-trips', () => {
    expect(formatDuration(10_000)).toBe('10s');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(20)).toBe('20ms');
    expect(formatDuration(1_500)).toBe('1500ms');
    for (const ms of [1, 20, 999, 1_000, 90_000, 3_600_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
