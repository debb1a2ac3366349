/** ResponseStore on the relational store (Kysely: SQLite embedded, PostgreSQL at scale). */
import type { Kysely } from 'kysely';
import { isUniqueViolation, type Database } from '../kernel/db/index.js';
import { AppError } from '../kernel/errors.js';
import type { IdempotentReply, ReplySlot, ResourceQuery, ResponseStore, TaskQuery } from './store.js';
import type { Plan, Resource, Task, TaskEvent, TaskReport, TaskState } from './types.js';

interface Tables {
  response_resources: { id: string; kind: string; type: string | null; district: string | null; data: string; updated_at: number };
  response_plans: { id: string; version: number; data: string; updated_at: number };
  response_tasks: { id: string; alert_id: string; unit_id: string; state: string; district: string | null; created_at: number; updated_at: number; data: string };
  response_task_events: { task_id: string; seq: number; data: string };
  response_task_reports: { id: string; task_id: string; at: number; data: string };
  response_replies: { key: string; status: number; body: string; created_at: number };
}

/** `status` of a reserved key whose action is still running (no HTTP status is 0). */
const PENDING = 0;
const OPEN: TaskState[] = ['dispatched', 'accepted', 'en_route', 'on_site', 'done'];
const parse = <T>(s: string): T => JSON.parse(s) as T;

export class KyselyResponseStore implements ResponseStore {
  private readonly db: Kysely<Tables>;

  constructor(database: Database) {
    this.db = database.db as Kysely<Tables>;
  }

  async putResource(r: Resource): Promise<void> {
    const row = { id: r.id, kind: r.kind, type: r.type, district: r.district, data: JSON.stringify(r), updated_at: r.updatedAt };
    await this.db.insertInto('response_resources').values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ kind: row.kind, type: row.type, district: row.district, data: row.data, updated_at: row.updated_at }))
      .execute();
  }

  async getResource(id: string): Promise<Resource | undefined> {
    const r = await this.db.selectFrom('response_resources').select('data').where('id', '=', id).executeTakeFirst();
    return r && parse<Resource>(r.data);
  }

  async listResources(q: ResourceQuery): Promise<Resource[]> {
    if (q.districts?.length === 0) return [];
    let sel = this.db.selectFrom('response_resources').select('data');
    if (q.kind !== undefined) sel = sel.where('kind', '=', q.kind);
    if (q.type !== undefined) sel = sel.where('type', '=', q.type);
    if (q.districts !== undefined) sel = sel.where('district', 'in', q.districts);
    return (await sel.orderBy('id').execute()).map((r) => parse<Resource>(r.data));
  }

  async replaceResource(next: Resource, previous: Resource): Promise<boolean> {
    const r = await this.db.updateTable('response_resources')
      .set({ kind: next.kind, type: next.type, district: next.district, data: JSON.stringify(next), updated_at: next.updatedAt })
      .where('id', '=', next.id).where('data', '=', JSON.stringify(previous)).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async webhookResources(): Promise<Resource[]> {
    const rows = await this.db.selectFrom('response_resources').select('data').where('data', 'like', '%"type":"webhook"%').orderBy('id').execute();
    return rows.map((r) => parse<Resource>(r.data));
  }

  async deleteResource(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('response_resources').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addPlanVersion(p: Plan): Promise<void> {
    try {
      await this.db.insertInto('response_plans').values({ id: p.id, version: p.version, data: JSON.stringify(p), updated_at: p.updatedAt }).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('PLAN_VERSION_CONFLICT', { details: { id: p.id, version: p.version } });
      throw err;
    }
  }

  async getPlan(id: string, version?: number): Promise<Plan | undefined> {
    let sel = this.db.selectFrom('response_plans').select('data').where('id', '=', id);
    if (version !== undefined) sel = sel.where('version', '=', version);
    const r = await sel.orderBy('version', 'desc').limit(1).executeTakeFirst();
    return r && parse<Plan>(r.data);
  }

  async listPlans(): Promise<Plan[]> {
    const rows = await this.db.selectFrom('response_plans as p').select('p.data')
      .where(({ eb, selectFrom }) => eb('p.version', '=', selectFrom('response_plans as q').select((e) => e.fn.max('q.version').as('v')).whereRef('q.id', '=', 'p.id')))
      .orderBy('p.id').execute();
    return rows.map((r) => parse<Plan>(r.data));
  }

  async planHistory(id: string): Promise<Plan[]> {
    const rows = await this.db.selectFrom('response_plans').select('data').where('id', '=', id).orderBy('version').execute();
    return rows.map((r) => parse<Plan>(r.data));
  }

  async createTask(t: Task, first: TaskEvent): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('response_tasks').values(taskRow(t)).execute();
      await trx.insertInto('response_task_events').values({ task_id: t.id, seq: 1, data: JSON.stringify(first) }).execute();
    });
  }

  async getTask(id: string): Promise<Task | undefined> {
    const r = await this.db.selectFrom('response_tasks').select('data').where('id', '=', id).executeTakeFirst();
    return r && parse<Task>(r.data);
  }

  async updateTask(t: Task, from: TaskState, event: TaskEvent | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const { id: _id, ...row } = taskRow(t);
      const r = await trx.updateTable('response_tasks').set(row).where('id', '=', t.id).where('state', '=', from).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      if (event) {
        const last = await trx.selectFrom('response_task_events').select((e) => e.fn.max('seq').as('n')).where('task_id', '=', t.id).executeTakeFirst();
        await trx.insertInto('response_task_events').values({ task_id: t.id, seq: Number(last?.n ?? 0) + 1, data: JSON.stringify(event) }).execute();
      }
      return true;
    });
  }

  async listTasks(q: TaskQuery): Promise<Task[]> {
    if (q.districts?.length === 0) return [];
    let sel = this.db.selectFrom('response_tasks').select('data');
    if (q.state !== undefined) sel = sel.where('state', '=', q.state);
    if (q.unitId !== undefined) sel = sel.where('unit_id', '=', q.unitId);
    if (q.alertId !== undefined) sel = sel.where('alert_id', '=', q.alertId);
    if (q.districts !== undefined) sel = sel.where('district', 'in', q.districts);
    if (q.from !== undefined) sel = sel.where('created_at', '>=', q.from);
    if (q.to !== undefined) sel = sel.where('created_at', '<', q.to);
    const b = q.before;
    if (b) sel = sel.where((eb) => eb.or([eb('created_at', '<', b.createdAt), eb.and([eb('created_at', '=', b.createdAt), eb('id', '<', b.id)])]));
    const rows = await sel.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
    return rows.map((r) => parse<Task>(r.data));
  }

  async openTasks(): Promise<Task[]> {
    const rows = await this.db.selectFrom('response_tasks').select('data').where('state', 'in', OPEN).orderBy('created_at').execute();
    return rows.map((r) => parse<Task>(r.data));
  }

  async history(taskId: string): Promise<TaskEvent[]> {
    const rows = await this.db.selectFrom('response_task_events').select('data').where('task_id', '=', taskId).orderBy('seq').execute();
    return rows.map((r) => parse<TaskEvent>(r.data));
  }

  async addReport(taskId: string, r: TaskReport): Promise<void> {
    await this.db.insertInto('response_task_reports').values({ id: r.id, task_id: taskId, at: r.at, data: JSON.stringify(r) }).execute();
  }

  async reports(taskId: string): Promise<TaskReport[]> {
    const rows = await this.db.selectFrom('response_task_reports').select('data').where('task_id', '=', taskId).orderBy('at').orderBy('id').execute();
    return rows.map((r) => parse<TaskReport>(r.data));
  }

  async getReply(key: string): Promise<IdempotentReply | undefined> {
    const r = await this.db.selectFrom('response_replies').selectAll().where('key', '=', key).where('status', '<>', PENDING).executeTakeFirst();
    return r && { key: r.key, status: Number(r.status), body: JSON.parse(r.body) as unknown, createdAt: Number(r.created_at) };
  }

  async reserveReply(key: string, at: number, staleBefore?: number): Promise<ReplySlot> {
    // One statement: a new row, or (the row-level conflict lock makes it one taker) a stale pending one taken over.
    const ins = await this.db.insertInto('response_replies').values({ key, status: PENDING, body: 'null', created_at: at })
      .onConflict((oc) => (staleBefore === undefined
        ? oc.column('key').doNothing()
        : oc.column('key').doUpdateSet({ created_at: at }).where('response_replies.status', '=', PENDING).where('response_replies.created_at', '<', staleBefore)))
      .executeTakeFirst();
    if (Number(ins.numInsertedOrUpdatedRows ?? 0n) > 0) return { state: 'reserved' };
    const r = await this.db.selectFrom('response_replies').selectAll().where('key', '=', key).executeTakeFirst();
    // Pruned between the insert and the read: a reservation again is the honest answer.
    if (!r) return this.reserveReply(key, at, staleBefore);
    if (Number(r.status) === PENDING) return { state: 'pending', since: Number(r.created_at) };
    return { state: 'done', reply: { key: r.key, status: Number(r.status), body: JSON.parse(r.body) as unknown, createdAt: Number(r.created_at) } };
  }

  async completeReply(r: IdempotentReply): Promise<void> {
    await this.db.updateTable('response_replies').set({ status: r.status, body: JSON.stringify(r.body ?? null), created_at: r.createdAt })
      .where('key', '=', r.key).where('status', '=', PENDING).execute();
  }

  async releaseReply(key: string): Promise<void> {
    await this.db.deleteFrom('response_replies').where('key', '=', key).where('status', '=', PENDING).execute();
  }

  async pruneReplies(before: number): Promise<number> {
    const r = await this.db.deleteFrom('response_replies').where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

function taskRow(t: Task): Tables['response_tasks'] {
  return { id: t.id, alert_id: t.alertId, unit_id: t.unitId, state: t.state, district: t.district, created_at: t.createdAt, updated_at: t.updatedAt, data: JSON.stringify(t) };
}
