/**
 * The task (work order) state machine (domain.md "the closed loop"): dispatched → accepted | declined →
 * en route → on site → done → verified; a dispatcher may cancel or reassign any open task. Pure: values in,
 * values out; the service persists and announces.
 */
import type { Task, TaskEvent, TaskState } from './types.js';

export type TaskAction =
  | { type: 'accept' }
  | { type: 'decline'; reason: string }
  | { type: 'status'; state: 'en_route' | 'on_site' | 'done' }
  | { type: 'verify' }
  | { type: 'cancel'; reason: string }
  | { type: 'reassign'; note: string };

/** Who may take an action: the unit's responder (`self`) or a dispatcher (`dispatch`). */
export const ACTION_ROLE: Record<TaskAction['type'], 'self' | 'dispatch'> = {
  accept: 'self', decline: 'self', status: 'self', verify: 'dispatch', cancel: 'dispatch', reassign: 'dispatch',
};

const NEXT: Record<TaskState, readonly TaskState[]> = {
  dispatched: ['accepted', 'declined', 'cancelled', 'reassigned', 'en_route', 'on_site'],
  accepted: ['en_route', 'on_site', 'done', 'cancelled', 'reassigned'],
  en_route: ['on_site', 'done', 'cancelled', 'reassigned'],
  on_site: ['done', 'cancelled', 'reassigned'],
  done: ['verified', 'cancelled'],
  declined: [],
  verified: [],
  cancelled: [],
  reassigned: [],
};

/** States after which the task needs nothing more (a replacement may carry the work on). */
export const TERMINAL: ReadonlySet<TaskState> = new Set(['declined', 'verified', 'cancelled', 'reassigned']);

/** States that leave the work undone (the unit no longer works on the alert): a replacement may take it on. */
export const ENDED_WITHOUT_RESULT: ReadonlySet<TaskState> = new Set(['declined', 'cancelled', 'reassigned']);

/** States whose deadlines are watched: accept (dispatched) and arrive (accepted, en route). */
export const WATCHED: ReadonlySet<TaskState> = new Set(['dispatched', 'accepted', 'en_route']);

const target = (a: TaskAction): TaskState => {
  switch (a.type) {
    case 'accept': return 'accepted';
    case 'decline': return 'declined';
    case 'status': return a.state;
    case 'verify': return 'verified';
    case 'cancel': return 'cancelled';
    case 'reassign': return 'reassigned';
  }
};

export type TaskTransition = { ok: true; task: Task; event: TaskEvent } | { ok: false; reason: string };

/**
 * Applies an action. A responder who reports `en_route` or `on_site` on a task still `dispatched` accepts
 * it implicitly (the phone was offline when they tapped accept: the queue replays in order, but a lost
 * accept must not block the report).
 */
export function applyTaskAction(t: Task, a: TaskAction, who: { id: string; name: string }, now: number, clientAt?: number, note?: string): TaskTransition {
  const to = target(a);
  if (!NEXT[t.state].includes(to)) return { ok: false, reason: `A ${t.state} task cannot become ${to}` };
  const next: Task = { ...t, state: to, updatedAt: now };
  if (to === 'accepted' || (t.state === 'dispatched' && (to === 'en_route' || to === 'on_site'))) next.acceptedAt = now;
  if (to === 'on_site') next.arrivedAt = now;
  if (to === 'done') next.doneAt = now;
  if (to === 'verified') next.verifiedAt = now;
  const text = a.type === 'decline' || a.type === 'cancel' ? a.reason : a.type === 'reassign' ? a.note : note;
  const event: TaskEvent = { state: to, at: now, by: who.id, byName: who.name, ...(clientAt !== undefined ? { clientAt } : {}), ...(text ? { note: text } : {}) };
  return { ok: true, task: next, event };
}

/**
 * Whether that deadline has already been escalated. A task stored before `escalated` was kept counts every
 * deadline as escalated once it has any escalation (what that version did).
 */
export function escalatedFor(t: Task, kind: 'accept' | 'arrive'): boolean {
  return t.escalated ? t.escalated.includes(kind) : t.escalations > 0;
}

/** The deadline a task is waiting on now, or null (accept while dispatched, arrive until on site). */
export function pendingDeadline(t: Task): { kind: 'accept' | 'arrive'; at: number } | null {
  if (t.state === 'dispatched') return { kind: 'accept', at: t.acceptBy };
  if (t.state === 'accepted' || t.state === 'en_route') return { kind: 'arrive', at: t.arriveBy };
  return null;
}
