import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, migrate } from '../kernel/db/index.js';
import { responseMigrations } from './migrations.js';
import { describeResponseStore } from './store.conformance.js';
import { KyselyResponseStore } from './store.kysely.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeResponseStore('Kysely on PostgreSQL', async () => {
  const schema = `response_${randomBytes(6).toString('hex')}`;
  const database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 4 });
  await migrate(database, responseMigrations);
  return {
    store: new KyselyResponseStore(database),
    close: async () => {
      await database.db.schema.dropSchema(schema).cascade().execute();
      await database.close();
    },
  };
});
