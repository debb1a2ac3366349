import { createDatabase, migrate } from '../../kernel/db/index.js';
import { droneOpsMigrations } from './migrations.js';
import { describeDroneOpsStore } from './store.conformance.js';
import { KyselyDroneOpsStore } from './store.kysely.js';

describeDroneOpsStore('Kysely on SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, droneOpsMigrations);
  return { store: new KyselyDroneOpsStore(database), close: () => database.close() };
});
