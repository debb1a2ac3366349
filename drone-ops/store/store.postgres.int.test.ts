import { inject } from 'vitest';
import { migrate } from '../../kernel/db/index.js';
import { freshPostgresDatabase } from '../../test/servers/databases.js';
import { droneOpsMigrations } from './migrations.js';
import { describeDroneOpsStore } from './store.conformance.js';
import { KyselyDroneOpsStore } from './store.kysely.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards (test/servers/databases.ts).
describeDroneOpsStore('Kysely on PostgreSQL', async () => {
  const { db: database, cleanup } = await freshPostgresDatabase(inject('postgresUrl'), 'dops', 4);
  await migrate(database, droneOpsMigrations);
  return { store: new KyselyDroneOpsStore(database), close: cleanup };
});
