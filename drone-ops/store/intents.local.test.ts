import { createDatabase, migrate } from '../../kernel/db/index.js';
import { describeIntentRegistry } from './intents.conformance.js';
import { LocalIntentRegistry } from './intents.js';
import { droneOpsMigrations } from './migrations.js';
import { KyselyDroneOpsStore } from './store.kysely.js';

// One in-memory SQLite database per test; a "restart" is a new registry (empty book) on the same database.
describeIntentRegistry('LocalIntentRegistry on Kysely/SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, droneOpsMigrations);
  const open = (): LocalIntentRegistry => new LocalIntentRegistry(new KyselyDroneOpsStore(database));
  const made = [open()];
  return {
    registry: made[0] as LocalIntentRegistry,
    reopen: () => {
      const r = open();
      made.push(r);
      return Promise.resolve(r);
    },
    async close() {
      for (const r of made) await r.close();
      await database.close();
    },
  };
});
