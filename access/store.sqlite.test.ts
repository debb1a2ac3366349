import { createDatabase, migrate } from '../kernel/db/index.js';
import { accessMigrations } from './migrations.js';
import { describeAccessStore } from './store.conformance.js';
import { KyselyAccessStore } from './store.kysely.js';

describeAccessStore('Kysely on SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, accessMigrations);
  return { store: new KyselyAccessStore(database), close: () => database.close() };
});
