/**
 * OPC UA sources in the relational store (SQLite embedded, PostgreSQL at scale) over Kysely, with their
 * migrations. Same conventions as the registry's tables: epoch-ms BIGINT, 0/1 booleans, JSON text.
 */
import type { Kysely, Migration } from 'kysely';
import type { Database } from '../../kernel/db/index.js';
import { isUniqueViolation, sealLegacyColumn } from '../../kernel/db/index.js';
import { AppError } from '../../kernel/errors.js';
import type { SecretBox } from '../../kernel/secrets.js';
import type { NodeMapping, OpcuaSource, SecurityModeName, SecurityPolicyName } from './source.js';

export const opcuaMigrations: Record<string, Migration> = {
  'opcua-0001-sources': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('opcua_sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('security_mode', 'text', (c) => c.notNull())
        .addColumn('security_policy', 'text', (c) => c.notNull())
        .addColumn('username', 'text')
        // Needed in clear to log in to the station (UserNameIdentityToken), so encrypted at rest rather than
        // hashed (KyselyOpcuaSourceStore with a SecretBox); never returned by the API.
        .addColumn('password', 'text')
        .addColumn('sampling_ms', 'integer', (c) => c.notNull())
        .addColumn('publishing_ms', 'integer', (c) => c.notNull())
        .addColumn('mapping', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('opcua_sources_device_idx').on('opcua_sources').column('device_id').execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('opcua_sources').execute();
    },
  },
};

interface SourcesTable {
  id: string;
  device_id: string;
  endpoint: string;
  security_mode: string;
  security_policy: string;
  username: string | null;
  password: string | null;
  sampling_ms: number;
  publishing_ms: number;
  mapping: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

type Db = Kysely<{ opcua_sources: SourcesTable }>;

/** Where OPC UA source configurations live. */
export interface OpcuaSourceStore {
  /** Inserts a new source; throws OPCUA_SOURCE_EXISTS when the id is taken. */
  insert(source: OpcuaSource): Promise<void>;
  /** Replaces a stored source; throws OPCUA_SOURCE_NOT_FOUND when it does not exist. */
  update(source: OpcuaSource): Promise<void>;
  /** The source, or undefined. */
  get(id: string): Promise<OpcuaSource | undefined>;
  /** All sources, by id. */
  list(): Promise<OpcuaSource[]>;
  /** Removes a source; false when there was none. */
  delete(id: string): Promise<boolean>;
}

export class KyselyOpcuaSourceStore implements OpcuaSourceStore {
  private readonly db: Db;

  /** With a `box`, station passwords are stored encrypted (kernel/secrets.ts SecretBox) and decrypted on read. */
  constructor(
    database: Database,
    private readonly box?: SecretBox,
  ) {
    this.db = database.db as Db;
  }

  /** Encrypts station passwords stored in clear by earlier versions; returns how many rows it sealed. Idempotent. */
  async sealLegacyPasswords(): Promise<number> {
    return this.box ? sealLegacyColumn(this.db, 'opcua_sources', 'id', 'password', this.box) : 0;
  }

  async insert(source: OpcuaSource): Promise<void> {
    try {
      await this.db.insertInto('opcua_sources').values(this.toRow(source)).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('OPCUA_SOURCE_EXISTS', { message: `OPC UA source ${source.id} already exists`, cause: err });
      throw err;
    }
  }

  async update(source: OpcuaSource): Promise<void> {
    const { id, created_at: _created, ...rest } = this.toRow(source);
    const r = await this.db.updateTable('opcua_sources').set(rest).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new AppError('OPCUA_SOURCE_NOT_FOUND', { message: `OPC UA source ${id} not found` });
  }

  async get(id: string): Promise<OpcuaSource | undefined> {
    const row = await this.db.selectFrom('opcua_sources').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : this.fromRow(row);
  }

  async list(): Promise<OpcuaSource[]> {
    const rows = await this.db.selectFrom('opcua_sources').selectAll().orderBy('id').execute();
    return rows.map((r) => this.fromRow(r));
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('opcua_sources').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  private toRow(s: OpcuaSource): SourcesTable {
    const row = toRow(s);
    return this.box && row.password !== null ? { ...row, password: this.box.seal(row.password) } : row;
  }

  /** Throws SECRET_UNREADABLE for a password sealed under another key or left in clear (not migrated). */
  private fromRow(r: SourcesTable): OpcuaSource {
    const source = fromRow(r);
    return this.box && source.password !== null ? { ...source, password: this.box.open(source.password) } : source;
  }
}

function toRow(s: OpcuaSource): SourcesTable {
  return {
    id: s.id,
    device_id: s.deviceId,
    endpoint: s.endpoint,
    security_mode: s.securityMode,
    security_policy: s.securityPolicy,
    username: s.username,
    password: s.password,
    sampling_ms: s.samplingMs,
    publishing_ms: s.publishingMs,
    mapping: JSON.stringify(s.mapping),
    enabled: s.enabled ? 1 : 0,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

function fromRow(r: SourcesTable): OpcuaSource {
  return {
    id: r.id,
    deviceId: r.device_id,
    endpoint: r.endpoint,
    securityMode: r.security_mode as SecurityModeName,
    securityPolicy: r.security_policy as SecurityPolicyName,
    username: r.username,
    password: r.password,
    samplingMs: Number(r.sampling_ms),
    publishingMs: Number(r.publishing_ms),
    mapping: parseMapping(r.mapping),
    enabled: Number(r.enabled) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** A mapping column that is not a JSON array reads as empty: validation then holds the source as invalid. */
function parseMapping(text: string): NodeMapping[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as NodeMapping[]) : [];
  } catch {
    return [];
  }
}
