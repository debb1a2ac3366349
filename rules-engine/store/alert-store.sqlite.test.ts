import { createDatabase, migrate } from '../../kernel/db/index.js';
import { describeAlertStore } from './alert-store.conformance.js';
import { KyselyAlertStore } from './alert-store.kysely.js';
import { rulesMigrations } from './migrations.js';

describeAlertStore('Kysely on SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, rulesMigrations);
  return { store: new KyselyAlertStore(database), close: () => database.close() };
});
