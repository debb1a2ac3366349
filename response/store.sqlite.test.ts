import { createDatabase, migrate } from '../kernel/db/index.js';
import { responseMigrations } from './migrations.js';
import { describeResponseStore } from './store.conformance.js';
import { KyselyResponseStore } from './store.kysely.js';

describeResponseStore('Kysely on SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, responseMigrations);
  return { store: new KyselyResponseStore(database), close: () => database.close() };
});
