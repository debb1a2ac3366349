/** DroneOpsStore over Kysely: one adapter for SQLite and PostgreSQL (run `droneOpsMigrations` first). */
import type { Database } from '../../kernel/db/index.js';
import { isUniqueViolation } from '../../kernel/db/index.js';
import { AppError } from '../../kernel/errors.js';
import type { NoFlyZone } from '../airspace.js';
import type { DroneType } from '../energy.js';
import { MissionRows } from './missions.kysely.js';
import { dockFromRow, dockToRow, droneFromRow, droneToRow, type Db, type DocksTable, type DronesTable } from './tables.js';
import type { DockChanges, DockRecord, DroneChanges, DroneOpsStore, DroneRecord, PatrolChanges, PatrolRecord, StoredIntent } from './types.js';

export class KyselyDroneOpsStore extends MissionRows implements DroneOpsStore {
  constructor(database: Database) {
    super(database.db as Db);
  }

  async listZones(): Promise<NoFlyZone[]> {
    const rows = await this.db.selectFrom('drone_zones').select('body').orderBy('id').execute();
    return rows.map((r) => JSON.parse(r.body) as NoFlyZone);
  }

  async putZone(zone: NoFlyZone, at: number): Promise<void> {
    const body = JSON.stringify(zone);
    await this.db
      .insertInto('drone_zones')
      .values({ id: zone.id, body, updated_at: at })
      .onConflict((oc) => oc.column('id').doUpdateSet({ body, updated_at: at }))
      .execute();
  }

  async deleteZone(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('drone_zones').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async getSetting(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('drone_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('drone_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async putDroneType(type: DroneType): Promise<void> {
    const body = JSON.stringify(type);
    await this.db
      .insertInto('drone_types')
      .values({ id: type.id, body })
      .onConflict((oc) => oc.column('id').doUpdateSet({ body }))
      .execute();
  }

  async listDroneTypes(): Promise<DroneType[]> {
    const rows = await this.db.selectFrom('drone_types').select('body').orderBy('id').execute();
    return rows.map((r) => JSON.parse(r.body) as DroneType);
  }

  async insertDock(dock: DockRecord): Promise<void> {
    try {
      await this.db.insertInto('docks').values(dockToRow(dock)).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('DOCK_EXISTS', { message: `Dock ${dock.id} already exists`, details: { id: dock.id }, cause: err });
      throw err;
    }
  }

  async getDock(id: string): Promise<DockRecord | undefined> {
    const row = await this.db.selectFrom('docks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && dockFromRow(row);
  }

  async listDocks(): Promise<DockRecord[]> {
    return (await this.db.selectFrom('docks').selectAll().orderBy('id').execute()).map(dockFromRow);
  }

  async updateDock(id: string, c: DockChanges, at: number): Promise<DockRecord | undefined> {
    const set: Partial<DocksTable> = { updated_at: at };
    if (c.name !== undefined) set.name = c.name;
    if (c.status !== undefined) set.status = c.status;
    if (c.droneId !== undefined) set.drone_id = c.droneId;
    if (c.windMps !== undefined) set.wind_mps = c.windMps;
    if (c.rain !== undefined) set.rain = c.rain ? 1 : 0;
    if (c.reportedAt !== undefined) set.reported_at = c.reportedAt;
    const r = await this.db.updateTable('docks').set(set).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 0 ? undefined : this.getDock(id);
  }

  async insertDrone(drone: DroneRecord): Promise<void> {
    try {
      await this.db.insertInto('drones').values(droneToRow(drone)).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('DRONE_EXISTS', { message: `Drone ${drone.id} already exists`, details: { id: drone.id }, cause: err });
      throw err;
    }
  }

  async getDrone(id: string): Promise<DroneRecord | undefined> {
    const row = await this.db.selectFrom('drones').selectAll().where('id', '=', id).executeTakeFirst();
    return row && droneFromRow(row);
  }

  async listDrones(): Promise<DroneRecord[]> {
    return (await this.db.selectFrom('drones').selectAll().orderBy('id').execute()).map(droneFromRow);
  }

  async updateDrone(id: string, c: DroneChanges, at: number): Promise<DroneRecord | undefined> {
    const set: Partial<DronesTable> = { updated_at: at };
    if (c.batteryPct !== undefined) set.battery_pct = c.batteryPct;
    if (c.phase !== undefined) set.phase = c.phase;
    if (c.position !== undefined) set.position = c.position === null ? null : JSON.stringify(c.position);
    if (c.dockId !== undefined) set.dock_id = c.dockId;
    if (c.headingDeg !== undefined) set.heading_deg = c.headingDeg;
    if (c.telemetryAt !== undefined) set.telemetry_at = c.telemetryAt;
    const r = await this.db.updateTable('drones').set(set).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 0 ? undefined : this.getDrone(id);
  }

  async insertPatrol(p: PatrolRecord): Promise<void> {
    try {
      await this.db
        .insertInto('patrols')
        .values({ id: p.id, name: p.name, dock_id: p.dockId, request: JSON.stringify(p.request), cron: p.cron, tz: p.tz, created_at: p.createdAt, paused: p.paused ? 1 : 0 })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('VALIDATION_FAILED', { message: `Patrol ${p.id} already exists`, details: { id: p.id }, cause: err });
      throw err;
    }
  }

  async getPatrol(id: string): Promise<PatrolRecord | undefined> {
    const r = await this.db.selectFrom('patrols').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, name: r.name, dockId: r.dock_id, request: JSON.parse(r.request) as Record<string, unknown>, cron: r.cron, tz: r.tz, createdAt: Number(r.created_at), paused: Number(r.paused) === 1 };
  }

  async listPatrols(): Promise<PatrolRecord[]> {
    const ids = await this.db.selectFrom('patrols').select('id').orderBy('id').execute();
    const out: PatrolRecord[] = [];
    for (const { id } of ids) {
      const p = await this.getPatrol(id);
      if (p) out.push(p);
    }
    return out;
  }

  async updatePatrol(id: string, c: PatrolChanges): Promise<PatrolRecord | undefined> {
    const set = {
      ...(c.name === undefined ? {} : { name: c.name }),
      ...(c.request === undefined ? {} : { request: JSON.stringify(c.request) }),
      ...(c.cron === undefined ? {} : { cron: c.cron }),
      ...(c.tz === undefined ? {} : { tz: c.tz }),
      ...(c.paused === undefined ? {} : { paused: c.paused ? 1 : 0 }),
    };
    if (Object.keys(set).length > 0) await this.db.updateTable('patrols').set(set).where('id', '=', id).execute();
    return this.getPatrol(id);
  }

  async deletePatrol(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('patrols').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async saveIntent(intent: StoredIntent): Promise<void> {
    const body = JSON.stringify(intent);
    await this.db
      .insertInto('drone_intents')
      .values({ id: intent.id, body, end_ms: intent.endMs })
      .onConflict((oc) => oc.column('id').doUpdateSet({ body, end_ms: intent.endMs }))
      .execute();
  }

  async deleteIntent(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('drone_intents').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async listIntents(): Promise<StoredIntent[]> {
    const rows = await this.db.selectFrom('drone_intents').select('body').orderBy('id').execute();
    return rows.map((r) => JSON.parse(r.body) as StoredIntent);
  }
}
