/**
 * The default rule pack, shipped and enabled: domain.md "Thresholds worth shipping as the default rule
 * pack" for all six kinds, plus offline detection and two correlation rules. Every number is a *default*
 * the operator may change; per-asset values (manhole depth, bridge design limits, pressure band) come from
 * the subject's params. Metric and event names are checked against the firmware contract at load time.
 */
import { getContract, type DeviceKind } from '../firmware-contracts/index.js';
import { validateRule, type Rule } from './rules.js';

/** A metric name of a kind, asserted to exist in its firmware contract (never a free-typed name). */
function metric(kind: DeviceKind, name: string): string {
  if (!getContract(kind)?.metrics.some((m) => m.name === name)) throw new Error(`default pack: ${kind} has no metric ${name}`);
  return name;
}

const MIN = 60_000;
const base = { version: 1, enabled: true } as const;

const RULES: Rule[] = [
  {
    ...base, id: 'gas.ch4', name: 'gas methane', name_zh: '燃气甲烷浓度', kind: 'threshold', scope: { deviceKind: 'gas' },
    metric: metric('gas', 'ch4_lel'), direction: 'above', levels: { blue: 10, yellow: 20, orange: 25, red: 50 },
    clear: { absolute: 2 },
    source: 'GB/T 50493-2019: level-1 alarm ≤ 25 %LEL, level-2 ≤ 50 %LEL; utility-tunnel gas cabins alarm ≤ 20 %LEL',
  },
  {
    ...base, id: 'water.pressure.drop', name: 'water pressure drop (5 min)', name_zh: '供水压力下降（5 分钟）', kind: 'rate', scope: { deviceKind: 'water' },
    metric: metric('water', 'pressure_mpa'), direction: 'below', windowMs: 5 * MIN, levels: { blue: 0.05, yellow: 0.1 },
    clear: { absolute: 0.02 }, source: 'domain.md default: drop > 0.05 / > 0.1 MPa in 5 min',
  },
  {
    ...base, id: 'water.pressure.burst', name: 'water pressure burst (2 min)', name_zh: '供水压力骤降（2 分钟，疑似爆管）', kind: 'rate', scope: { deviceKind: 'water' },
    metric: metric('water', 'pressure_mpa'), direction: 'below', windowMs: 2 * MIN, levels: { orange: 0.15 },
    clear: { absolute: 0.05 }, source: 'domain.md default: drop > 0.15 MPa in 2 min (pipe burst)',
  },
  {
    ...base, id: 'water.pressure.low', name: 'water pressure low', name_zh: '供水压力过低', kind: 'threshold', scope: { deviceKind: 'water' },
    metric: metric('water', 'pressure_mpa'), direction: 'below', levels: { red: 0.1 }, debounce: { forMs: 5 * MIN },
    clear: { absolute: 0.02 }, source: 'domain.md default: below 0.1 MPa sustained 5 min',
  },
  {
    ...base, id: 'heat.supply.low', name: 'heat supply temperature low', name_zh: '供热供水温度过低', kind: 'threshold', scope: { deviceKind: 'heat' },
    metric: metric('heat', 'supply_temp_c'), direction: 'below', levels: { blue: 50 }, clear: { absolute: 2 },
    // Qingdao's heating season runs mid-November to early April (local time, UTC+8); *default*.
    season: { from: '11-15', to: '04-05', utcOffsetMinutes: 480 },
    source: 'domain.md default: supply < 50 °C in season',
  },
  {
    ...base, id: 'heat.delta.low', name: 'heat supply−return difference low', name_zh: '供热供回水温差过小', kind: 'threshold', scope: { deviceKind: 'heat' },
    metric: metric('heat', 'supply_temp_c'), minus: metric('heat', 'return_temp_c'), direction: 'below', levels: { yellow: 5 },
    debounce: { forMs: 30 * MIN }, clear: { absolute: 1 }, season: { from: '11-15', to: '04-05', utcOffsetMinutes: 480 },
    source: 'domain.md default: supply − return < 5 °C for 30 min',
  },
  {
    ...base, id: 'heat.supply-pressure.high', name: 'heat supply pressure above band', name_zh: '供热供水压力高于范围', kind: 'threshold', scope: { deviceKind: 'heat' },
    metric: metric('heat', 'supply_pressure_mpa'), direction: 'above', relativeTo: 'supply_pressure_max_mpa', levels: { orange: 1 },
    params: { supply_pressure_max_mpa: 1.0 }, clear: { fraction: 0.05 },
    source: 'domain.md default: supply pressure outside band (band per station; 0.2–1.0 MPa when not given)',
  },
  {
    ...base, id: 'heat.supply-pressure.low', name: 'heat supply pressure below band', name_zh: '供热供水压力低于范围', kind: 'threshold', scope: { deviceKind: 'heat' },
    metric: metric('heat', 'supply_pressure_mpa'), direction: 'below', relativeTo: 'supply_pressure_min_mpa', levels: { orange: 1 },
    params: { supply_pressure_min_mpa: 0.2 }, clear: { fraction: 0.05 },
    source: 'domain.md default: supply pressure outside band',
  },
  {
    ...base, id: 'drainage.level', name: 'drainage water level', name_zh: '排水井水位', kind: 'threshold', scope: { deviceKind: 'drainage' },
    metric: metric('drainage', 'level_m'), direction: 'above', relativeTo: 'depth_m',
    levels: { blue: 0.5, yellow: 0.7, orange: 0.85, red: 1.0 }, clear: { fraction: 0.05 },
    source: 'domain.md default: 50/70/85 % of the manhole depth; red at surcharge (≥ 100 %)',
  },
  {
    ...base, id: 'drainage.cover-open-rising', name: 'drainage cover open while level rising', name_zh: '水位上涨时井盖打开', kind: 'event',
    scope: { deviceKind: 'drainage' }, events: { cover_open: 'red' }, clearOn: ['cover_closed'],
    requireRising: { metric: metric('drainage', 'level_m'), windowMs: 10 * MIN },
    source: 'domain.md default: cover_open while level rising → red (an open manhole in a flood)',
  },
  {
    ...base, id: 'elevator.events', name: 'elevator', name_zh: '电梯', kind: 'event', scope: { deviceKind: 'elevator' },
    events: { door_fault: 'blue', overspeed: 'yellow', trapped: 'red' },
    source: 'domain.md: door_fault blue, overspeed yellow, trapped (passenger entrapment) red',
  },
  {
    ...base, id: 'bridge.strain', name: 'bridge strain', name_zh: '桥梁应变', kind: 'threshold', scope: { deviceKind: 'bridge' },
    metric: metric('bridge', 'strain_ue'), abs: true, direction: 'above', relativeTo: 'strain_ue_limit',
    levels: { blue: 0.6, yellow: 0.75, orange: 0.9, red: 1.0 }, clear: { fraction: 0.05 },
    source: 'domain.md default: 60/75/90/100 % of the design limit (JT/T 1037-2022 warning values per structure)',
  },
  {
    ...base, id: 'bridge.displacement', name: 'bridge displacement', name_zh: '桥梁位移', kind: 'threshold', scope: { deviceKind: 'bridge' },
    metric: metric('bridge', 'displacement_mm'), abs: true, direction: 'above', relativeTo: 'displacement_mm_limit',
    levels: { blue: 0.6, yellow: 0.75, orange: 0.9, red: 1.0 }, clear: { fraction: 0.05 },
    source: 'domain.md default: 60/75/90/100 % of the design limit (JT/T 1037-2022)',
  },
  {
    ...base, id: 'device.offline', name: 'device offline', name_zh: '设备离线', kind: 'deadman', scope: {}, severity: 'yellow', deadmanFactor: 3,
    source: 'domain.md: offline for 3× the expected interval (contract intervalMs) → yellow',
  },
  {
    ...base, id: 'water.burst-area', name: 'water pressure incident', name_zh: '供水压力异常事件', kind: 'correlation', scope: { deviceKind: 'water' },
    correlation: { radiusM: 1000, withinMs: 10 * MIN, minSubjects: 3, sourceRules: ['water.pressure.drop', 'water.pressure.burst', 'water.pressure.low'] },
    source: 'domain.md must-have 7: neighbouring sensors grouped into one incident, so one burst does not page fifty times',
  },
  {
    ...base, id: 'bridge.asset', name: 'bridge structural incident', name_zh: '桥梁结构异常事件', kind: 'correlation', scope: { deviceKind: 'bridge' },
    correlation: { radiusM: 1, withinMs: 10 * MIN, minSubjects: 2, sameAsset: true },
    source: 'domain.md must-have 7: one asset’s alerts grouped into one incident',
  },
];

/** The default pack, each rule validated (a broken default is a bug: it throws at load). */
export function defaultRulePack(): Rule[] {
  return RULES.map((r) => {
    const v = validateRule(r);
    if (!v.ok) throw new Error(`default pack rule ${r.id}: ${v.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    return v.rule;
  });
}
