/**
 * Fresh, isolated databases for store tests (style.md: isolation by namespace): a temporary SQLite file,
 * or a new schema in the suite's PostgreSQL (global-setup.ts provides `postgresUrl`) dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '../../kernel/db/index.js';

export interface TestDatabase {
  db: Database;
  /** Closes the database and removes what it created. */
  cleanup(): Promise<void>;
}

export async function freshSqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-db-'));
  const db = await createDatabase({ sqliteFile: join(dir, 'citybrain.sqlite') });
  return {
    db,
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgresDatabase(url: string, prefix: string, poolMax = 2): Promise<TestDatabase> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const db = await createDatabase({ url, schema, poolMax });
  return {
    db,
    cleanup: async () => {
      await db.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await db.close();
    },
  };
}
