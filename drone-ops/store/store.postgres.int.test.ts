import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, migrate } from '../../kernel/db/index.js';
import { droneOpsMigrations } from './migrations.js';
import { describeDroneOpsStore } from './store.conformance.js';
import { KyselyDroneOpsStore } from './store.kysely.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeDroneOpsStore('Kysely on PostgreSQL', async () => {
  const schema = `dops_${randomBytes(6).toString('hex')}`;
  const database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 4 });
  await migrate(database, droneOpsMigrations);
  return {
    store: new KyselyDroneOpsStore(database),
    close: async () => {
      await database.db.schema.dropSchema(schema).cascade().execute();
      await database.close();
    },
  };
});
