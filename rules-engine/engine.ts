/**
 * RuleEngine (issue #3 part 2): stateful, in-process evaluation of readings and device events against
 * indexed rules. Pure: values in, Signals out; time comes from the reading/event or the `now` given to
 * tick. All state is plain data (`snapshot()` / `RuleEngine.restore()`), so windows and debounce counters
 * survive a restart. Each episode fires once; a QoS 1 re-delivery (same device, ts, seq) is ignored.
 */
import { getContract } from '../firmware-contracts/index.js';
import type { DeviceEvent, Reading } from '../kernel/events.js';
import { accepts, corrRestore, corrSnapshot, feed, newCorrState, type CorrSnapshot, type CorrState } from './correlation.js';
import { debouncedRank, inSeason, newLevelState, orientation, orientedLevels, pendingDuration, rateMagnitude, step, type LevelState } from './levels.js';
import { buildIndex, eachCandidate, type RuleIndex } from './rule-index.js';
import { scopeMatches, type Rule } from './rules.js';
import { severityAt, severityRank, type Severity } from './severity.js';
import type { LonLat, Signal, SubjectInfo } from './signal.js';
import { deadmanSignal, eventSignal, levelSignal, recordGuards, rising, type DeviceState, type EventState } from './device-state.js';

// A value that matches no level; finite so that state stays JSON-serialisable (JSON has no -Infinity).
const OUT_OF_SEASON = -Number.MAX_VALUE;

export interface EngineCounters {
  readings: number;
  events: number;
  duplicates: number;
  stale: number;
  signals: number;
}

export interface EngineSnapshot {
  format: 'citybrain.rules-engine/1';
  rules: Rule[];
  devices: Array<Omit<DeviceState, 'level' | 'event' | 'guard'> & {
    level: Record<string, LevelState>;
    event: Record<string, EventState>;
    guard: Record<string, number[]>;
  }>;
  correlation: Record<string, CorrSnapshot>;
  pending: string[];
  counters: EngineCounters;
}

export class RuleEngine {
  private readonly idx: RuleIndex;
  private readonly devices = new Map<string, DeviceState>();
  private readonly corr = new Map<string, CorrState>();
  /** Devices with a debounce duration still running (tick looks only at these). */
  private readonly pending = new Set<string>();
  readonly counters: EngineCounters = { readings: 0, events: 0, duplicates: 0, stale: 0, signals: 0 };

  /** @throws AppError VALIDATION_FAILED listing every invalid rule field and duplicate id. */
  constructor(private readonly ruleList: readonly Rule[]) {
    this.idx = buildIndex(ruleList);
    for (const r of this.idx.correlation) this.corr.set(r.id, newCorrState());
  }

  get rules(): readonly Rule[] {
    return this.ruleList;
  }

  /** Evaluates one accepted reading. `subject` carries registry data: per-asset params and location. */
  evaluateReading(reading: Reading, subject: SubjectInfo = {}): Signal[] {
    const dev = this.device(reading.deviceId, reading.kind, reading.district, reading.asset, subject, reading.receivedAt);
    if (reading.ts < dev.lastTs) return this.count('stale');
    const seq = reading.seq ?? -1;
    if (reading.ts === dev.lastTs && dev.seqs.includes(seq)) return this.count('duplicates');
    if (reading.ts === dev.lastTs) dev.seqs.push(seq);
    else {
      dev.lastTs = reading.ts;
      dev.seqs = [seq];
    }
    this.counters.readings++;
    const out: Signal[] = [];
    this.alive(dev, reading.receivedAt, out);
    recordGuards(this.idx.guards, dev, reading);
    const byKind = this.idx.metrics.get(reading.kind);
    const anyKind = this.idx.metrics.get('*');
    // Anonymous arrows, not a named `const run`: run through tsx (esbuild keepNames), every named closure
    // costs a defineProperty call per reading (~2.5 % of the platform's busy samples at saturation).
    for (const metric in reading.metrics) {
      const b1 = byKind?.get(metric);
      if (b1) eachCandidate(b1, dev.deviceId, dev.asset, dev.district, (r) => this.evalInScope(r, dev, reading, out));
      const b2 = anyKind?.get(metric);
      if (b2) eachCandidate(b2, dev.deviceId, dev.asset, dev.district, (r) => this.evalInScope(r, dev, reading, out));
    }
    return this.finish(out);
  }

  /** Evaluates one device event (elevator `trapped`, drainage `cover_open`…). */
  evaluateEvent(ev: DeviceEvent, subject: SubjectInfo = {}): Signal[] {
    const dev = this.device(ev.deviceId, ev.kind, ev.district, ev.asset, subject, ev.receivedAt);
    if (ev.ts < dev.eventTs) return this.count('stale');
    if (ev.ts === dev.eventTs && dev.eventTypes.includes(ev.type)) return this.count('duplicates');
    if (ev.ts === dev.eventTs) dev.eventTypes.push(ev.type);
    else {
      dev.eventTs = ev.ts;
      dev.eventTypes = [ev.type];
    }
    this.counters.events++;
    const out: Signal[] = [];
    this.alive(dev, ev.receivedAt, out);
    const run = (r: Rule): void => {
      if (scopeMatches(r.scope, dev)) this.evalEvent(r, dev, ev, out);
    };
    for (const k of [ev.kind, '*']) {
      const b = this.idx.events.get(k)?.get(ev.type);
      if (b) eachCandidate(b, dev.deviceId, dev.asset, dev.district, run);
    }
    return this.finish(out);
  }

  /** Time-driven edges at `now`: deadman (offline), debounce durations reached, event episodes timed out. */
  tick(now: number): Signal[] {
    const out: Signal[] = [];
    for (const dev of this.devices.values()) {
      for (const r of this.idx.deadman) this.checkDeadman(r, dev, now, out);
      for (const [ruleId, es] of dev.event) {
        const r = this.idx.byId.get(ruleId);
        if (r?.clearAfterMs !== undefined && es.level >= 0 && now - es.lastAt >= r.clearAfterMs) {
          out.push(eventSignal(r, dev, 'clear', severityAt(es.level), es.type, now));
          es.level = -1;
        }
      }
    }
    for (const id of this.pending) {
      const dev = this.devices.get(id);
      if (!dev || !this.tickDebounce(dev, now, out)) this.pending.delete(id);
    }
    return this.finish(out);
  }

  /** Registers a device known to the registry before it ever reports, so the deadman covers it. */
  track(d: { deviceId: string; kind: string; district: string | null; asset: string | null; lastSeenAt: number }, subject: SubjectInfo = {}): void {
    this.device(d.deviceId, d.kind, d.district, d.asset, subject, d.lastSeenAt);
  }

  /** Drops a device's state (decommissioned or revoked). */
  forget(deviceId: string): void {
    this.devices.delete(deviceId);
    this.pending.delete(deviceId);
  }

  snapshot(): EngineSnapshot {
    const devices = [...this.devices.values()].map((d) => structuredClone({
      ...d, level: Object.fromEntries(d.level), event: Object.fromEntries(d.event), guard: Object.fromEntries(d.guard),
    }));
    const correlation: Record<string, CorrSnapshot> = {};
    for (const [k, v] of this.corr) correlation[k] = corrSnapshot(v);
    return {
      format: 'citybrain.rules-engine/1', rules: structuredClone([...this.ruleList]), devices, correlation,
      pending: [...this.pending], counters: { ...this.counters },
    };
  }

  /** Rebuilds an engine from a snapshot; `rules` replaces the snapshot's rules (state of removed rules is dropped). */
  static restore(snap: EngineSnapshot, opts: { rules?: readonly Rule[] } = {}): RuleEngine {
    const e = new RuleEngine(opts.rules ?? snap.rules);
    const keep = <T>(rec: Record<string, T>): Map<string, T> => new Map(Object.entries(structuredClone(rec)).filter(([id]) => e.idx.byId.has(id)));
    for (const d of snap.devices) {
      e.devices.set(d.deviceId, { ...structuredClone(d), level: keep(d.level), event: keep(d.event), guard: new Map(Object.entries(structuredClone(d.guard))) });
    }
    for (const [k, v] of Object.entries(snap.correlation)) if (e.corr.has(k)) e.corr.set(k, corrRestore(v));
    for (const id of snap.pending) e.pending.add(id);
    Object.assign(e.counters, snap.counters);
    return e;
  }

  private count(k: 'stale' | 'duplicates'): Signal[] {
    this.counters[k]++;
    return [];
  }

  private device(id: string, kind: string, district: string | null, asset: string | null, subject: SubjectInfo, seenAt: number): DeviceState {
    let d = this.devices.get(id);
    if (!d) {
      d = {
        deviceId: id, kind, district, asset, location: null, parent: null, params: null, lastSeenAt: seenAt, lastTs: -1, seqs: [],
        eventTs: -1, eventTypes: [], level: new Map(), event: new Map(), offline: [], guard: new Map(),
      };
      this.devices.set(id, d);
    }
    // Registry data may change (device moved, asset re-parameterised): the latest reading's subject wins.
    d.kind = kind;
    d.district = district;
    d.asset = asset;
    if (subject.location) d.location = subject.location as LonLat;
    if (subject.params) d.params = subject.params;
    if (subject.parent !== undefined) d.parent = subject.parent;
    return d;
  }

  /** Any message proves the device alive: clears its deadman episodes. */
  private alive(dev: DeviceState, receivedAt: number, out: Signal[]): void {
    if (receivedAt > dev.lastSeenAt) dev.lastSeenAt = receivedAt;
    if (dev.offline.length === 0) return;
    for (const id of dev.offline) {
      const r = this.idx.byId.get(id);
      if (r) out.push(deadmanSignal(r, dev, 'clear', receivedAt, 0));
    }
    dev.offline = [];
  }

  private checkDeadman(r: Rule, dev: DeviceState, now: number, out: Signal[]): void {
    if (!scopeMatches(r.scope, dev) || dev.offline.includes(r.id)) return;
    // Offline after k × the contract's expected interval (domain.md deadman; a device may override it).
    const interval = dev.params?.['interval_ms'] ?? getContract(dev.kind)?.intervalMs;
    if (interval === undefined) return;
    if (now - dev.lastSeenAt > (r.deadmanFactor ?? 3) * interval) {
      dev.offline.push(r.id);
      out.push(deadmanSignal(r, dev, 'firing', now, interval));
    }
  }

  private evalInScope(r: Rule, dev: DeviceState, reading: Reading, out: Signal[]): void {
    if (scopeMatches(r.scope, dev)) this.evalLevel(r, dev, reading, out);
  }

  private evalLevel(r: Rule, dev: DeviceState, reading: Reading, out: Signal[]): void {
    const raw = reading.metrics[r.metric!];
    if (raw === undefined) return;
    let v = Number(raw);
    if (r.minus !== undefined) {
      const m = reading.metrics[r.minus];
      if (m === undefined) return;
      v -= Number(m);
    }
    if (r.abs) v = Math.abs(v);
    const levels = orientedLevels(r, dev.params ?? undefined);
    if (!levels) return; // a relative rule without its parameter (e.g. no manhole depth) cannot apply
    let st = dev.level.get(r.id);
    if (!st) dev.level.set(r.id, (st = newLevelState()));
    let x: number;
    if (r.kind === 'rate') x = rateMagnitude(r, st, reading.ts, v);
    else x = inSeason(r, reading.ts) ? orientation(r) * v : OUT_OF_SEASON;
    const next = step(r, st, x, reading.ts, levels);
    this.edge(r, dev, st, next, reading.ts, levels, out);
    if (pendingDuration(r, st)) this.pending.add(dev.deviceId);
  }

  private edge(r: Rule, dev: DeviceState, st: LevelState, next: number, at: number, levels: number[], out: Signal[]): void {
    if (next === st.level) return;
    const prev = st.level;
    st.level = next;
    const shown = r.kind === 'rate' ? st.lastValue : orientation(r) * st.lastValue;
    const sev: Severity = severityAt(next >= 0 ? next : prev);
    const threshold = orientation(r) * levels[next >= 0 ? next : prev]!;
    out.push(levelSignal(r, dev, next >= 0 ? 'firing' : 'clear', sev, shown, threshold, at));
  }

  /** Fires debounce durations that have elapsed while the device keeps reporting in condition. */
  private tickDebounce(dev: DeviceState, now: number, out: Signal[]): boolean {
    let still = false;
    const interval = dev.params?.['interval_ms'] ?? getContract(dev.kind)?.intervalMs ?? 60_000;
    for (const [ruleId, st] of dev.level) {
      const r = this.idx.byId.get(ruleId);
      if (!r || !pendingDuration(r, st)) continue;
      // The last reading stands for "now" only while the next one is not yet due.
      if (now - st.lastTs > interval) continue;
      const levels = orientedLevels(r, dev.params ?? undefined);
      if (!levels) continue;
      this.edge(r, dev, st, Math.max(st.level, debouncedRank(r, st, now, levels)), now, levels, out);
      still ||= pendingDuration(r, st);
    }
    return still;
  }

  private evalEvent(r: Rule, dev: DeviceState, ev: DeviceEvent, out: Signal[]): void {
    let es = dev.event.get(r.id);
    if (!es) dev.event.set(r.id, (es = { level: -1, lastAt: ev.ts, type: ev.type }));
    const sev = r.events?.[ev.type];
    if (sev === undefined) {
      // A clearOn event (e.g. drainage cover_closed) ends the episode.
      if (es.level >= 0 && r.clearOn?.includes(ev.type)) {
        out.push(eventSignal(r, dev, 'clear', severityAt(es.level), ev.type, ev.ts));
        es.level = -1;
      }
      return;
    }
    if (r.requireRising && !rising(dev, r.requireRising.metric, r.requireRising.windowMs, ev.ts)) return;
    const episodic = r.clearOn !== undefined || r.clearAfterMs !== undefined;
    const rank = severityRank(sev);
    es.lastAt = ev.ts;
    // Without an end condition every distinct event is its own episode (the alert dedups them by count).
    if (episodic && rank <= es.level) return;
    es.level = episodic ? rank : -1;
    es.type = ev.type;
    out.push(eventSignal(r, dev, 'firing', sev, ev.type, ev.ts));
  }

  /** Feeds device signals to correlation rules, appending any incident signals. */
  private finish(out: Signal[]): Signal[] {
    if (out.length === 0) return out;
    const n = out.length;
    for (const r of this.idx.correlation) {
      const st = this.corr.get(r.id)!;
      for (let i = 0; i < n; i++) if (accepts(r, out[i]!)) out.push(...feed(r, st, out[i]!));
    }
    this.counters.signals += out.length;
    return out;
  }
}
