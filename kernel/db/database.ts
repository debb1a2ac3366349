import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { AppError } from '../errors.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The shared relational store (architecture.md: SQLite embedded, PostgreSQL at scale).
 * Modules keep their own typed table interfaces and narrow `db` with `db as Kysely<MyTables>`.
 */
export interface Database {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module narrows to its own tables
  readonly db: Kysely<any>;
  readonly dialect: Dialect;
  /** PostgreSQL schema every connection works in (search_path), when one was asked for. */
  readonly schema?: string;
  /** Closes the pool / file handle. Idempotent. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://` or `postgresql://` URL → PostgreSQL through a pg Pool; anything else → embedded SQLite. */
  url?: string;
  /** SQLite file; default `<dataDir>/citybrain.sqlite`. `':memory:'` works (one connection, so one store). */
  sqliteFile?: string;
  /** Directory for the default SQLite file (default `./data`, CITYBRAIN_DATA_DIR). */
  dataDir?: string;
  /** PostgreSQL schema to work in (created if missing); tests use one per file for isolation. */
  schema?: string;
  /** PostgreSQL pool size (default 10). */
  poolMax?: number;
  /** How long SQLite waits on a locked file before failing, ms (default 5,000). */
  busyTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** pg type oid of BIGINT (int8). pg returns it as a string because it may exceed 2^53. */
const INT8_OID = 20;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** Opens the relational store named by `opts.url` (PostgreSQL) or an embedded SQLite file. */
export async function createDatabase(opts: DatabaseOptions = {}): Promise<Database> {
  return isPostgresUrl(opts.url) ? openPostgres(opts.url, opts) : openSqlite(opts);
}

function openSqlite(opts: DatabaseOptions): Database {
  const file = opts.sqliteFile ?? join(opts.dataDir ?? './data', 'citybrain.sqlite');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  // WAL lets readers run beside the single writer; NORMAL sync is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5_000))}`);
  sqlite.pragma('foreign_keys = ON');
  return wrap(new Kysely({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite');
}

async function openPostgres(url: string, opts: DatabaseOptions): Promise<Database> {
  const schema = opts.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new AppError('CONFIG_INVALID', { message: `Invalid PostgreSQL schema name: ${schema}` });
  }
  // Per-pool type parsers: epoch-ms BIGINTs come back as numbers without touching pg's global parsers.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  if (schema !== undefined) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    types,
    // Every connection works inside the schema, so module SQL stays schema-agnostic.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    // A query on a dead server fails after this instead of waiting for ever (readiness probes, shutdown).
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection cut by a server restart emits 'error' on the pool; without a listener that error
  // would end the process. The pool drops that connection, and the next query reconnects (or fails, and
  // its caller reports it: /readyz shows the store down).
  pool.on('error', () => {});
  return wrap(new Kysely({ dialect: new PostgresDialect({ pool }) }), 'postgres', schema);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Database.db
function wrap(db: Kysely<any>, dialect: Dialect, schema?: string): Database {
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    ...(schema === undefined ? {} : { schema }),
    close: () => (closing ??= db.destroy()),
  };
}
