/**
 * `--verify`, the pure part: what the platform showed (alerts, incidents, violations, presence) against a
 * scenario's expected outcome. Every expectation is a row; anything else the platform raised for the
 * scenario's devices — an alert no expectation claims, a violation code not expected — is a failing row too,
 * so "one alert upgraded in place" fails when the platform opens three.
 */
import type { Expectation, ScenarioScript } from './types.js';

export interface SeenAlert {
  id: string;
  ruleId: string;
  severity: string;
  status: string;
  /** Firing signals folded into the alert. */
  count: number;
  labels: { deviceId: string | null };
  members: string[];
}

export interface SeenIncident {
  key: string;
  severity: string;
  devices: string[];
}

export interface SeenViolation {
  deviceId: string;
  code: string;
  path?: string;
  message: string;
}

export interface Observed {
  alerts: SeenAlert[];
  incidents: SeenIncident[];
  violations: SeenViolation[];
  /** Device id → online, for the devices an `online` expectation names. */
  online: Record<string, boolean>;
}

export interface VerdictRow {
  expectation: string;
  expected: string;
  seen: string;
  ok: boolean;
}

export interface Verdict {
  ok: boolean;
  rows: VerdictRow[];
}

/** Alerts that concern the scenario: on one of its devices, or correlating one of them. */
function relevant(script: ScenarioScript, alerts: readonly SeenAlert[]): SeenAlert[] {
  const ids = new Set(script.devices.map((d) => d.id));
  return alerts.filter((a) => (a.labels.deviceId !== null && ids.has(a.labels.deviceId)) || a.members.some((m) => ids.has(m)));
}

function severities(as: readonly SeenAlert[]): string {
  if (as.length === 0) return 'none';
  return as.length === 1 ? as[0]!.severity : `${as.length} alerts: ${as.map((a) => a.severity).join(', ')}`;
}

function row(e: Expectation, alerts: readonly SeenAlert[], o: Observed, claimed: Set<string>): VerdictRow {
  switch (e.type) {
    case 'alert': {
      const m = alerts.filter((a) => a.ruleId === e.ruleId && a.labels.deviceId === e.device);
      m.forEach((a) => claimed.add(a.id));
      const firings = e.firings === undefined ? '' : `, ${e.firings} firings`;
      const seen = m.length === 1 && e.firings !== undefined ? `${m[0]!.severity}, ${m[0]!.count} firings` : severities(m);
      const ok = m.length === 1 && m[0]!.severity === e.severity && (e.firings === undefined || m[0]!.count === e.firings);
      return { expectation: `alert ${e.ruleId} on ${e.device}`, expected: `1 × ${e.severity}${firings}`, seen, ok };
    }
    case 'correlation': {
      const m = alerts.filter((a) => a.ruleId === e.ruleId && a.labels.deviceId === null);
      m.forEach((a) => claimed.add(a.id));
      const all = m.length === 1 && e.members.every((id) => m[0]!.members.includes(id));
      const seen = m.length === 1 ? `${m[0]!.severity}, ${m[0]!.members.length} members` : severities(m);
      return { expectation: `incident alert ${e.ruleId}`, expected: `1 × ${e.severity}, ${e.members.length} members`, seen, ok: all && m[0]!.severity === e.severity };
    }
    case 'incident': {
      const m = o.incidents.filter((i) => i.devices.some((d) => e.devices.includes(d)));
      const all = m.length === 1 && e.devices.every((id) => m[0]!.devices.includes(id));
      const seen = m.length === 0 ? 'none' : m.map((i) => `${i.severity} (${i.devices.filter((d) => e.devices.includes(d)).length} of ours)`).join('; ');
      return { expectation: `one incident over ${e.devices.length} devices`, expected: `1 × ${e.severity}`, seen, ok: all && m[0]!.severity === e.severity };
    }
    case 'violation': {
      const n = o.violations.filter((v) => v.deviceId === e.device && v.code === e.code).length;
      return { expectation: `violation ${e.code} from ${e.device}`, expected: '≥ 1', seen: String(n), ok: n >= 1 };
    }
    case 'online': {
      const on = o.online[e.device];
      return { expectation: `${e.device} still connected`, expected: 'online', seen: on === undefined ? 'unknown' : on ? 'online' : 'offline', ok: on === true };
    }
  }
}

/** Judges `observed` against the script's expectations; `ok` only when every row holds. */
export function judge(script: ScenarioScript, observed: Observed): Verdict {
  const alerts = relevant(script, observed.alerts);
  const claimed = new Set<string>();
  const rows = script.expect.map((e) => row(e, alerts, observed, claimed));
  for (const a of alerts.filter((x) => !claimed.has(x.id))) {
    const on = a.labels.deviceId ?? `${a.members.length} devices`;
    rows.push({ expectation: `nothing else: ${a.ruleId} on ${on}`, expected: 'no alert', seen: `${a.severity} (${a.status})`, ok: false });
  }
  const ids = new Set(script.devices.map((d) => d.id));
  const expectedCodes = new Set(script.expect.flatMap((e) => (e.type === 'violation' ? [`${e.device} ${e.code}`] : [])));
  const extra = new Map<string, number>();
  for (const v of observed.violations) {
    const key = `${v.deviceId} ${v.code}`;
    if (ids.has(v.deviceId) && !expectedCodes.has(key)) extra.set(key, (extra.get(key) ?? 0) + 1);
  }
  for (const [key, n] of extra) rows.push({ expectation: `nothing else: violation ${key}`, expected: 'no violation', seen: String(n), ok: false });
  return { ok: rows.every((r) => r.ok), rows };
}

/** The verdict as a table (expected vs seen), one line per row, then PASS / FAIL. */
export function formatVerdict(v: Verdict): string[] {
  const head: VerdictRow = { expectation: 'expectation', expected: 'expected', seen: 'seen', ok: true };
  const all = [head, ...v.rows];
  const w = (k: 'expectation' | 'expected' | 'seen') => Math.max(...all.map((r) => r[k].length));
  const [we, wx, ws] = [w('expectation'), w('expected'), w('seen')];
  const line = (r: VerdictRow, mark: string) => `${mark}  ${r.expectation.padEnd(we)}  ${r.expected.padEnd(wx)}  ${r.seen.padEnd(ws)}`.trimEnd();
  return [
    line(head, '  '),
    ...v.rows.map((r) => line(r, r.ok ? 'ok' : '✗ ')),
    v.ok ? `PASS: ${v.rows.length} expectations hold` : `FAIL: ${v.rows.filter((r) => !r.ok).length} of ${v.rows.length} rows do not hold`,
  ];
}
