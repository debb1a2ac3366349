import { createDatabase, migrate } from '../../kernel/db/index.js';
import { describeOpcuaSourceStore } from './source-store.conformance.js';
import { KyselyOpcuaSourceStore, opcuaMigrations } from './source-store.js';

describeOpcuaSourceStore('Kysely on SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, opcuaMigrations);
  return { store: new KyselyOpcuaSourceStore(database), close: () => database.close() };
});
