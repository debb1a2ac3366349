/**
 * node --import tsx bench/rules.ts — rule evaluation throughput on one core (issue #3 part 2).
 *
 * The default pack plus `--rules` extra active rules (device-, asset- and district-scoped overrides, as an
 * operator's per-asset tuning looks), `--devices` devices of all six kinds, readings pre-built so only
 * evaluation is timed. Beside it, in the same run, a naive baseline that scans every rule per reading and
 * applies the same level arithmetic — what the (kind, metric, scope) index saves.
 */
import { DEVICE_KINDS, getContract } from '../firmware-contracts/index.js';
import type { Reading } from '../kernel/events.js';
import { defaultRulePack } from '../rules-engine/default-pack.js';
import { RuleEngine } from '../rules-engine/engine.js';
import { inSeason, newLevelState, orientation, orientedLevels, rateMagnitude, step, type LevelState } from '../rules-engine/levels.js';
import { scopeMatches, type Rule } from '../rules-engine/rules.js';
import { parseArgs } from './lib.js';

const HELP = `Usage: node --import tsx bench/rules.ts [options]

  --devices N    devices, all six kinds                 (default 10000)
  --rules N      extra active rules beside the pack     (default 1000)
  --readings N   readings per measured pass             (default 300000)
  --seed N       random seed                            (default 42)`;
const opts = parseArgs(process.argv.slice(2), { devices: 10_000, rules: 1_000, readings: 300_000, seed: 42 }, HELP);

let seed = opts.seed;
const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

interface Dev { id: string; kind: string; district: string; asset: string; params: Record<string, number> }
const DISTRICTS = Array.from({ length: 10 }, (_, i) => `3702${String(i).padStart(2, '0')}`);
const devices: Dev[] = Array.from({ length: opts.devices }, (_, i) => ({
  id: `D-${i}`, kind: DEVICE_KINDS[i % DEVICE_KINDS.length]!, district: pick(DISTRICTS), asset: `asset-${i % 2000}`,
  params: { depth_m: 2 + rnd(), strain_ue_limit: 1000, displacement_mm_limit: 200 },
}));

/** A plausible value, alarming about 1 % of the time. */
function value(kind: string, metric: string): number | boolean {
  const hot = rnd() < 0.01;
  switch (`${kind}.${metric}`) {
    case 'gas.ch4_lel': return hot ? 30 : rnd() * 5;
    case 'water.pressure_mpa': return hot ? 0.05 : 0.3 + rnd() * 0.05;
    case 'heat.supply_temp_c': return hot ? 40 : 70 + rnd() * 5;
    case 'heat.return_temp_c': return 45 + rnd() * 5;
    case 'drainage.level_m': return hot ? 2.5 : rnd() * 0.5;
    case 'bridge.strain_ue': return hot ? 950 : rnd() * 300;
    case 'bridge.displacement_mm': return rnd() * 20;
    case 'elevator.floor': return Math.floor(rnd() * 30);
    default: return getContract(kind)?.metrics.find((m) => m.name === metric)?.type === 'boolean' ? rnd() < 0.5 : rnd();
  }
}

function extraRules(n: number): Rule[] {
  return Array.from({ length: n }, (_, i) => {
    const d = pick(devices);
    const numeric = getContract(d.kind)!.metrics.filter((m) => m.type !== 'boolean' && m.required);
    const m = pick(numeric);
    const r = rnd();
    const scope = r < 0.7 ? { deviceKind: d.kind, deviceId: d.id } : r < 0.9 ? { deviceKind: d.kind, asset: d.asset } : { deviceKind: d.kind, district: d.district };
    return { id: `extra.${i}`, name: `extra ${i}`, version: 1, enabled: true, kind: 'threshold', scope, metric: m.name, direction: 'above', levels: { red: m.max ?? 1e9 } } satisfies Rule;
  });
}

const rules = [...defaultRulePack(), ...extraRules(opts.rules)];
const T0 = Date.UTC(2026, 0, 10);
const readings: Reading[] = Array.from({ length: opts.readings }, (_, i) => {
  const d = devices[i % devices.length]!;
  const metrics: Reading['metrics'] = {};
  for (const m of getContract(d.kind)!.metrics) if (m.required) metrics[m.name] = value(d.kind, m.name);
  const ts = T0 + Math.floor(i / devices.length) * 10_000 + (i % devices.length);
  return { deviceId: d.id, kind: d.kind, ts, seq: i, metrics, district: d.district, asset: d.asset, receivedAt: ts };
});
const subjects = new Map(devices.map((d) => [d.id, { params: d.params }]));

/** Naive peer: every enabled rule is checked against every reading, same level arithmetic, no index. */
class NaiveEngine {
  private readonly state = new Map<string, LevelState>();
  private readonly active: Rule[];
  constructor(all: Rule[]) {
    this.active = all.filter((r) => r.enabled && (r.kind === 'threshold' || r.kind === 'rate'));
  }
  evaluate(rd: Reading, params: Record<string, number>): number {
    let fired = 0;
    const dev = { kind: rd.kind, deviceId: rd.deviceId, district: rd.district, asset: rd.asset };
    for (const r of this.active) {
      if (!scopeMatches(r.scope, dev)) continue;
      const raw = rd.metrics[r.metric!];
      if (raw === undefined) continue;
      let v = Number(raw);
      if (r.minus !== undefined) v -= Number(rd.metrics[r.minus] ?? 0);
      if (r.abs) v = Math.abs(v);
      const levels = orientedLevels(r, params);
      if (!levels) continue;
      const key = `${r.id}\u0000${rd.deviceId}`;
      let st = this.state.get(key);
      if (!st) this.state.set(key, (st = newLevelState()));
      const x = r.kind === 'rate' ? rateMagnitude(r, st, rd.ts, v) : inSeason(r, rd.ts) ? orientation(r) * v : -Number.MAX_VALUE;
      const next = step(r, st, x, rd.ts, levels);
      if (next !== st.level) {
        st.level = next;
        fired++;
      }
    }
    return fired;
  }
}

function time(label: string, fn: (r: Reading) => number): { perSec: number; us: number; signals: number } {
  // One warm-up pass over a slice (JIT), then the measured pass.
  for (let i = 0; i < Math.min(20_000, readings.length); i++) fn({ ...readings[i]!, deviceId: `warm-${i % 100}` });
  let signals = 0;
  const t = process.hrtime.bigint();
  for (const r of readings) signals += fn(r);
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const perSec = readings.length / s;
  console.log(`${label.padEnd(34)} ${Math.round(perSec).toLocaleString('en').padStart(12)} readings/s  ${(1e6 / perSec).toFixed(2).padStart(7)} µs/reading  ${signals} signals`);
  return { perSec, us: 1e6 / perSec, signals };
}

console.log(`rules: ${rules.length} (default pack ${rules.length - opts.rules} + ${opts.rules} extra), devices: ${devices.length}, readings: ${readings.length}, node ${process.version}`);
const engine = new RuleEngine(rules);
const indexed = time('RuleEngine (indexed)', (r) => engine.evaluateReading(r, subjects.get(r.deviceId)).length);
const naive = new NaiveEngine(rules);
const scan = time('naive scan of every rule', (r) => naive.evaluate(r, subjects.get(r.deviceId)?.params ?? {}));
console.log(`index speed-up: ${(indexed.perSec / scan.perSec).toFixed(1)}×; target ≥ 100,000 readings/s: ${indexed.perSec >= 100_000 ? 'met' : 'NOT met'}`);
