/**
 * The task desk: reads tasks within a viewer's reach, applies state changes (compare and set, then the
 * history, then the `taskChanged` notice), keeps field reports, and knows which alerts still have required
 * tasks open — the resolve guard the alert lifecycle asks synchronously.
 */
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { ResponseStore, TaskQuery } from './store.js';
import { applyTaskAction, TERMINAL, type TaskAction } from './task-machine.js';
import type { LonLat, Task, TaskDetail, TaskEvent, TaskReport } from './types.js';
import { taskView, type DistrictNames } from './views.js';

/** Whose tasks a caller may see: one unit's (responders), within districts (district scope), or all. */
export interface Viewer {
  /** Only this unit's tasks; undefined = any unit. A responder without a unit sees none. */
  unit?: string | null;
  /** District scope; null or undefined = the whole city. */
  districts?: string[] | null;
}

export interface Person {
  id: string;
  name: string;
}

export type TaskListener = (task: Task, previous: Task | null) => void;

/** Checks that cited media exist and attaches them to the task (the media store); throws MEDIA_NOT_FOUND otherwise. */
export type MediaCheck = (ids: readonly string[], task: { id: string; alertId: string }, by: string) => Promise<void>;

export class TaskDesk {
  /** alert id → ids of its required tasks not yet finished. */
  private readonly openRequired = new Map<string, Set<string>>();
  private readonly listeners: TaskListener[] = [];

  constructor(private readonly deps: { store: ResponseStore; bus: EventBus; clock: Clock; names: DistrictNames; media?: MediaCheck }) {}

  /** Loads the resolve guard's index from the open tasks. */
  async start(): Promise<Task[]> {
    const open = await this.deps.store.openTasks();
    for (const t of open) this.index(t);
    return open;
  }

  onChange(fn: TaskListener): void {
    this.listeners.push(fn);
  }

  /** Why the alert may not resolve yet, or null: its required tasks not yet verified. */
  resolveBlocker(alertId: string): string | null {
    const n = this.openRequired.get(alertId)?.size ?? 0;
    return n === 0 ? null : `${n} required response task${n === 1 ? '' : 's'} not yet verified`;
  }

  /** Inserts a new task, announces it, and tells the listeners. */
  async create(t: Task, by: Person, note?: string): Promise<Task> {
    const first: TaskEvent = { state: t.state, at: t.createdAt, by: by.id, byName: by.name, ...(note ? { note } : {}) };
    await this.deps.store.createTask(t, first);
    this.changed(t, null);
    return t;
  }

  /** @throws TASK_NOT_FOUND when the task is unknown or out of the viewer's reach (404, never 403). */
  async visible(id: string, viewer: Viewer): Promise<Task> {
    const t = await this.deps.store.getTask(id);
    if (!t || !reaches(viewer, t)) throw new AppError('TASK_NOT_FOUND', { details: { id } });
    return t;
  }

  async detail(id: string, viewer: Viewer): Promise<TaskDetail> {
    const t = await this.visible(id, viewer);
    const [history, reports] = await Promise.all([this.deps.store.history(id), this.deps.store.reports(id)]);
    return { ...t, history, reports };
  }

  list(q: Omit<TaskQuery, 'districts'>, viewer: Viewer): Promise<Task[]> {
    if (viewer.unit === null) return Promise.resolve([]);
    if (viewer.unit !== undefined && q.unitId !== undefined && q.unitId !== viewer.unit) return Promise.resolve([]);
    return this.deps.store.listTasks({ ...q, ...(viewer.unit !== undefined ? { unitId: viewer.unit } : {}), ...(viewer.districts ? { districts: viewer.districts } : {}) });
  }

  /**
   * Applies an action to the task as stored now. @throws TASK_NOT_FOUND, TASK_STATE_CONFLICT (illegal in
   * the current state, or another change won the race).
   */
  async act(id: string, action: TaskAction, by: Person, viewer: Viewer, opts: { clientAt?: number; note?: string } = {}): Promise<Task> {
    const t = await this.visible(id, viewer);
    return this.transition(t, action, by, opts);
  }

  /** The same on a task already read (internal callers: deadlines, escalation). */
  async transition(t: Task, action: TaskAction, by: Person, opts: { clientAt?: number; note?: string } = {}): Promise<Task> {
    const r = applyTaskAction(t, action, by, this.deps.clock.now(), opts.clientAt, opts.note);
    if (!r.ok) throw new AppError('TASK_STATE_CONFLICT', { message: r.reason, details: { id: t.id, state: t.state, action: action.type } });
    if (!(await this.deps.store.updateTask(r.task, t.state, r.event))) {
      throw new AppError('TASK_STATE_CONFLICT', { message: 'The task changed meanwhile: read it again', details: { id: t.id, action: action.type } });
    }
    this.changed(r.task, t);
    return r.task;
  }

  /** Saves a field change that is not a state change (escalation count). */
  async save(t: Task, previous: Task): Promise<boolean> {
    const ok = await this.deps.store.updateTask(t, previous.state, null);
    if (ok) this.changed(t, previous);
    return ok;
  }

  /** Adds a field report (note, photos by media id, position). @throws TASK_NOT_FOUND, MEDIA_NOT_FOUND */
  async report(id: string, input: { note?: string; mediaIds?: string[]; position?: LonLat; clientAt?: number }, by: Person, viewer: Viewer): Promise<TaskReport> {
    const t = await this.visible(id, viewer);
    const mediaIds = [...new Set(input.mediaIds ?? [])];
    if (mediaIds.length > 0 && this.deps.media) await this.deps.media(mediaIds, t, by.id);
    const r: TaskReport = {
      id: randomUUID(), at: this.deps.clock.now(), by: by.id, byName: by.name, mediaIds,
      ...(input.note ? { note: input.note } : {}), ...(input.position ? { position: input.position } : {}),
    };
    await this.deps.store.addReport(t.id, r);
    this.deps.bus.emit('taskChanged', { task: taskView({ ...t, updatedAt: r.at }, this.deps.names), action: 'updated', at: r.at });
    return r;
  }

  private index(t: Task): void {
    let set = this.openRequired.get(t.alertId);
    if (t.required && !TERMINAL.has(t.state)) {
      if (!set) this.openRequired.set(t.alertId, (set = new Set()));
      set.add(t.id);
    } else if (set) {
      set.delete(t.id);
      if (set.size === 0) this.openRequired.delete(t.alertId);
    }
  }

  private changed(t: Task, previous: Task | null): void {
    this.index(t);
    this.deps.bus.emit('taskChanged', { task: taskView(t, this.deps.names), action: previous ? 'updated' : 'created', at: t.updatedAt });
    for (const fn of this.listeners) fn(t, previous);
  }
}

export function reaches(viewer: Viewer, t: Task): boolean {
  if (viewer.unit === null) return false;
  if (viewer.unit !== undefined && t.unitId !== viewer.unit) return false;
  return !viewer.districts || (t.district !== null && viewer.districts.includes(t.district));
}
