import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../kernel/db/index.js';
import { isUniqueViolation } from '../kernel/db/index.js';
import { AppError } from '../kernel/errors.js';
import type { Device, LastViolation } from './device.js';
import type {
  CredentialRecord,
  DeviceChanges,
  DeviceListFilter,
  DeviceRepository,
  NewDevice,
  PresenceChangeRow,
  PresenceUpdate,
} from './device-repository.js';

interface DevicesTable {
  id: string;
  kind: string;
  name: string | null;
  lon: number;
  lat: number;
  district: string | null;
  asset: string | null;
  tags: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
  online: number;
  last_seen_at: number | null;
  fw: string | null;
  last_violation: string | null;
}

interface CredentialsTable {
  device_id: string;
  hash: string;
  created_at: number;
  expires_at: number | null;
}

export interface RegistryTables {
  devices: DevicesTable;
  device_credentials: CredentialsTable;
  device_presence_log: { device_id: string; at: number; online: number };
}

type Db = Kysely<RegistryTables>;

/** Rows per multi-row INSERT: 15 columns × 500 stays under SQLite's 32,766 bound parameters. */
const INSERT_CHUNK = 500;
/** Devices per presence UPDATE: 5 parameters each. */
const PRESENCE_CHUNK = 1_000;

/** The registry's tables over Kysely: one adapter for SQLite and PostgreSQL (run `registryMigrations` first). */
export class KyselyDeviceRepository implements DeviceRepository {
  private readonly db: Db;

  constructor(database: Database) {
    this.db = database.db as Db;
  }

  async insert(device: Device, credential: CredentialRecord): Promise<void> {
    await this.insertMany([{ device, credential }]);
  }

  async insertMany(items: readonly NewDevice[]): Promise<void> {
    if (items.length === 0) return;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < items.length; i += INSERT_CHUNK) {
          const chunk = items.slice(i, i + INSERT_CHUNK);
          await trx.insertInto('devices').values(chunk.map((it) => toRow(it.device))).execute();
          await trx.insertInto('device_credentials').values(chunk.map((it) => toCredRow(it.credential))).execute();
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('DEVICE_EXISTS', { message: items.length === 1 ? `Device ${items[0]?.device.id} already exists` : undefined, cause: err });
      }
      throw err;
    }
  }

  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      const chunk = ids.slice(i, i + INSERT_CHUNK);
      const rows = await this.db.selectFrom('devices').select('id').where('id', 'in', chunk).execute();
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  async get(id: string): Promise<Device | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(filter: DeviceListFilter = {}): Promise<Device[]> {
    let q = this.filtered(filter).selectAll().orderBy('id');
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    if (filter.offset !== undefined && filter.offset > 0) {
      // SQLite needs a LIMIT before OFFSET; -1 means "no limit" there, PostgreSQL takes OFFSET alone.
      if (filter.limit === undefined) q = q.limit(Number.MAX_SAFE_INTEGER);
      q = q.offset(filter.offset);
    }
    return (await q.execute()).map(fromRow);
  }

  async count(filter: DeviceListFilter = {}): Promise<number> {
    const row = await this.filtered(filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(id: string, changes: DeviceChanges, at: number): Promise<Device | undefined> {
    const set: Partial<DevicesTable> = { updated_at: at };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.asset !== undefined) set.asset = changes.asset;
    if (changes.tags !== undefined) set.tags = JSON.stringify(changes.tags);
    if (changes.district !== undefined) set.district = changes.district;
    if (changes.location !== undefined) {
      set.lon = changes.location.lon;
      set.lat = changes.location.lat;
    }
    const r = await this.db.updateTable('devices').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    // Credentials go by ON DELETE CASCADE, but deleting them first does not depend on the pragma.
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('device_credentials').where('device_id', '=', id).execute();
      await trx.deleteFrom('device_presence_log').where('device_id', '=', id).execute();
      const r = await trx.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async credentials(deviceId: string): Promise<CredentialRecord[]> {
    const rows = await this.db
      .selectFrom('device_credentials')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({ deviceId: r.device_id, hash: r.hash, createdAt: Number(r.created_at), expiresAt: num(r.expires_at) }));
  }

  async rotate(credential: CredentialRecord, othersValidUntil: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('devices')
        .set({ revoked_at: null, updated_at: credential.createdAt })
        .where('id', '=', credential.deviceId)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await capCredentials(trx, credential.deviceId, othersValidUntil);
      await trx.insertInto('device_credentials').values(toCredRow(credential)).execute();
      return true;
    });
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('devices').set({ revoked_at: at, updated_at: at }).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await capCredentials(trx, id, at);
      return true;
    });
  }

  async appendPresenceLog(changes: readonly PresenceChangeRow[]): Promise<void> {
    if (changes.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < changes.length; i += INSERT_CHUNK) {
        await trx.insertInto('device_presence_log').values(changes.slice(i, i + INSERT_CHUNK).map((c) => ({ device_id: c.deviceId, at: c.at, online: c.online ? 1 : 0 }))).execute();
      }
    });
  }

  async presenceLog(deviceId: string, from: number, to: number, limit = 10_000): Promise<PresenceChangeRow[]> {
    const log = this.db.selectFrom('device_presence_log').select(['at', 'online']).where('device_id', '=', deviceId);
    const [before, inRange] = await Promise.all([
      log.where('at', '<', from).orderBy('at', 'desc').limit(1).execute(),
      log.where('at', '>=', from).where('at', '<', to).orderBy('at').limit(limit).execute(),
    ]);
    return [...before, ...inRange].map((r) => ({ deviceId, at: Number(r.at), online: Number(r.online) === 1 }));
  }

  async prunePresenceLog(before: number): Promise<number> {
    const r = await this.db.deleteFrom('device_presence_log').where('at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async savePresence(updates: readonly PresenceUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    // One UPDATE … FROM (VALUES …) per chunk instead of one statement per device: measured for 10k
    // devices, PostgreSQL 2.8 s → 0.7 s, SQLite 0.5 s → 0.08 s. CTE column lists and UPDATE FROM work on both
    // dialects (SQLite ≥ 3.33); CAST types the VALUES for PostgreSQL.
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < updates.length; i += PRESENCE_CHUNK) {
        const rows = updates.slice(i, i + PRESENCE_CHUNK).map(
          (u) =>
            sql`(${u.id}, cast(${u.online ? 1 : 0} as integer), cast(${u.lastSeenAt} as bigint), cast(${u.fw} as text), cast(${
              u.lastViolation === null ? null : JSON.stringify(u.lastViolation)
            } as text))`,
        );
        await sql`with v(id, online, last_seen_at, fw, last_violation) as (values ${sql.join(rows)})
          update devices set online = v.online, last_seen_at = v.last_seen_at, fw = v.fw, last_violation = v.last_violation
          from v where devices.id = v.id`.execute(trx);
      }
    });
  }

  private filtered(filter: DeviceListFilter) {
    let q = this.db.selectFrom('devices');
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
    if (filter.district !== undefined) q = q.where('district', '=', filter.district);
    if (filter.districts !== undefined) q = filter.districts.length > 0 ? q.where('district', 'in', [...filter.districts]) : q.where(sql<boolean>`1 = 0`);
    if (filter.online !== undefined) q = q.where('online', '=', filter.online ? 1 : 0);
    return q;
  }
}

/** Expires every live credential of a device at `until`, keeping earlier expiries. */
async function capCredentials(trx: Db, deviceId: string, until: number): Promise<void> {
  await trx
    .updateTable('device_credentials')
    .set({ expires_at: until })
    .where('device_id', '=', deviceId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)]))
    .execute();
}

/** pg hands BIGINT back as a string unless the pool's parser converts it; accept both. */
function num(v: number | string | null): number | null {
  return v === null ? null : Number(v);
}

function toRow(d: Device): DevicesTable {
  return {
    id: d.id,
    kind: d.kind,
    name: d.name,
    lon: d.location.lon,
    lat: d.location.lat,
    district: d.district,
    asset: d.asset,
    tags: JSON.stringify(d.tags),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    revoked_at: d.revokedAt,
    online: d.online ? 1 : 0,
    last_seen_at: d.lastSeenAt,
    fw: d.fw,
    last_violation: d.lastViolation === null ? null : JSON.stringify(d.lastViolation),
  };
}

function toCredRow(c: CredentialRecord): CredentialsTable {
  return { device_id: c.deviceId, hash: c.hash, created_at: c.createdAt, expires_at: c.expiresAt };
}

function fromRow(r: Selectable<DevicesTable>): Device {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    location: { lon: Number(r.lon), lat: Number(r.lat) },
    district: r.district,
    asset: r.asset,
    tags: JSON.parse(r.tags) as string[],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    revokedAt: num(r.revoked_at),
    online: Number(r.online) === 1,
    lastSeenAt: num(r.last_seen_at),
    fw: r.fw,
    lastViolation: r.last_violation === null ? null : (JSON.parse(r.last_violation) as LastViolation),
  };
}
