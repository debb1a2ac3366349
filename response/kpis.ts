/**
 * Closed-loop figures (domain.md: Qingdao reports a disposal rate above 99 %): per unit, district and
 * alert kind — time to dispatch, accept, arrive and resolve; the disposal rate; overdue tasks. Pure.
 */
import type { Localized } from '../kernel/i18n.js';
import { taskUnitNames } from './resources.js';
import type { Task } from './types.js';

export interface Stat {
  n: number;
  medianS: number | null;
  p90S: number | null;
}

export interface Figures {
  tasks: number;
  verified: number;
  /** Verified ÷ tasks that stayed with their unit (declined, reassigned and cancelled ones moved on). */
  disposalRate: number | null;
  overdue: number;
  dispatch: Stat;
  accept: Stat;
  arrive: Stat;
  resolve: Stat;
}

export interface KpiReport {
  from: number;
  to: number;
  total: Figures;
  /** Per unit id: its figures and its name (as its first task in the range kept it), in every language too. */
  byUnit: Record<string, Figures & { unitName: string; unitNames: Localized }>;
  byDistrict: Record<string, Figures>;
  byKind: Record<string, Figures>;
}

/** Nearest-rank percentile over sorted values. */
function pct(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function stat(values: number[]): Stat {
  const s = values.filter((v) => v >= 0).map((v) => v / 1000).sort((a, b) => a - b);
  return { n: s.length, medianS: pct(s, 50), p90S: pct(s, 90) };
}

const MOVED = new Set(['declined', 'reassigned', 'cancelled']);

/** Late: accepted or arrived after the deadline, still waiting past one at `now`, or escalated. */
export function isOverdue(t: Task, now: number): boolean {
  if (t.escalations > 0) return true;
  if ((t.acceptedAt ?? (t.state === 'dispatched' ? now : -Infinity)) > t.acceptBy) return true;
  const waitingToArrive = t.state === 'accepted' || t.state === 'en_route';
  return (t.arrivedAt ?? (waitingToArrive ? now : -Infinity)) > t.arriveBy;
}

export function figures(tasks: readonly Task[], now: number): Figures {
  const kept = tasks.filter((t) => !MOVED.has(t.state));
  const verified = kept.filter((t) => t.state === 'verified').length;
  const since = (t: Task, v: number | null) => (v === null ? [] : [v - t.createdAt]);
  return {
    tasks: tasks.length, verified, disposalRate: kept.length === 0 ? null : verified / kept.length,
    overdue: tasks.filter((t) => isOverdue(t, now)).length,
    dispatch: stat(tasks.map((t) => t.createdAt - t.alert.openedAt)),
    accept: stat(tasks.flatMap((t) => since(t, t.acceptedAt))),
    arrive: stat(tasks.flatMap((t) => since(t, t.arrivedAt))),
    resolve: stat(tasks.flatMap((t) => since(t, t.verifiedAt))),
  };
}

function groupBy(tasks: readonly Task[], key: (t: Task) => string): Map<string, Task[]> {
  const m = new Map<string, Task[]>();
  for (const t of tasks) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}

export function kpiReport(tasks: readonly Task[], from: number, to: number, now: number): KpiReport {
  const of = (m: Map<string, Task[]>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, figures(v, now)]));
  const byUnit = Object.fromEntries([...groupBy(tasks, (t) => t.unitId)].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { ...figures(v, now), unitName: v[0]!.unitName, unitNames: taskUnitNames(v[0]!) }]));
  return { from, to, total: figures(tasks, now), byUnit, byDistrict: of(groupBy(tasks, (t) => t.district ?? 'none')), byKind: of(groupBy(tasks, (t) => t.alert.kind)) };
}
