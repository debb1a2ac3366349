import { inject } from 'vitest';
import { migrate } from '../../kernel/db/index.js';
import { freshPostgresDatabase } from '../../test/servers/databases.js';
import { describeAlertStore } from './alert-store.conformance.js';
import { KyselyAlertStore } from './alert-store.kysely.js';
import { rulesMigrations } from './migrations.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards (test/servers/databases.ts).
describeAlertStore('Kysely on PostgreSQL', async () => {
  const { db: database, cleanup } = await freshPostgresDatabase(inject('postgresUrl'), 'alerts', 4);
  await migrate(database, rulesMigrations);
  return { store: new KyselyAlertStore(database), close: cleanup };
});
