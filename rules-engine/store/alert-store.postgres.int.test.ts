import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, migrate } from '../../kernel/db/index.js';
import { describeAlertStore } from './alert-store.conformance.js';
import { KyselyAlertStore } from './alert-store.kysely.js';
import { rulesMigrations } from './migrations.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeAlertStore('Kysely on PostgreSQL', async () => {
  const schema = `alerts_${randomBytes(6).toString('hex')}`;
  const database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 4 });
  await migrate(database, rulesMigrations);
  return {
    store: new KyselyAlertStore(database),
    close: async () => {
      await database.db.schema.dropSchema(schema).cascade().execute();
      await database.close();
    },
  };
});
