/** Per-device evaluation state and the Signal builders for device-level rules (engine internals). */
import { getContract } from '../firmware-contracts/index.js';
import type { Reading } from '../kernel/events.js';
import type { Localized } from '../kernel/i18n.js';
import { alertMessage, eventName, ruleName, tail, untranslated } from './messages.js';
import type { LevelState } from './levels.js';
import type { Rule } from './rules.js';
import type { Severity } from './severity.js';
import { fmt, type LonLat, type Signal, type SignalLabels } from './signal.js';

export interface EventState {
  /** Active severity rank of an episodic event rule, -1 none. */
  level: number;
  lastAt: number;
  type: string;
}

export interface DeviceState {
  deviceId: string;
  kind: string;
  district: string | null;
  asset: string | null;
  location: LonLat | null;
  parent: string | null;
  params: Record<string, number> | null;
  /** Server receive time of the last message (deadman runs on server time). */
  lastSeenAt: number;
  /** Reading dedup: newest sample ts and the seqs seen at it (QoS 1 re-delivery, domain: dedup by device+ts+seq). */
  lastTs: number;
  seqs: number[];
  eventTs: number;
  eventTypes: string[];
  level: Map<string, LevelState>;
  event: Map<string, EventState>;
  /** Deadman rule ids currently firing. */
  offline: string[];
  /** Guard metrics (requireRising): flat [ts, value, …] inside the longest guard window. */
  guard: Map<string, number[]>;
}

function labels(dev: DeviceState): SignalLabels {
  return { deviceId: dev.deviceId, deviceKind: dev.kind, district: dev.district, asset: dev.asset, location: dev.location, parent: dev.parent };
}

function unit(kind: string, metric: string | undefined): string {
  return getContract(kind)?.metrics.find((m) => m.name === metric)?.unit ?? '';
}

function base(r: Rule, dev: DeviceState, state: Signal['state'], severity: Severity, at: number) {
  return { ruleId: r.id, ruleKind: r.kind, ruleVersion: r.version, subject: dev.deviceId, state, severity, at, labels: labels(dev) };
}

/** Threshold and rate rules: "gas methane 27 %LEL at GW-0412 — orange". */
export function levelSignal(r: Rule, dev: DeviceState, state: Signal['state'], severity: Severity, value: number, threshold: number, at: number): Signal {
  const values: Signal['values'] = { value, threshold };
  let rel: Localized = untranslated('');
  const p = r.relativeTo === undefined ? undefined : (dev.params?.[r.relativeTo] ?? r.params?.[r.relativeTo]);
  if (r.relativeTo !== undefined && p !== undefined && p !== 0) {
    values[r.relativeTo] = p;
    values['percent'] = Math.round((value / p) * 1000) / 10;
    rel = alertMessage('alert.level.rel', { percent: fmt(values['percent']), param: r.relativeTo, paramValue: fmt(p) });
  }
  if (r.kind === 'rate') values['windowMs'] = r.windowMs ?? 0;
  const messages = alertMessage('alert.level', {
    rule: ruleName(r), value: fmt(value), unit: unit(dev.kind, r.metric), rel, device: dev.deviceId, tail: tail(state, severity),
  });
  return { ...base(r, dev, state, severity, at), values, message: messages.en, messages };
}

/** Event rules: "elevator trapped at EL-0007 — red". */
export function eventSignal(r: Rule, dev: DeviceState, state: Signal['state'], severity: Severity, type: string, at: number): Signal {
  const messages = alertMessage('alert.event', { rule: ruleName(r), event: eventName(type), device: dev.deviceId, tail: tail(state, severity) });
  return { ...base(r, dev, state, severity, at), values: { event: type }, message: messages.en, messages };
}

/** Deadman: "device offline: GW-0412 silent 3.5 min (expected every 60 s) — yellow". */
export function deadmanSignal(r: Rule, dev: DeviceState, state: Signal['state'], at: number, intervalMs: number): Signal {
  const sev = r.severity ?? 'yellow';
  const silentMs = at - dev.lastSeenAt;
  const messages = state === 'firing'
    ? alertMessage('alert.deadman.firing', { rule: ruleName(r), device: dev.deviceId, minutes: fmt(silentMs / 60_000), seconds: fmt(intervalMs / 1000), tail: tail(state, sev) })
    : alertMessage('alert.deadman.clear', { rule: ruleName(r), device: dev.deviceId, tail: tail(state, sev) });
  return { ...base(r, dev, state, sev, at), values: { lastSeenAt: dev.lastSeenAt, silentMs, intervalMs }, message: messages.en, messages };
}

/** Keeps the guard metrics' recent samples (requireRising look-back). */
export function recordGuards(guards: Map<string, Map<string, number>>, dev: DeviceState, reading: Reading): void {
  for (const k of [reading.kind, '*']) {
    const g = guards.get(k);
    if (!g) continue;
    for (const [metric, windowMs] of g) {
      const v = reading.metrics[metric];
      if (typeof v !== 'number') continue;
      const h = dev.guard.get(metric) ?? [];
      h.push(reading.ts, v);
      let cut = 0;
      while (cut < h.length && h[cut]! < reading.ts - windowMs) cut += 2;
      dev.guard.set(metric, cut ? h.slice(cut) : h);
    }
  }
}

/** True when the metric's latest value is above the oldest one inside the window ending at ts. */
export function rising(dev: DeviceState, metric: string, windowMs: number, ts: number): boolean {
  const h = dev.guard.get(metric);
  if (!h) return false;
  let first = -1;
  let last = -1;
  for (let i = 0; i < h.length; i += 2) {
    if (h[i]! < ts - windowMs || h[i]! > ts) continue;
    if (first < 0) first = i;
    last = i;
  }
  return first >= 0 && last > first && h[last + 1]! > h[first + 1]!;
}
