/**
 * Pure alert policies over Alert values (domain.md must-haves 7, 8, 9, 11): escalation of unacknowledged
 * alerts, silences and maintenance windows, inhibition, incident grouping and response KPIs.
 */
import { type Alert, type AuditEntry } from './lifecycle.js';
import type { RuleKind } from './rules.js';
import { distanceM, maxSeverity, responseLevel, type ResponseLevel, type Severity } from './severity.js';

export interface EscalationPolicy {
  /** Escalate an unacknowledged alert this long after it opened, per severity (absent: never). */
  afterMs: Partial<Record<Severity, number>>;
  /** Then again every repeatMs (default: the same afterMs). */
  repeatMs?: number;
  /** Stop after this many steps (default 3: e.g. duty officer → section head → command centre). */
  maxLevel?: number;
}

/** Alertmanager-style: Hefei's 7-minute average response (domain.md) makes minutes, not hours, the scale. */
export const DEFAULT_ESCALATION: EscalationPolicy = {
  afterMs: { red: 5 * 60_000, orange: 15 * 60_000, yellow: 60 * 60_000, blue: 4 * 60 * 60_000 },
  maxLevel: 3,
};

export interface EscalationResult {
  /** The alerts that escalated, after the step. */
  escalated: Alert[];
  changes: AuditEntry[];
}

export function escalate(alerts: readonly Alert[], now: number, policy: EscalationPolicy = DEFAULT_ESCALATION): EscalationResult {
  const escalated: Alert[] = [];
  const changes: AuditEntry[] = [];
  for (const a of alerts) {
    if (a.status !== 'open') continue;
    const first = policy.afterMs[a.severity];
    if (first === undefined || a.escalationLevel >= (policy.maxLevel ?? 3)) continue;
    const wait = a.escalationLevel === 0 ? first : (policy.repeatMs ?? first);
    if (now - (a.escalatedAt ?? a.openedAt) < wait) continue;
    const next: Alert = { ...a, escalationLevel: a.escalationLevel + 1, escalatedAt: now };
    escalated.push(next);
    changes.push({ alertId: a.id, at: now, actor: 'system', action: 'escalated', from: String(a.escalationLevel), to: String(next.escalationLevel), note: `unacknowledged ${Math.round((now - a.openedAt) / 60_000)} min` });
  }
  return { escalated, changes };
}

/** Fields a silence or inhibition matcher may name; all given must equal the alert's. */
export interface AlertMatcher {
  deviceKind?: string;
  district?: string;
  asset?: string;
  deviceId?: string;
  ruleId?: string;
  ruleKind?: RuleKind;
}

export interface Silence {
  id: string;
  /** `maintenance` for planned works, `silence` for an operator's mute: both mute notifications. */
  kind: 'silence' | 'maintenance';
  matchers: AlertMatcher;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

type LabelKey = 'deviceId' | 'deviceKind' | 'district' | 'asset' | 'parent' | 'subject' | 'ruleId';

function label(a: Alert, k: LabelKey): string | null {
  return k === 'subject' ? a.subject : k === 'ruleId' ? a.ruleId : a.labels[k];
}

export function matches(a: Alert, m: AlertMatcher): boolean {
  return (
    (m.deviceKind === undefined || m.deviceKind === a.labels.deviceKind) &&
    (m.district === undefined || m.district === a.labels.district) &&
    (m.asset === undefined || m.asset === a.labels.asset) &&
    (m.deviceId === undefined || m.deviceId === a.labels.deviceId) &&
    (m.ruleId === undefined || m.ruleId === a.ruleId) &&
    (m.ruleKind === undefined || m.ruleKind === a.ruleKind)
  );
}

/** The silence muting this alert at `now`, if any (a window is [startsAt, endsAt)). */
export function activeSilence(a: Alert, silences: readonly Silence[], now: number): Silence | undefined {
  return silences.find((s) => now >= s.startsAt && now < s.endsAt && matches(a, s.matchers));
}

export function isSilenced(a: Alert, silences: readonly Silence[], now: number): boolean {
  return activeSilence(a, silences, now) !== undefined;
}

/** Alertmanager-style inhibition: an active source alert mutes matching targets joined on labels. */
export interface InhibitRule {
  source: AlertMatcher;
  target: AlertMatcher;
  /** Source label must equal target label, e.g. source deviceId = target parent (gateway → children). */
  join: Array<{ source: LabelKey; target: LabelKey }>;
}

/** domain.md must-have 7: an offline gateway mutes its children's deadman alerts. */
export const GATEWAY_INHIBITION: InhibitRule = {
  source: { ruleKind: 'deadman' },
  target: { ruleKind: 'deadman' },
  join: [{ source: 'deviceId', target: 'parent' }],
};

export function isInhibited(a: Alert, active: readonly Alert[], rules: readonly InhibitRule[]): boolean {
  return rules.some((r) =>
    matches(a, r.target) &&
    active.some((s) =>
      s.id !== a.id && s.active && s.status !== 'closed' && s.status !== 'resolved' && matches(s, r.source) &&
      r.join.every((j) => label(s, j.source) !== null && label(s, j.source) === label(a, j.target)),
    ),
  );
}

export interface AlertKpis {
  /** Time to acknowledge, dispatch and resolve from the first firing, ms (null: not yet). */
  ttaMs: number | null;
  ttdMs: number | null;
  ttrMs: number | null;
}

export function kpis(a: Alert): AlertKpis {
  const d = (t: number | null): number | null => (t === null ? null : t - a.firstSeenAt);
  return { ttaMs: d(a.acknowledgedAt), ttdMs: d(a.dispatchedAt), ttrMs: d(a.resolvedAt) };
}

export interface KpiStat {
  n: number;
  medianMs: number | null;
  p90Ms: number | null;
}

function stat(xs: number[]): KpiStat {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number): number | null => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]! : null);
  return { n: s.length, medianMs: at(0.5), p90Ms: at(0.9) };
}

/** Response KPIs over many alerts (domain.md must-have 11; Hefei reports a 7-minute average response). */
export function kpiSummary(alerts: readonly Alert[]): { tta: KpiStat; ttd: KpiStat; ttr: KpiStat } {
  const k = alerts.map(kpis);
  const pick = (f: (x: AlertKpis) => number | null): number[] => k.map(f).filter((x): x is number => x !== null);
  return { tta: stat(pick((x) => x.ttaMs)), ttd: stat(pick((x) => x.ttdMs)), ttr: stat(pick((x) => x.ttrMs)) };
}

export interface Incident {
  key: string;
  alertIds: string[];
  severity: Severity;
  responseLevel: ResponseLevel;
  firstAt: number;
  lastAt: number;
  devices: string[];
}

/**
 * Groups not-closed alerts into incidents (single linkage): same asset, or within radiusM and withinMs of
 * each other, or named as members of a correlation alert. One incident per area → one page, not fifty.
 */
export function groupIntoIncidents(alerts: readonly Alert[], opts: { radiusM: number; withinMs: number }): Incident[] {
  const live = alerts.filter((a) => a.status !== 'closed');
  const parent = live.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const linked = (a: Alert, b: Alert): boolean => {
    if (a.members.includes(b.labels.deviceId ?? '\u0000') || b.members.includes(a.labels.deviceId ?? '\u0000')) return true;
    if (Math.abs(a.firstSeenAt - b.firstSeenAt) > opts.withinMs) return false;
    if (a.labels.asset !== null && a.labels.asset === b.labels.asset) return true;
    const p = a.labels.location;
    const q = b.labels.location;
    return p !== null && q !== null && distanceM(p, q) <= opts.radiusM;
  };
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) if (linked(live[i]!, live[j]!)) parent[find(i)] = find(j);
  }
  const groups = new Map<number, Alert[]>();
  live.forEach((a, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), a]));
  return [...groups.values()].map((g) => {
    g.sort((a, b) => a.firstSeenAt - b.firstSeenAt);
    const severity = g.map((a) => a.severity).reduce(maxSeverity);
    const corr = g.find((a) => a.ruleKind === 'correlation');
    return {
      key: corr?.subject ?? g[0]!.id, alertIds: g.map((a) => a.id), severity, responseLevel: responseLevel(severity),
      firstAt: g[0]!.firstSeenAt, lastAt: Math.max(...g.map((a) => a.lastSeenAt)),
      devices: [...new Set(g.flatMap((a) => (a.labels.deviceId ? [a.labels.deviceId] : a.members)))],
    };
  });
}
