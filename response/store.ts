/** The ResponseStore port: resources, versioned plans, tasks with history and reports, idempotent replies. */
import type { Plan, Resource, ResourceKind, Task, TaskEvent, TaskReport, TaskState } from './types.js';

export interface ResourceQuery {
  kind?: ResourceKind;
  type?: string;
  /** Any of these districts (a district scope); empty matches nothing. */
  districts?: string[];
}

export interface TaskQuery {
  state?: TaskState;
  unitId?: string;
  alertId?: string;
  /** Any of these districts (a district scope); empty matches nothing. */
  districts?: string[];
  /** Created in [from, to), epoch ms. */
  from?: number;
  to?: number;
  limit: number;
  /** Newest first: tasks strictly older than this (createdAt, id) pair. */
  before?: { createdAt: number; id: string };
}

/** A stored answer to an `Idempotency-Key`: the replay gets the same status and body. */
export interface IdempotentReply {
  key: string;
  status: number;
  body: unknown;
  createdAt: number;
}

/** A key's slot: reserved by this call, or held by an earlier one (still running, or with its answer). */
export type ReplySlot = { state: 'reserved' } | { state: 'pending'; since: number } | { state: 'done'; reply: IdempotentReply };

export interface ResponseStore {
  /** Inserts or replaces a resource by id. */
  putResource(r: Resource): Promise<void>;
  getResource(id: string): Promise<Resource | undefined>;
  /** Ordered by id. */
  listResources(q: ResourceQuery): Promise<Resource[]>;
  /** Replaces the resource only while it is still stored exactly as `previous` (compare and set): false otherwise. */
  replaceResource(next: Resource, previous: Resource): Promise<boolean>;
  /** Resources with a webhook channel (sealing secrets stored in clear), ordered by id. */
  webhookResources(): Promise<Resource[]>;
  /** False when there was none. */
  deleteResource(id: string): Promise<boolean>;

  /** Stores a new plan version; throws PLAN_VERSION_CONFLICT when (id, version) exists. */
  addPlanVersion(p: Plan): Promise<void>;
  /** The latest version, or that version. */
  getPlan(id: string, version?: number): Promise<Plan | undefined>;
  /** The latest version of every plan, by id. */
  listPlans(): Promise<Plan[]>;
  /** Every version of a plan, oldest first. */
  planHistory(id: string): Promise<Plan[]>;

  /** Inserts a task with its first history event. */
  createTask(t: Task, first: TaskEvent): Promise<void>;
  getTask(id: string): Promise<Task | undefined>;
  /**
   * Writes the task and appends the event only when its stored state is still `from` (compare and set):
   * false when another change came first.
   */
  updateTask(t: Task, from: TaskState, event: TaskEvent | null): Promise<boolean>;
  /** Newest first (createdAt, then id). */
  listTasks(q: TaskQuery): Promise<Task[]>;
  /** Tasks not yet finished (dispatched, accepted, en route, on site, done), oldest first: deadlines and the resolve guard. */
  openTasks(): Promise<Task[]>;
  history(taskId: string): Promise<TaskEvent[]>;
  addReport(taskId: string, r: TaskReport): Promise<void>;
  /** Oldest first. */
  reports(taskId: string): Promise<TaskReport[]>;

  /** The stored reply for a key, or undefined (also while the key is only reserved). */
  getReply(key: string): Promise<IdempotentReply | undefined>;
  /**
   * Reserves the key for the caller about to run the action (a unique row, so of two concurrent callers —
   * processes included — exactly one gets `reserved`); the other learns it is pending or its answer. A
   * reservation still pending from before `staleBefore` belongs to a process that died: it is taken over
   * (`reserved`, by exactly one of concurrent callers).
   */
  reserveReply(key: string, at: number, staleBefore?: number): Promise<ReplySlot>;
  /** Stores the answer of a reserved key (only while it is still pending). */
  completeReply(r: IdempotentReply): Promise<void>;
  /** Gives a reserved key up (the action failed without an answer to keep): a retry runs it again. */
  releaseReply(key: string): Promise<void>;
  /** Drops replies older than `before`; returns how many. */
  pruneReplies(before: number): Promise<number>;
}
