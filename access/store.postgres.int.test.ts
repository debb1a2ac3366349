import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, migrate } from '../kernel/db/index.js';
import { accessMigrations } from './migrations.js';
import { describeAccessStore } from './store.conformance.js';
import { KyselyAccessStore } from './store.kysely.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeAccessStore('Kysely on PostgreSQL', async () => {
  const schema = `access_${randomBytes(6).toString('hex')}`;
  const database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 4 });
  await migrate(database, accessMigrations);
  return {
    store: new KyselyAccessStore(database),
    close: async () => {
      await database.db.schema.dropSchema(schema).cascade().execute();
      await database.close();
    },
  };
});
