import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely, type Migration } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { createDatabase, isPostgresUrl, type Database } from './database.js';
import { isUniqueViolation } from './errors.js';
import { executedMigrations, migrate } from './migrate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const table = (name: string): Migration => ({
  async up(db: AnyDb) {
    await db.schema.createTable(name).addColumn('id', 'text', (c) => c.primaryKey()).addColumn('at', 'bigint').execute();
  },
});

describe('createDatabase (SQLite)', () => {
  let dir: string | undefined;
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
    database = undefined;
  });

  it('opens <dataDir>/citybrain.sqlite in WAL mode with foreign keys and a busy timeout', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cb-db-'));
    database = await createDatabase({ dataDir: join(dir, 'nested'), busyTimeoutMs: 1234 });
    expect(database.dialect).toBe('sqlite');
    const one = async (q: string) => Object.values((await sql.raw<Record<string, unknown>>(q).execute(database!.db)).rows[0] ?? {})[0];
    expect(await one('pragma journal_mode')).toBe('wal');
    expect(await one('pragma foreign_keys')).toBe(1);
    expect(await one('pragma busy_timeout')).toBe(1234);
    expect(await one('select 1760000000000 as t')).toBe(1_760_000_000_000);
  });

  it('tells URLs apart and closes idempotently', async () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true);
    expect(isPostgresUrl('sqlite:x')).toBe(false);
    expect(isPostgresUrl(undefined)).toBe(false);
    database = await createDatabase({ sqliteFile: ':memory:' });
    await database.close();
    await database.close();
  });
});

describe('migrate', () => {
  let database: Database;
  afterEach(async () => {
    await database.close();
  });

  it('runs each migration once, and lets modules migrate independently and out of order', async () => {
    database = await createDatabase({ sqliteFile: ':memory:' });
    expect(await migrate(database, { 'registry-0001-a': table('a') })).toEqual(['registry-0001-a']);
    expect(await migrate(database, { 'registry-0001-a': table('a') })).toEqual([]);
    // a module whose name sorts earlier, arriving later, and without the registry's list
    expect(await migrate(database, { 'alerts-0001-b': table('b') })).toEqual(['alerts-0001-b']);
    expect(await migrate(database, { 'drone-ops-0001-d': table('d') })).toEqual(['drone-ops-0001-d']);
    expect(await migrate(database, { 'registry-0001-a': table('a'), 'registry-0002-c': table('c') })).toEqual(['registry-0002-c']);
    expect(await executedMigrations(database)).toEqual(['alerts-0001-b', 'drone-ops-0001-d', 'registry-0001-a', 'registry-0002-c']);
    await database.db.insertInto('c').values({ id: 'x', at: 1 }).execute();
  });

  it('rejects badly named migrations and reports a failing one as an AppError', async () => {
    database = await createDatabase({ sqliteFile: ':memory:' });
    await expect(migrate(database, { '0001-devices': table('a') })).rejects.toThrow(/<module>-NNNN-<what>/);
    const err = await migrate(database, {
      'x-0001-ok': table('ok'),
      'x-0002-broken': { up: async (db: AnyDb) => void (await sql`select * from missing_table`.execute(db)) },
    }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('INTERNAL');
    expect((err as Error).message).toContain('x-0002-broken');
  });

  it('recognises unique violations', async () => {
    database = await createDatabase({ sqliteFile: ':memory:' });
    await migrate(database, { 't-0001-a': table('a') });
    await database.db.insertInto('a').values({ id: 'k' }).execute();
    const err = await database.db.insertInto('a').values({ id: 'k' }).execute().catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(new Error('x'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
