import { inject } from 'vitest';
import { migrate } from '../../kernel/db/index.js';
import { freshPostgresDatabase } from '../../test/servers/databases.js';
import { describeOpcuaSourceStore } from './source-store.conformance.js';
import { KyselyOpcuaSourceStore, opcuaMigrations } from './source-store.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards (test/servers/databases.ts).
describeOpcuaSourceStore('Kysely on PostgreSQL', async () => {
  const { db: database, cleanup } = await freshPostgresDatabase(inject('postgresUrl'), 'opcua');
  await migrate(database, opcuaMigrations);
  return { store: new KyselyOpcuaSourceStore(database), close: cleanup };
});
