import { inject } from 'vitest';
import { migrate } from '../kernel/db/index.js';
import { freshPostgresDatabase } from '../test/servers/databases.js';
import { accessMigrations } from './migrations.js';
import { describeAccessStore } from './store.conformance.js';
import { KyselyAccessStore } from './store.kysely.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards (test/servers/databases.ts).
describeAccessStore('Kysely on PostgreSQL', async () => {
  const { db: database, cleanup } = await freshPostgresDatabase(inject('postgresUrl'), 'access', 4);
  await migrate(database, accessMigrations);
  return { store: new KyselyAccessStore(database), close: cleanup };
});
