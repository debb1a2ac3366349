import { describe, expect, it } from 'vitest';
import { defaultRulePack } from './default-pack.js';
import { RuleEngine } from './engine.js';
import type { Signal } from './signal.js';
import { reading } from './testing.js';

const T0 = Date.UTC(2026, 0, 10, 2);
const MIN = 60_000;
// Five pressure sensors ~150 m apart along one main (0.0015° of longitude ≈ 130 m at 36° N).
const MAIN = Array.from({ length: 5 }, (_, i) => ({ id: `W-${i + 1}`, location: { lon: 120.38 + i * 0.0015, lat: 36.07 } }));

function burstRun(engine: RuleEngine, sensors: typeof MAIN, drops: number[]): Signal[] {
  const out: Signal[] = [];
  // Minute 0: all normal; minute 1 and 2: pressure falls (a burst), each sensor by its own amount.
  for (let minute = 0; minute < 3; minute++) {
    sensors.forEach((s, i) => {
      const p = 0.4 - (drops[i]! * minute) / 2;
      out.push(...engine.evaluateReading(reading(s.id, 'water', T0 + minute * MIN + i * 1000, { pressure_mpa: p }), { location: s.location }));
    });
  }
  return out;
}

describe('correlation', () => {
  it('five pressure sensors on one main within R → one incident with the highest severity', () => {
    const e = new RuleEngine(defaultRulePack());
    const out = burstRun(e, MAIN, [0.06, 0.12, 0.2, 0.08, 0.07]);
    const incidents = out.filter((s) => s.ruleId === 'water.burst-area');
    // One incident: opened as the third member arrives, then updated as members join and upgraded to orange (W-3's burst).
    expect(new Set(incidents.map((s) => s.subject)).size).toBe(1);
    expect(incidents.every((s) => s.state === 'firing')).toBe(true);
    expect(incidents.at(-1)?.severity).toBe('orange');
    expect([...(incidents.at(-1)?.members ?? [])].sort()).toEqual(['W-1', 'W-2', 'W-3', 'W-4', 'W-5']);
    expect(incidents.at(-1)?.labels.location?.lon).toBeCloseTo(120.383, 3);
    const severities = incidents.map((s) => s.severity);
    expect(severities).toEqual([...severities].sort((a, b) => ['blue', 'yellow', 'orange', 'red'].indexOf(a) - ['blue', 'yellow', 'orange', 'red'].indexOf(b)));
  });

  it('sensors further apart than R do not correlate', () => {
    const e = new RuleEngine(defaultRulePack());
    const far = MAIN.map((s, i) => ({ ...s, location: { lon: 120.38 + i * 0.05, lat: 36.07 } }));
    expect(burstRun(e, far, [0.2, 0.2, 0.2, 0.2, 0.2]).filter((s) => s.ruleKind === 'correlation')).toEqual([]);
  });

  it('the incident clears when its last member clears', () => {
    const e = new RuleEngine(defaultRulePack());
    const sensors = MAIN.slice(0, 3);
    burstRun(e, sensors, [0.07, 0.07, 0.07]);
    const out: Signal[] = [];
    // Pressure recovers and holds; once the 5-minute window has passed the drop rules clear.
    for (let minute = 3; minute < 12; minute++) {
      sensors.forEach((s, i) => out.push(...e.evaluateReading(reading(s.id, 'water', T0 + minute * MIN + i * 1000, { pressure_mpa: 0.4 }), { location: s.location })));
    }
    const inc = out.filter((s) => s.ruleKind === 'correlation');
    expect(inc.map((s) => s.state)).toEqual(['clear']);
    expect(out.filter((s) => s.ruleKind !== 'correlation' && s.state === 'clear').length).toBe(3);
  });

  it("one bridge's sensors on the same asset → one incident", () => {
    const e = new RuleEngine(defaultRulePack());
    const subject = { params: { strain_ue_limit: 1000, displacement_mm_limit: 200 } };
    const out = [
      ...e.evaluateReading(reading('B-1', 'bridge', T0, { strain_ue: 700, displacement_mm: 1 }, { asset: 'jiaozhou-bay-bridge' }), subject),
      ...e.evaluateReading(reading('B-2', 'bridge', T0 + 5000, { strain_ue: 950, displacement_mm: 1 }, { asset: 'jiaozhou-bay-bridge' }), subject),
      ...e.evaluateReading(reading('B-3', 'bridge', T0 + 6000, { strain_ue: 950, displacement_mm: 1 }, { asset: 'another-bridge' }), subject),
    ];
    const inc = out.filter((s) => s.ruleId === 'bridge.asset');
    expect(inc.map((s) => [s.subject, s.severity, s.members])).toEqual([['incident:bridge.asset:jiaozhou-bay-bridge', 'orange', ['B-1', 'B-2']]]);
  });
});
