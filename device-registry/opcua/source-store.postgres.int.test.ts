import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, migrate } from '../../kernel/db/index.js';
import { describeOpcuaSourceStore } from './source-store.conformance.js';
import { KyselyOpcuaSourceStore, opcuaMigrations } from './source-store.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeOpcuaSourceStore('Kysely on PostgreSQL', async () => {
  const schema = `opcua_${randomBytes(6).toString('hex')}`;
  const database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 2 });
  await migrate(database, opcuaMigrations);
  return {
    store: new KyselyOpcuaSourceStore(database),
    close: async () => {
      await database.db.schema.dropSchema(schema).cascade().execute();
      await database.close();
    },
  };
});
