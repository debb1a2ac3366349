import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { migrate } from '../kernel/db/index.js';
import { freshPostgresDatabase } from '../test/servers/databases.js';
import { describeDeviceRepository } from './device-repository.conformance.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import { registryMigrations } from './migrations.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards (test/servers/databases.ts).
describeDeviceRepository('Kysely on PostgreSQL', async () => {
  const { db: database, cleanup } = await freshPostgresDatabase(inject('postgresUrl'), 'reg', 4);
  await migrate(database, registryMigrations);
  return { repo: new KyselyDeviceRepository(database), close: cleanup };
});

describe('presence log prune on PostgreSQL', () => {
  it('has an index on `at` for the prune by age (the migration ran here too)', async () => {
    const { db: database, cleanup } = await freshPostgresDatabase(inject('postgresUrl'), 'reg', 2);
    try {
      await migrate(database, registryMigrations);
      const { rows } = await sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes WHERE schemaname = ${database.schema ?? 'public'} AND indexname = 'device_presence_log_at_idx'`.execute(database.db);
      expect(rows.map((r) => r.indexdef)).toEqual([expect.stringMatching(/ON \S*device_presence_log USING btree \(at\)/)]);
    } finally {
      await cleanup();
    }
  });
});
