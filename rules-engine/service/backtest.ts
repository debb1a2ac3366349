/**
 * Backtesting (architecture.md: rules-engine owns it): replays stored telemetry of every subject in a
 * rule's scope through a FRESH engine holding only that rule (plus, for a correlation rule, its source
 * rules), folds the signals through the lifecycle, and returns the alerts it would have raised.
 */
import type { Reading } from '../../kernel/events.js';
import { RuleEngine } from '../engine.js';
import { applySignal, type Alert } from '../lifecycle.js';
import { scopeMatches, type Rule } from '../rules.js';
import type { HistorySource, Subject } from './ports.js';
import { subjectInfo } from './ports.js';

export interface BacktestResult {
  ruleId: string;
  ruleVersion: number;
  from: number;
  to: number;
  devices: number;
  readings: number;
  signals: number;
  alerts: Alert[];
}

/** Most raw points per metric and device read for one backtest. */
const MAX_POINTS = 100_000;

/** Groups a device's points per metric into readings (one per timestamp), oldest first. */
function toReadings(s: Subject, series: Record<string, Array<{ ts: number; value: number | boolean }>>): Reading[] {
  const byTs = new Map<number, Reading>();
  for (const [metric, points] of Object.entries(series)) {
    for (const p of points) {
      let r = byTs.get(p.ts);
      if (!r) byTs.set(p.ts, (r = { deviceId: s.deviceId, kind: s.kind, ts: p.ts, metrics: {}, district: s.district, asset: s.asset, receivedAt: p.ts }));
      r.metrics[metric] = p.value;
    }
  }
  return [...byTs.values()];
}

export async function backtest(
  rule: Rule, companions: readonly Rule[], subjects: Iterable<Subject>, history: HistorySource, from: number, to: number,
): Promise<BacktestResult> {
  const rules = [{ ...rule, enabled: true }, ...companions.filter((c) => c.id !== rule.id)];
  const inScope = [...subjects].filter((s) => rules.some((r) => scopeMatches(r.scope, { kind: s.kind, deviceId: s.deviceId, district: s.district, asset: s.asset })));
  const readings: Array<{ r: Reading; s: Subject }> = [];
  for (const s of inScope) {
    const series = await history.queryRaw({ deviceId: s.deviceId, from, to, limit: MAX_POINTS });
    for (const r of toReadings(s, series)) readings.push({ r, s });
  }
  readings.sort((a, b) => a.r.ts - b.r.ts);
  const engine = new RuleEngine(rules);
  const current = new Map<string, Alert>();
  const done: Alert[] = [];
  let signals = 0;
  const fold = (list: ReturnType<RuleEngine['tick']>): void => {
    for (const sig of list) {
      signals++;
      const k = `${sig.ruleId}|${sig.subject}`;
      const out = applySignal(current.get(k), sig, sig.at);
      if (out.alert) current.set(k, out.alert);
    }
  };
  for (const { r, s } of readings) {
    // Time passes between readings: debounce durations reached in the gap fire at the next reading's time.
    fold(engine.tick(r.ts));
    fold(engine.evaluateReading(r, subjectInfo(s)));
  }
  fold(engine.tick(to));
  for (const a of current.values()) if (a.ruleId === rule.id) done.push(a);
  done.sort((a, b) => a.firstSeenAt - b.firstSeenAt);
  return { ruleId: rule.id, ruleVersion: rule.version, from, to, devices: inScope.length, readings: readings.length, signals, alerts: done };
}
