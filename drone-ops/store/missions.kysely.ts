/** Missions and their history rows over Kysely (the mission half of KyselyDroneOpsStore). */
import type { MissionStatus } from '../../kernel/events.js';
import { missionFromRow, missionToRow, type Db, type MissionsTable } from './tables.js';
import type { MissionChanges, MissionFilter, MissionHistoryEntry, MissionRecord } from './types.js';

function changeSet(c: MissionChanges, at: number): Partial<MissionsTable> {
  const set: Partial<MissionsTable> = { updated_at: at };
  if (c.runAt !== undefined) set.run_at = c.runAt;
  if (c.startedAt !== undefined) set.started_at = c.startedAt;
  if (c.finishedAt !== undefined) set.finished_at = c.finishedAt;
  if (c.progressSeq !== undefined) set.progress_seq = c.progressSeq;
  if (c.note !== undefined) set.note = c.note;
  return set;
}

export class MissionRows {
  constructor(protected readonly db: Db) {}

  async insertMissions(missions: MissionRecord[], actor = 'system'): Promise<void> {
    if (missions.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('missions').values(missions.map(missionToRow)).execute();
      await trx
        .insertInto('mission_history')
        .values(missions.map((m) => ({ mission_id: m.id, seq: 1, from_status: null, to_status: m.status, at: m.createdAt, note: m.note, actor })))
        .execute();
    });
  }

  async getMission(id: string): Promise<MissionRecord | undefined> {
    const row = await this.db.selectFrom('missions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && missionFromRow(row);
  }

  async listMissions(filter: MissionFilter = {}): Promise<MissionRecord[]> {
    const q = this.filtered(filter).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 100).offset(filter.offset ?? 0);
    return (await q.execute()).map(missionFromRow);
  }

  async countMissions(filter: MissionFilter = {}): Promise<number> {
    const r = await this.filtered(filter).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  private filtered(filter: MissionFilter) {
    let q = this.db.selectFrom('missions');
    if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
    if (filter.dockId !== undefined) q = q.where('dock_id', '=', filter.dockId);
    if (filter.patrolId !== undefined) q = q.where('patrol_id', '=', filter.patrolId);
    return q;
  }

  async transition(
    id: string,
    from: readonly MissionStatus[],
    to: MissionStatus,
    at: number,
    opts: { note?: string; changes?: MissionChanges; actor?: string } = {},
  ): Promise<MissionRecord | undefined> {
    const done = await this.db.transaction().execute(async (trx) => {
      // Compare-and-set on the status: two processes racing on one mission cannot both move it.
      const set = { ...changeSet({ ...opts.changes, ...(opts.note === undefined ? {} : { note: opts.note }) }, at), status: to };
      const cur = await trx.selectFrom('missions').select('status').where('id', '=', id).executeTakeFirst();
      if (!cur || !from.includes(cur.status as MissionStatus)) return false;
      const r = await trx.updateTable('missions').set(set).where('id', '=', id).where('status', '=', cur.status).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      const last = await trx
        .selectFrom('mission_history')
        .select((eb) => eb.fn.max<number>('seq').as('m'))
        .where('mission_id', '=', id)
        .executeTakeFirst();
      await trx
        .insertInto('mission_history')
        .values({ mission_id: id, seq: Number(last?.m ?? 0) + 1, from_status: cur.status, to_status: to, at, note: opts.note ?? null, actor: opts.actor ?? 'system' })
        .execute();
      return true;
    });
    return done ? this.getMission(id) : undefined;
  }

  async updateMission(id: string, changes: MissionChanges, at: number): Promise<MissionRecord | undefined> {
    const r = await this.db.updateTable('missions').set(changeSet(changes, at)).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 0 ? undefined : this.getMission(id);
  }

  async history(id: string): Promise<MissionHistoryEntry[]> {
    const rows = await this.db.selectFrom('mission_history').selectAll().where('mission_id', '=', id).orderBy('seq').execute();
    // Rows from before the actor was recorded were all written by the platform itself.
    return rows.map((r) => ({ seq: Number(r.seq), from: r.from_status as MissionStatus | null, to: r.to_status as MissionStatus, at: Number(r.at), note: r.note, actor: r.actor ?? 'system' }));
  }
}
