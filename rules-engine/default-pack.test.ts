import { describe, expect, it } from 'vitest';
import { defaultRulePack } from './default-pack.js';
import { RuleEngine } from './engine.js';
import { severityRank } from './severity.js';
import type { Signal, SubjectInfo } from './signal.js';
import { deviceEvent, reading } from './testing.js';

const WINTER = Date.UTC(2026, 0, 10, 2); // 10 January, heating season
const SUMMER = Date.UTC(2026, 6, 10, 2);
const MIN = 60_000;

interface Case {
  name: string;
  kind: string;
  /** One metrics object per reading, `step` ms apart. */
  series: Array<Record<string, number>>;
  step?: number;
  start?: number;
  subject?: SubjectInfo;
  /** Events sent after the series. */
  events?: string[];
  /** Expected worst firing signal: [rule id, severity], or null for none. */
  expect: [string, string] | null;
}

const flat = (n: number, m: Record<string, number>) => Array.from({ length: n }, () => m);
const bridge = { params: { strain_ue_limit: 1000, displacement_mm_limit: 200 } };

// domain.md "Thresholds worth shipping as the default rule pack", one row per incident.
const CASES: Case[] = [
  { name: 'gas 12 %LEL', kind: 'gas', series: [{ ch4_lel: 12 }], expect: ['gas.ch4', 'blue'] },
  { name: 'gas 22 %LEL', kind: 'gas', series: [{ ch4_lel: 22 }], expect: ['gas.ch4', 'yellow'] },
  { name: 'gas 27 %LEL', kind: 'gas', series: [{ ch4_lel: 27 }], expect: ['gas.ch4', 'orange'] },
  { name: 'gas 55 %LEL', kind: 'gas', series: [{ ch4_lel: 55 }], expect: ['gas.ch4', 'red'] },
  { name: 'gas 8 %LEL', kind: 'gas', series: [{ ch4_lel: 8 }], expect: null },
  { name: 'water drop 0.07 in 5 min', kind: 'water', step: MIN, series: [0.4, 0.39, 0.37, 0.35, 0.34, 0.33].map((p) => ({ pressure_mpa: p })), expect: ['water.pressure.drop', 'blue'] },
  { name: 'water drop 0.12 in 5 min', kind: 'water', step: MIN, series: [0.4, 0.38, 0.35, 0.32, 0.3, 0.28].map((p) => ({ pressure_mpa: p })), expect: ['water.pressure.drop', 'yellow'] },
  { name: 'water drop 0.2 in 2 min (burst)', kind: 'water', step: MIN, series: [0.4, 0.3, 0.2].map((p) => ({ pressure_mpa: p })), expect: ['water.pressure.burst', 'orange'] },
  { name: 'water below 0.1 for 5 min', kind: 'water', step: MIN, series: flat(7, { pressure_mpa: 0.08 }), expect: ['water.pressure.low', 'red'] },
  { name: 'water below 0.1 for 3 min only', kind: 'water', step: MIN, series: flat(4, { pressure_mpa: 0.08 }), expect: null },
  { name: 'heat supply 45 °C in January', kind: 'heat', series: [{ supply_temp_c: 45, return_temp_c: 35 }], expect: ['heat.supply.low', 'blue'] },
  { name: 'heat supply 45 °C in July', kind: 'heat', start: SUMMER, series: [{ supply_temp_c: 45, return_temp_c: 35 }], expect: null },
  { name: 'heat supply−return 3 °C for 30 min', kind: 'heat', step: MIN, series: flat(31, { supply_temp_c: 60, return_temp_c: 57 }), expect: ['heat.delta.low', 'yellow'] },
  { name: 'heat supply pressure 1.2 MPa', kind: 'heat', series: [{ supply_temp_c: 80, return_temp_c: 55, supply_pressure_mpa: 1.2 }], expect: ['heat.supply-pressure.high', 'orange'] },
  { name: 'heat supply pressure 0.1 MPa', kind: 'heat', series: [{ supply_temp_c: 80, return_temp_c: 55, supply_pressure_mpa: 0.1 }], expect: ['heat.supply-pressure.low', 'orange'] },
  { name: 'heat station band from its params', kind: 'heat', subject: { params: { supply_pressure_max_mpa: 1.6 } }, series: [{ supply_temp_c: 80, return_temp_c: 55, supply_pressure_mpa: 1.2 }], expect: null },
  { name: 'drainage 60 % of depth', kind: 'drainage', subject: { params: { depth_m: 2 } }, series: [{ level_m: 1.2 }], expect: ['drainage.level', 'blue'] },
  { name: 'drainage 75 % of depth', kind: 'drainage', subject: { params: { depth_m: 2 } }, series: [{ level_m: 1.5 }], expect: ['drainage.level', 'yellow'] },
  { name: 'drainage 90 % of depth', kind: 'drainage', subject: { params: { depth_m: 2 } }, series: [{ level_m: 1.8 }], expect: ['drainage.level', 'orange'] },
  { name: 'drainage surcharge', kind: 'drainage', subject: { params: { depth_m: 2 } }, series: [{ level_m: 2.1 }], expect: ['drainage.level', 'red'] },
  { name: 'drainage cover open while rising', kind: 'drainage', step: MIN, series: [{ level_m: 0.2 }, { level_m: 0.4 }], events: ['cover_open'], expect: ['drainage.cover-open-rising', 'red'] },
  { name: 'drainage cover open, level steady', kind: 'drainage', step: MIN, series: [{ level_m: 0.4 }, { level_m: 0.4 }], events: ['cover_open'], expect: null },
  { name: 'elevator door_fault', kind: 'elevator', series: [], events: ['door_fault'], expect: ['elevator.events', 'blue'] },
  { name: 'elevator overspeed', kind: 'elevator', series: [], events: ['overspeed'], expect: ['elevator.events', 'yellow'] },
  { name: 'elevator trapped', kind: 'elevator', series: [], events: ['trapped'], expect: ['elevator.events', 'red'] },
  { name: 'bridge strain 65 %', kind: 'bridge', subject: bridge, series: [{ strain_ue: 650, displacement_mm: 10 }], expect: ['bridge.strain', 'blue'] },
  { name: 'bridge compression 80 %', kind: 'bridge', subject: bridge, series: [{ strain_ue: -800, displacement_mm: 10 }], expect: ['bridge.strain', 'yellow'] },
  { name: 'bridge displacement 92 %', kind: 'bridge', subject: bridge, series: [{ strain_ue: 100, displacement_mm: 184 }], expect: ['bridge.displacement', 'orange'] },
  { name: 'bridge strain at the design limit', kind: 'bridge', subject: bridge, series: [{ strain_ue: 1000, displacement_mm: 10 }], expect: ['bridge.strain', 'red'] },
];

function run(c: Case): Signal[] {
  const e = new RuleEngine(defaultRulePack());
  const start = c.start ?? WINTER;
  const step = c.step ?? 10_000;
  const out: Signal[] = [];
  c.series.forEach((m, i) => out.push(...e.evaluateReading(reading('DEV-1', c.kind, start + i * step, m), c.subject)));
  const t = start + c.series.length * step;
  (c.events ?? []).forEach((type, i) => out.push(...e.evaluateEvent(deviceEvent('DEV-1', c.kind, t + i, type), c.subject)));
  return out.filter((s) => s.state === 'firing');
}

describe('default pack raises the severity domain.md gives each incident', () => {
  it.each(CASES)('$name', (c) => {
    const fired = run(c);
    const worst = fired.reduce<Signal | null>((w, s) => (w === null || severityRank(s.severity) > severityRank(w.severity) ? s : w), null);
    expect(worst === null ? null : [worst.ruleId, worst.severity]).toEqual(c.expect);
  });

  it('any device offline for 3× its contract interval → yellow', () => {
    const e = new RuleEngine(defaultRulePack());
    e.evaluateReading(reading('EL-1', 'elevator', WINTER, { running: false, door_open: false, floor: 1 }));
    expect(e.tick(WINTER + 90_000)).toEqual([]);
    const [s] = e.tick(WINTER + 90_001);
    expect([s?.ruleId, s?.severity]).toEqual(['device.offline', 'yellow']);
  });
});
