import { describe, expect, it } from 'vitest';
import { dataTypeProblem, fromInt64, uneceUnitId, unitProblem } from './node-values.js';
import { Watchdog } from './watchdog.js';

describe('fromInt64', () => {
  it('joins node-opcua [high, low] words, signed for Int64', () => {
    expect(fromInt64('Int64', [0, 181])).toEqual({ value: 181 });
    expect(fromInt64('UInt64', [1, 5])).toEqual({ value: 2 ** 32 + 5 });
    expect(fromInt64('Int64', [0xffffffff, 0xffffffff])).toEqual({ value: -1 });
    expect(fromInt64('Int64', [-1, 0xfffffffe])).toEqual({ value: -2 });
    expect(fromInt64('UInt64', [0x1fffff, 0xffffffff])).toEqual({ value: Number.MAX_SAFE_INTEGER });
  });

  it('refuses values beyond ±2^53 with a clear message, and anything that is not a pair', () => {
    expect(fromInt64('UInt64', [2 ** 28, 0])).toEqual({ error: expect.stringMatching(/^UInt64 value \[268435456, 0\] is beyond ±9007199254740991/) });
    expect(fromInt64('Int64', 42)).toEqual({ error: 'Int64 value 42 is not a [high, low] pair' });
  });
});

describe('dataTypeProblem', () => {
  it('accepts the numeric built-in types for a number metric and names the others', () => {
    for (const id of [3, 6, 8, 9, 10, 11]) expect(dataTypeProblem(0, id, { name: 'flow_m3h', type: 'number' })).toBeNull();
    expect(dataTypeProblem(0, 12, { name: 'flow_m3h', type: 'number' })).toBe('node has data type String; metric flow_m3h needs a number');
    expect(dataTypeProblem(2, 'MyStruct', { name: 'flow_m3h', type: 'number' })).toBe('node has data type ns=2;s=MyStruct; metric flow_m3h needs a number');
    expect(dataTypeProblem(0, 1, { name: 'door_open', type: 'boolean' })).toBeNull();
  });
});

describe('unitProblem', () => {
  it('matches the UNECE unitId or the display name, and names a mismatch', () => {
    expect(uneceUnitId('CEL')).toBe(4408652);
    expect(unitProblem('°C', { unitId: 4408652, displayName: '°C' })).toBeNull();
    expect(unitProblem('m³/h', { unitId: 0, displayName: 'm3/h' })).toBeNull();
    expect(unitProblem('°C', null)).toBeNull();
    expect(unitProblem('°C', { unitId: uneceUnitId('FAH'), displayName: '°F' })).toBe(`station unit °F (UNECE unitId ${uneceUnitId('FAH')}) differs from the contract unit °C (UNECE CEL, unitId 4408652)`);
  });
});

describe('Watchdog', () => {
  it('trips on silence only while armed, and a keep-alive or data resets it', () => {
    const w = new Watchdog({ silenceMs: 1000, maxRepairsPerSecond: 5 });
    expect(w.check(10_000)).toBeNull();
    w.arm(0);
    expect(w.check(900)).toBeNull();
    w.activity(900);
    expect(w.check(1800)).toBeNull();
    expect(w.check(2000)).toBe('no data and no keep-alive for 1100 ms (limit 1000 ms)');
    w.disarm();
    expect(w.check(5000)).toBeNull();
  });

  it('trips when repair requests run hotter than the limit within one second', () => {
    const w = new Watchdog({ silenceMs: 60_000, maxRepairsPerSecond: 3 });
    w.arm(0);
    expect([10, 20, 30].map((t) => w.repair(t))).toEqual([null, null, null]);
    expect(w.repair(40)).toMatch(/^repair loop running hot: more than 3 repair requests/);
    // A new second starts a new count: a slow, legitimate repair never trips.
    w.arm(0);
    expect([0, 1000, 2000, 3000, 4000, 5000].map((t) => w.repair(t))).toEqual(Array(6).fill(null));
  });
});
