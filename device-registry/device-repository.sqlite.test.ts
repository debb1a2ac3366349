import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase, migrate } from '../kernel/db/index.js';
import { describeDeviceRepository } from './device-repository.conformance.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import { registryMigrations } from './migrations.js';

describeDeviceRepository('Kysely on SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, registryMigrations);
  return { repo: new KyselyDeviceRepository(database), close: () => database.close() };
});

describeDeviceRepository('Kysely on SQLite (WAL file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-reg-'));
  const database = await createDatabase({ dataDir: dir });
  await migrate(database, registryMigrations);
  return {
    repo: new KyselyDeviceRepository(database),
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('presence log prune', () => {
  it('deletes by age through an index on `at` (EXPLAIN QUERY PLAN), not a scan of the log', async () => {
    const database = await createDatabase({ sqliteFile: ':memory:' });
    try {
      await migrate(database, registryMigrations);
      const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN DELETE FROM device_presence_log WHERE at < ${1}`.execute(database.db);
      expect(rows.map((r) => r.detail).join('; ')).toMatch(/USING (COVERING )?INDEX device_presence_log_at_idx/);
    } finally {
      await database.close();
    }
  });
});
