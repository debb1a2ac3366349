import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getContract } from '../firmware-contracts/index.js';
import { ManualClock } from '../kernel/clock.js';
import { RuleEngine } from './engine.js';
import type { Rule } from './rules.js';
import type { Signal } from './signal.js';
import { deviceEvent, reading } from './testing.js';

const T0 = Date.UTC(2026, 0, 10, 4);
const gas: Rule = {
  id: 'gas', name: 'gas methane', version: 1, enabled: true, kind: 'threshold', scope: { deviceKind: 'gas' },
  metric: 'ch4_lel', direction: 'above', levels: { blue: 10, yellow: 20, orange: 25, red: 50 }, clear: { absolute: 2 },
};
const brief = (ss: Signal[]) => ss.map((s) => `${s.ruleId}:${s.state}:${s.severity}`);

function feed(e: RuleEngine, values: number[], opts: { id?: string; step?: number; metric?: string; kind?: string } = {}): Signal[][] {
  return values.map((v, i) => e.evaluateReading(reading(opts.id ?? 'GW-0412', opts.kind ?? 'gas', T0 + i * (opts.step ?? 1000), { [opts.metric ?? 'ch4_lel']: v })));
}

describe('threshold rules', () => {
  it('fire once per episode, change level, and clear only past hysteresis', () => {
    const e = new RuleEngine([gas]);
    const out = feed(e, [5, 27, 27, 26, 24, 23.5, 22, 12, 8.5, 8, 7.9, 7, 30]);
    expect(out.map(brief)).toEqual([
      [], ['gas:firing:orange'], [], [], [], [], ['gas:firing:yellow'], ['gas:firing:blue'], [], [], ['gas:clear:blue'], [], ['gas:firing:orange'],
    ]);
    expect(out[1]![0]!.message).toBe('gas methane 27 %LEL at GW-0412 — orange');
    expect(out[1]![0]!.values).toEqual({ value: 27, threshold: 25 });
  });

  it('property: never two firings in a row at the same level, and clear only after firing', () => {
    fc.assert(fc.property(fc.array(fc.float({ min: 0, max: 100, noNaN: true }), { maxLength: 60 }), (vals) => {
      const e = new RuleEngine([gas]);
      let level = -1;
      for (const s of feed(e, vals).flat()) {
        const rank = ['blue', 'yellow', 'orange', 'red'].indexOf(s.severity);
        if (s.state === 'firing') expect(rank).not.toBe(level);
        else expect(level).toBe(rank);
        level = s.state === 'firing' ? rank : -1;
      }
    }));
  });

  it('debounce by count needs N consecutive readings in condition', () => {
    const e = new RuleEngine([{ ...gas, debounce: { count: 3 } }]);
    expect(feed(e, [30, 30, 5, 30, 30, 30, 30]).map(brief)).toEqual([[], [], [], [], [], ['gas:firing:orange'], []]);
  });

  it('debounce by duration fires on a reading or on tick once the hold time has passed', () => {
    const low: Rule = { id: 'low', name: 'water pressure low', version: 1, enabled: true, kind: 'threshold', scope: { deviceKind: 'water' },
      metric: 'pressure_mpa', direction: 'below', levels: { red: 0.1 }, debounce: { forMs: 300_000 }, clear: { absolute: 0.02 } };
    const e = new RuleEngine([low]);
    const out = feed(e, [0.3, 0.05, 0.06, 0.07, 0.05, 0.05, 0.05, 0.05], { id: 'W-1', kind: 'water', metric: 'pressure_mpa', step: 60_000 });
    // below 0.1 from T0+60 s; sustained 5 min at T0+360 s (the 7th reading).
    expect(out.map((x) => x.length)).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
    expect(out[6]![0]!.at).toBe(T0 + 360_000);

    const t = new RuleEngine([low]);
    feed(t, [0.05, 0.05, 0.05, 0.05, 0.05], { id: 'W-1', kind: 'water', metric: 'pressure_mpa', step: 60_000 });
    expect(t.tick(T0 + 299_999)).toEqual([]);
    expect(brief(t.tick(T0 + 300_000))).toEqual(['low:firing:red']);
    expect(t.tick(T0 + 300_001)).toEqual([]);
  });

  it('ignores a debounce on tick when the device stopped reporting (the deadman covers silence)', () => {
    const low: Rule = { id: 'low', name: 'low', version: 1, enabled: true, kind: 'threshold', scope: { deviceKind: 'water' },
      metric: 'pressure_mpa', direction: 'below', levels: { red: 0.1 }, debounce: { forMs: 300_000 } };
    const e = new RuleEngine([low]);
    feed(e, [0.05], { id: 'W-1', kind: 'water', metric: 'pressure_mpa' });
    expect(e.tick(T0 + 400_000)).toEqual([]);
  });

  it('relative levels read the subject params; without them the rule does not apply', () => {
    const lvl: Rule = { id: 'lvl', name: 'drainage water level', version: 1, enabled: true, kind: 'threshold', scope: { deviceKind: 'drainage' },
      metric: 'level_m', direction: 'above', relativeTo: 'depth_m', levels: { blue: 0.5, red: 1 } };
    const e = new RuleEngine([lvl]);
    expect(e.evaluateReading(reading('D-1', 'drainage', T0, { level_m: 2.9 }))).toEqual([]);
    const [s] = e.evaluateReading(reading('D-1', 'drainage', T0 + 1, { level_m: 1.8 }), { params: { depth_m: 3 } });
    expect(s?.message).toBe('drainage water level 1.8 m (60 % of depth_m 3) at D-1 — blue');
  });

  it('a different-kind or different-device rule is never evaluated', () => {
    const other: Rule = { ...gas, id: 'other', scope: { deviceKind: 'gas', deviceId: 'GW-9999' } };
    const e = new RuleEngine([other]);
    expect(feed(e, [90, 5, 90]).flat()).toEqual([]);
  });
});

describe('rate rules', () => {
  const burst: Rule = { id: 'burst', name: 'water pressure burst (2 min)', version: 1, enabled: true, kind: 'rate', scope: { deviceKind: 'water' },
    metric: 'pressure_mpa', direction: 'below', windowMs: 120_000, levels: { orange: 0.15 }, clear: { absolute: 0.05 } };

  it('fire on a pressure drop within the window (a burst) and clear once the drop leaves the window', () => {
    const e = new RuleEngine([burst]);
    const series = [0.4, 0.4, 0.39, 0.3, 0.22, 0.21, 0.21, 0.21, 0.21];
    const out = feed(e, series, { id: 'W-1', kind: 'water', metric: 'pressure_mpa', step: 30_000 });
    // At +210 s the window (from +90 s) starts at 0.3: drop 0.09 is past the 0.15 − 0.05 clear level.
    expect(out.map(brief)).toEqual([[], [], [], [], ['burst:firing:orange'], [], [], ['burst:clear:orange'], []]);
    expect(out[4]![0]!.values['value']).toBeCloseTo(0.18);
  });

  it('a slow decline of the same size does not fire', () => {
    const e = new RuleEngine([burst]);
    const slow = Array.from({ length: 30 }, (_, i) => 0.4 - i * 0.01);
    expect(feed(e, slow, { id: 'W-1', kind: 'water', metric: 'pressure_mpa', step: 60_000 }).flat()).toEqual([]);
  });
});

describe('deadman', () => {
  const off: Rule = { id: 'off', name: 'device offline', version: 1, enabled: true, kind: 'deadman', scope: {}, severity: 'yellow', deadmanFactor: 3 };

  it('fires after k × the contract interval, once, and clears on the next message', () => {
    const clock = new ManualClock(T0);
    const e = new RuleEngine([off]);
    e.evaluateReading(reading('GW-1', 'gas', clock.now(), { ch4_lel: 1 }));
    const interval = getContract('gas')!.intervalMs;
    clock.advance(3 * interval);
    expect(e.tick(clock.now())).toEqual([]);
    clock.advance(1);
    const [s] = e.tick(clock.now());
    expect(s).toMatchObject({ ruleId: 'off', subject: 'GW-1', state: 'firing', severity: 'yellow' });
    expect(s!.message).toBe('device offline: GW-1 silent 3 min (expected every 60 s) — yellow');
    clock.advance(interval);
    expect(e.tick(clock.now())).toEqual([]);
    expect(brief(e.evaluateReading(reading('GW-1', 'gas', clock.now(), { ch4_lel: 1 })))).toEqual(['off:clear:yellow']);
  });

  it('covers devices registered with track() that never reported, with a per-device interval', () => {
    const e = new RuleEngine([off]);
    e.track({ deviceId: 'B-1', kind: 'bridge', district: null, asset: 'br-7', lastSeenAt: T0 }, { params: { interval_ms: 1000 } });
    expect(brief(e.tick(T0 + 3001))).toEqual(['off:firing:yellow']);
  });
});

describe('event rules', () => {
  const elev: Rule = { id: 'elev', name: 'elevator', version: 1, enabled: true, kind: 'event', scope: { deviceKind: 'elevator' },
    events: { door_fault: 'blue', overspeed: 'yellow', trapped: 'red' } };
  const cover: Rule = { id: 'cover', name: 'drainage cover open while level rising', version: 1, enabled: true, kind: 'event',
    scope: { deviceKind: 'drainage' }, events: { cover_open: 'red' }, clearOn: ['cover_closed'], requireRising: { metric: 'level_m', windowMs: 600_000 } };

  it('map event types to severities; each distinct event fires, re-deliveries do not', () => {
    const e = new RuleEngine([elev]);
    const [s] = e.evaluateEvent(deviceEvent('EL-7', 'elevator', T0, 'trapped'));
    expect(s?.message).toBe('elevator trapped at EL-7 — red');
    expect(e.evaluateEvent(deviceEvent('EL-7', 'elevator', T0, 'trapped'))).toEqual([]);
    expect(brief(e.evaluateEvent(deviceEvent('EL-7', 'elevator', T0 + 5, 'door_fault')))).toEqual(['elev:firing:blue']);
    expect(e.evaluateEvent(deviceEvent('EL-7', 'elevator', T0 + 6, 'power_loss'))).toEqual([]);
  });

  it('cover_open fires only while the level rises, once per episode, and clears on cover_closed', () => {
    const e = new RuleEngine([cover]);
    e.evaluateReading(reading('D-1', 'drainage', T0, { level_m: 1 }));
    e.evaluateReading(reading('D-1', 'drainage', T0 + 60_000, { level_m: 1 }));
    expect(e.evaluateEvent(deviceEvent('D-1', 'drainage', T0 + 61_000, 'cover_open'))).toEqual([]);
    e.evaluateReading(reading('D-1', 'drainage', T0 + 120_000, { level_m: 1.4 }));
    expect(brief(e.evaluateEvent(deviceEvent('D-1', 'drainage', T0 + 121_000, 'cover_open')))).toEqual(['cover:firing:red']);
    expect(e.evaluateEvent(deviceEvent('D-1', 'drainage', T0 + 122_000, 'cover_open'))).toEqual([]);
    expect(brief(e.evaluateEvent(deviceEvent('D-1', 'drainage', T0 + 123_000, 'cover_closed')))).toEqual(['cover:clear:red']);
  });
});

describe('QoS 1 duplicates', () => {
  it('property: re-delivered readings (same device, ts, seq) never change the signals', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ v: fc.integer({ min: 0, max: 80 }), dup: fc.nat({ max: 3 }) }), { maxLength: 40 }),
      (steps) => {
        const once = new RuleEngine([gas]);
        const twice = new RuleEngine([gas]);
        const a: string[] = [];
        const b: string[] = [];
        steps.forEach(({ v, dup }, i) => {
          const r = reading('GW-1', 'gas', T0 + i * 1000, { ch4_lel: v }, { seq: i });
          a.push(...brief(once.evaluateReading(r)));
          for (let k = 0; k <= dup; k++) b.push(...brief(twice.evaluateReading({ ...r, receivedAt: r.receivedAt + k })));
        });
        expect(b).toEqual(a);
        expect(twice.counters.duplicates).toBe(steps.reduce((n, s) => n + s.dup, 0));
      },
    ));
  });

  it('a late re-delivery after newer readings is ignored; same ts with another seq is a new sample', () => {
    const e = new RuleEngine([{ ...gas, debounce: { count: 2 } }]);
    e.evaluateReading(reading('GW-1', 'gas', T0, { ch4_lel: 30 }, { seq: 1 }));
    expect(e.evaluateReading(reading('GW-1', 'gas', T0, { ch4_lel: 30 }, { seq: 1 }))).toEqual([]);
    expect(brief(e.evaluateReading(reading('GW-1', 'gas', T0, { ch4_lel: 30 }, { seq: 2 })))).toEqual(['gas:firing:orange']);
    expect(e.evaluateReading(reading('GW-1', 'gas', T0 - 1, { ch4_lel: 90 }, { seq: 0 }))).toEqual([]);
    expect(e.counters).toMatchObject({ duplicates: 1, stale: 1 });
  });
});

describe('snapshot / restore', () => {
  it('continues mid-debounce after a JSON round trip exactly as an engine that never stopped', () => {
    const rules: Rule[] = [{ ...gas, debounce: { count: 3 } }, { id: 'off', name: 'device offline', version: 1, enabled: true, kind: 'deadman', scope: {}, severity: 'yellow' }];
    const live = new RuleEngine(rules);
    const before = [30, 30];
    const after = [30, 30, 5, 60];
    feed(live, before);
    const restored = RuleEngine.restore(JSON.parse(JSON.stringify(live.snapshot())));
    const at = (i: number) => reading('GW-0412', 'gas', T0 + (before.length + i) * 1000, { ch4_lel: after[i]! });
    for (let i = 0; i < after.length; i++) expect(brief(restored.evaluateReading(at(i)))).toEqual(brief(live.evaluateReading(at(i))));
    expect(brief(RuleEngine.restore(live.snapshot()).tick(T0 + 3_600_000))).toEqual(['off:firing:yellow']);
  });

  it('property: any split point gives the same signals', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 30 }), fc.nat(30), (vals, cut) => {
      const rules: Rule[] = [{ ...gas, debounce: { count: 2 } }];
      const a = new RuleEngine(rules);
      const whole = feed(a, vals).flat().map((s) => s.message);
      let b = new RuleEngine(rules);
      const split: string[] = [];
      vals.forEach((v, i) => {
        if (i === cut) b = RuleEngine.restore(JSON.parse(JSON.stringify(b.snapshot())));
        split.push(...b.evaluateReading(reading('GW-0412', 'gas', T0 + i * 1000, { ch4_lel: v })).map((s) => s.message));
      });
      expect(split).toEqual(whole);
    }));
  });

  it('drops state of rules removed on restore', () => {
    const e = new RuleEngine([gas]);
    feed(e, [30]);
    const r = RuleEngine.restore(e.snapshot(), { rules: [{ ...gas, id: 'gas2' }] });
    expect(r.snapshot().devices[0]!.level).toEqual({});
  });
});
