/**
 * Correlation (domain.md must-have 7): K sensors within R metres — or one asset's sensors — anomalous
 * within T of each other become ONE incident carrying the highest member severity, so one burst main does
 * not page fifty times. Fed with the engine's own firing/clear signals; pure and JSON-serialisable.
 */
import { localize } from '../kernel/i18n.js';
import { ALERT_MESSAGES, alertMessage, ruleName, tail } from './messages.js';
import type { Rule } from './rules.js';
import { distanceM, severityAt, severityRank } from './severity.js';
import type { Signal } from './signal.js';

export interface CorrMember {
  id: string;
  /** When the member first became anomalous in this episode. */
  at: number;
  /** Firing source rules of this member → severity rank. */
  sources: Record<string, number>;
  lon: number | null;
  lat: number | null;
  asset: string | null;
  district: string | null;
  incident: string | null;
}

export interface CorrIncident {
  key: string;
  members: string[];
  level: number;
  firstAt: number;
}

export interface CorrState {
  members: Map<string, CorrMember>;
  incidents: Map<string, CorrIncident>;
}

export function newCorrState(): CorrState {
  return { members: new Map(), incidents: new Map() };
}

/** Whether a source signal may join this correlation rule (scope and sourceRules filter). */
export function accepts(rule: Rule, s: Signal): boolean {
  if (s.ruleKind === 'correlation' || s.labels.deviceId === null) return false;
  const src = rule.correlation?.sourceRules;
  if (src && !src.includes(s.ruleId)) return false;
  const sc = rule.scope;
  return (
    (sc.deviceKind === undefined || sc.deviceKind === s.labels.deviceKind) &&
    (sc.district === undefined || sc.district === s.labels.district) &&
    (sc.asset === undefined || sc.asset === s.labels.asset)
  );
}

function memberLevel(m: CorrMember): number {
  let l = -1;
  for (const k in m.sources) l = Math.max(l, m.sources[k]!);
  return l;
}

function near(rule: Rule, a: CorrMember, b: CorrMember): boolean {
  const c = rule.correlation!;
  if (Math.abs(a.at - b.at) > c.withinMs) return false;
  if (c.sameAsset) return a.asset !== null && a.asset === b.asset;
  if (a.lon === null || a.lat === null || b.lon === null || b.lat === null) return false;
  return distanceM({ lon: a.lon, lat: a.lat }, { lon: b.lon, lat: b.lat }) <= c.radiusM;
}

function incidentSignal(rule: Rule, st: CorrState, inc: CorrIncident, state: 'firing' | 'clear', at: number): Signal {
  const ms = inc.members.map((id) => st.members.get(id)).filter((m): m is CorrMember => m !== undefined);
  const located = ms.filter((m) => m.lon !== null && m.lat !== null);
  const location = located.length
    ? { lon: located.reduce((a, m) => a + m.lon!, 0) / located.length, lat: located.reduce((a, m) => a + m.lat!, 0) / located.length }
    : null;
  const severity = severityAt(Math.max(0, inc.level));
  const first = ms[0];
  const where = first?.asset ?? first?.district ?? localize(ALERT_MESSAGES, 'where.area');
  const messages = state === 'firing'
    ? alertMessage('alert.incident.firing', { rule: ruleName(rule), count: inc.members.length, where, tail: tail(state, severity) })
    : alertMessage('alert.incident.clear', { rule: ruleName(rule), where, tail: tail(state, severity) });
  return {
    ruleId: rule.id, ruleKind: rule.kind, ruleVersion: rule.version, subject: inc.key, state, severity,
    values: { members: inc.members.length },
    message: messages.en,
    messages,
    at,
    labels: { deviceId: null, deviceKind: rule.scope.deviceKind ?? null, district: first?.district ?? null, asset: rule.correlation?.sameAsset ? (first?.asset ?? null) : null, location, parent: null },
    members: [...inc.members],
  };
}

/** Folds one source signal into the correlation state; returns incident signals (opened, upgraded, cleared). */
export function feed(rule: Rule, st: CorrState, s: Signal): Signal[] {
  const id = s.labels.deviceId!;
  let m = st.members.get(id);
  if (s.state === 'clear') {
    if (!m) return [];
    delete m.sources[s.ruleId];
    if (Object.keys(m.sources).length > 0) return [];
    const out = m.incident === null ? [] : leave(rule, st, m, s.at);
    st.members.delete(id);
    return out;
  }
  if (!m) {
    m = {
      id, at: s.at, sources: {}, lon: s.labels.location?.lon ?? null, lat: s.labels.location?.lat ?? null,
      asset: s.labels.asset, district: s.labels.district, incident: null,
    };
    st.members.set(id, m);
  }
  m.sources[s.ruleId] = severityRank(s.severity);
  if (m.incident !== null) return raise(rule, st, st.incidents.get(m.incident)!, s.at);
  const neighbours = [...st.members.values()].filter((o) => o !== m && near(rule, m, o));
  const joined = neighbours.find((o) => o.incident !== null);
  if (joined) {
    const inc = st.incidents.get(joined.incident!)!;
    for (const o of [m, ...neighbours]) {
      if (o.incident !== null) continue;
      o.incident = inc.key;
      inc.members.push(o.id);
    }
    return raise(rule, st, inc, s.at, true);
  }
  if (neighbours.length + 1 < rule.correlation!.minSubjects) return [];
  const group = [...neighbours, m].sort((a, b) => a.at - b.at);
  const key = `incident:${rule.id}:${rule.correlation!.sameAsset ? m.asset : `${group[0]!.id}@${group[0]!.at}`}`;
  const inc: CorrIncident = { key, members: group.map((o) => o.id), level: -1, firstAt: group[0]!.at };
  for (const o of group) o.incident = key;
  st.incidents.set(key, inc);
  return raise(rule, st, inc, s.at);
}

/**
 * Emits when the incident opens, its highest member severity rises, or it gains members (`grew`): the
 * lifecycle folds the latter into the same alert (count, members) without paging again.
 */
function raise(rule: Rule, st: CorrState, inc: CorrIncident, at: number, grew = false): Signal[] {
  let level = -1;
  for (const id of inc.members) {
    const m = st.members.get(id);
    if (m) level = Math.max(level, memberLevel(m));
  }
  if (level <= inc.level && !grew) return [];
  inc.level = Math.max(level, inc.level);
  return [incidentSignal(rule, st, inc, 'firing', at)];
}

function leave(rule: Rule, st: CorrState, m: CorrMember, at: number): Signal[] {
  const inc = st.incidents.get(m.incident!);
  if (!inc) return [];
  inc.members = inc.members.filter((x) => x !== m.id);
  if (inc.members.length > 0) return [];
  st.incidents.delete(inc.key);
  return [incidentSignal(rule, st, { ...inc, members: [m.id] }, 'clear', at)];
}

export interface CorrSnapshot {
  members: CorrMember[];
  incidents: CorrIncident[];
}

export function corrSnapshot(st: CorrState): CorrSnapshot {
  return structuredClone({ members: [...st.members.values()], incidents: [...st.incidents.values()] });
}

export function corrRestore(s: CorrSnapshot): CorrState {
  const c = structuredClone(s);
  return { members: new Map(c.members.map((m) => [m.id, m])), incidents: new Map(c.incidents.map((i) => [i.key, i])) };
}
