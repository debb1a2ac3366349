/**
 * The pure alert state machine (issue #3 part 3; domain.md "What an alert system … must have" 1–3):
 * open → acknowledged → resolved (auto on recovery, or by hand) → closed. One alert per (subject, rule):
 * repeats raise count and last-seen, a worse condition upgrades severity in place (never downgraded while
 * open), a re-fire of a resolved alert reopens it. Every change is an AuditEntry. Values in, values out.
 */
import type { Localized } from '../kernel/i18n.js';
import { alertId } from './alert-id.js';
import type { RuleKind } from './rules.js';
import { responseLevel, severityRank, type ResponseLevel, type Severity } from './severity.js';
import type { Signal, SignalLabels } from './signal.js';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved' | 'closed';

export interface AlertComment {
  at: number;
  by: string;
  text: string;
}

export interface Alert {
  /** `al-<first firing ms>-<16 hex of (rule, subject)>`: stable, unique per alert, URL-safe (alert-id.ts). */
  id: string;
  ruleId: string;
  ruleKind: RuleKind;
  subject: string;
  labels: SignalLabels;
  members: string[];
  status: AlertStatus;
  /** Highest severity of this alert (upgraded in place, never lowered while open). */
  severity: Severity;
  /** Severity the condition last reported (may be lower than `severity` while it eases). */
  currentSeverity: Severity;
  responseLevel: ResponseLevel;
  /** Firing signals folded into this alert (first one included). */
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
  /** When it last became open (first firing, or reopening): the escalation clock starts here. */
  openedAt: number;
  /** Whether the rule's condition is still firing. */
  active: boolean;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  /** Responsible unit (department, grid unit). */
  unit: string | null;
  dispatchedAt: number | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  closedAt: number | null;
  escalationLevel: number;
  escalatedAt: number | null;
  values: Signal['values'];
  /** English; `messages` has every language (absent on alerts stored before it, or raised with free text). */
  message: string;
  messages?: Localized;
  comments: AlertComment[];
}

export type AuditAction =
  | 'opened' | 'upgraded' | 'eased' | 'reopened' | 'acknowledged' | 'assigned' | 'commented'
  | 'dispatched' | 'resolved' | 'closed' | 'escalated'
  | TimelineEvent;

/**
 * Field evidence and notices on an alert's timeline, with no status change: a drone over the target, a
 * picture attached, a duty desk told of the response.
 */
export type TimelineEvent = 'drone.arrived' | 'media.attached' | 'desk.notified';

export interface AuditEntry {
  alertId: string;
  at: number;
  /** `system` for automatic changes, otherwise the user. */
  actor: string;
  action: AuditAction;
  from?: string;
  to?: string;
  /** Free text, or for a note the platform writes (`detail`) its English rendering (as before `detail`). */
  note?: string;
  /** A note the platform writes, kept structured so that each reader gets it in their own language. */
  detail?: NoteDetail;
}

/**
 * A platform-written timeline note: its catalog code and parameters (times as epoch ms) — readers render
 * it themselves (the console in its chosen language and the city's zone) — and its text in every language.
 */
export interface NoteDetail {
  code: string;
  params: Record<string, string | number>;
  notes: Record<'zh-CN' | 'en', string>;
}

export interface SignalOutcome {
  /** The alert after the signal; null when the signal concerns no alert (a clear with none open). */
  alert: Alert | null;
  changes: AuditEntry[];
  /** Whether receivers should hear about it (opened, upgraded, reopened, resolved). */
  notify: boolean;
}

export type Transition =
  | { ok: true; alert: Alert; changes: AuditEntry[] }
  | { ok: false; reason: string };

const SYSTEM = 'system';

function audit(a: Alert, at: number, action: AuditAction, extra: Partial<AuditEntry> = {}, actor = SYSTEM): AuditEntry {
  return { alertId: a.id, at, actor, action, ...extra };
}

function open(s: Signal, now: number): SignalOutcome {
  const alert: Alert = {
    id: alertId(s.ruleId, s.subject, s.at), ruleId: s.ruleId, ruleKind: s.ruleKind, subject: s.subject,
    labels: { ...s.labels }, members: [...(s.members ?? [])], status: 'open', severity: s.severity, currentSeverity: s.severity,
    responseLevel: responseLevel(s.severity), count: 1, firstSeenAt: s.at, lastSeenAt: s.at, openedAt: now, active: true,
    acknowledgedAt: null, acknowledgedBy: null, assignee: null, unit: null, dispatchedAt: null, resolvedAt: null,
    resolvedBy: null, closedAt: null, escalationLevel: 0, escalatedAt: null, values: { ...s.values }, message: s.message, comments: [],
    messages: { ...s.messages },
  };
  return { alert, changes: [audit(alert, now, 'opened', { to: s.severity, note: s.message })], notify: true };
}

/**
 * Folds one engine signal into the current alert for its (subject, rule) — the one not yet closed,
 * or undefined. Dedup, upgrade in place, auto-resolve on clear, reopen on a re-fire after resolution.
 */
export function applySignal(current: Alert | undefined, s: Signal, now: number): SignalOutcome {
  if (current && (current.ruleId !== s.ruleId || current.subject !== s.subject)) {
    throw new RangeError(`signal ${s.ruleId}/${s.subject} applied to alert ${current.id}`);
  }
  if (!current || current.status === 'closed') {
    return s.state === 'firing' ? open(s, now) : { alert: current ?? null, changes: [], notify: false };
  }
  const a: Alert = { ...current, values: { ...s.values }, members: s.members ? [...s.members] : current.members };
  const changes: AuditEntry[] = [];
  if (s.state === 'clear') {
    a.active = false;
    if (a.status === 'resolved') return { alert: a, changes, notify: false };
    a.status = 'resolved';
    a.resolvedAt = now;
    a.resolvedBy = SYSTEM;
    changes.push(audit(a, now, 'resolved', { from: current.status, to: 'resolved', note: 'condition cleared' }));
    return { alert: a, changes, notify: true };
  }
  a.count++;
  a.lastSeenAt = s.at;
  a.active = true;
  a.currentSeverity = s.severity;
  let notify = false;
  if (a.status === 'resolved') {
    a.status = 'open';
    a.openedAt = now;
    a.resolvedAt = a.resolvedBy = null;
    a.escalationLevel = 0;
    a.escalatedAt = null;
    changes.push(audit(a, now, 'reopened', { from: 'resolved', to: 'open', note: s.message }));
    notify = true;
  }
  const up = severityRank(s.severity) - severityRank(a.severity);
  if (up > 0) {
    changes.push(audit(a, now, 'upgraded', { from: a.severity, to: s.severity, note: s.message }));
    a.severity = s.severity;
    a.responseLevel = responseLevel(s.severity);
    a.message = s.message;
    a.messages = { ...s.messages };
    notify = true;
  } else if (up < 0) {
    // Never downgrade while open: operators keep seeing the worst; the easing is recorded.
    changes.push(audit(a, now, 'eased', { from: a.severity, to: s.severity, note: s.message }));
  }
  return { alert: a, changes, notify };
}

function deny(a: Alert, op: string): Transition {
  return { ok: false, reason: `cannot ${op} an alert that is ${a.status}` };
}

export function acknowledge(a: Alert, by: string, now: number, note?: string): Transition {
  if (a.status !== 'open') return deny(a, 'acknowledge');
  const next: Alert = { ...a, status: 'acknowledged', acknowledgedAt: a.acknowledgedAt ?? now, acknowledgedBy: by };
  return { ok: true, alert: next, changes: [audit(a, now, 'acknowledged', { from: 'open', to: 'acknowledged', ...(note ? { note } : {}) }, by)] };
}

export function assign(a: Alert, assignee: string, unit: string | null, by: string, now: number): Transition {
  if (a.status === 'closed') return deny(a, 'assign');
  const next: Alert = { ...a, assignee, unit: unit ?? a.unit };
  return { ok: true, alert: next, changes: [audit(a, now, 'assigned', { from: a.assignee ?? '', to: assignee, ...(unit ? { note: `unit ${unit}` } : {}) }, by)] };
}

export function comment(a: Alert, by: string, text: string, now: number): Transition {
  if (text.trim() === '') return { ok: false, reason: 'comment is empty' };
  const next: Alert = { ...a, comments: [...a.comments, { at: now, by, text }] };
  return { ok: true, alert: next, changes: [audit(a, now, 'commented', { note: text }, by)] };
}

/** Records field evidence on the timeline; the alert itself is unchanged, whatever its status. */
export function record(a: Alert, event: TimelineEvent, by: string, now: number, note?: string, detail?: NoteDetail): Transition {
  return { ok: true, alert: a, changes: [audit(a, now, event, { ...(note === undefined ? {} : { note }), ...(detail ? { detail } : {}) }, by)] };
}

/** A crew or a drone was sent (the "dispatch" of the closed loop; time-to-dispatch KPI). */
export function dispatch(a: Alert, by: string, now: number, target: string): Transition {
  if (a.status === 'closed' || a.status === 'resolved') return deny(a, 'dispatch');
  const next: Alert = { ...a, dispatchedAt: a.dispatchedAt ?? now };
  return { ok: true, alert: next, changes: [audit(a, now, 'dispatched', { to: target }, by)] };
}

export function resolve(a: Alert, by: string, now: number, note?: string): Transition {
  if (a.status !== 'open' && a.status !== 'acknowledged') return deny(a, 'resolve');
  const next: Alert = { ...a, status: 'resolved', resolvedAt: now, resolvedBy: by };
  return { ok: true, alert: next, changes: [audit(a, now, 'resolved', { from: a.status, to: 'resolved', ...(note ? { note } : {}) }, by)] };
}

/** Closing ends the alert for good: a later firing opens a new one. Only a resolved alert closes. */
export function close(a: Alert, by: string, now: number): Transition {
  if (a.status !== 'resolved') return deny(a, 'close');
  const next: Alert = { ...a, status: 'closed', closedAt: now };
  return { ok: true, alert: next, changes: [audit(a, now, 'closed', { from: 'resolved', to: 'closed' }, by)] };
}
