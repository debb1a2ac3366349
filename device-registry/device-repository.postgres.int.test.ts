import { inject } from 'vitest';
import { migrate } from '../kernel/db/index.js';
import { freshPostgresDatabase } from '../test/servers/databases.js';
import { describeDeviceRepository } from './device-repository.conformance.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import { registryMigrations } from './migrations.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards (test/servers/databases.ts).
describeDeviceRepository('Kysely on PostgreSQL', async () => {
  const { db: database, cleanup } = await freshPostgresDatabase(inject('postgresUrl'), 'reg', 4);
  await migrate(database, registryMigrations);
  return { repo: new KyselyDeviceRepository(database), close: cleanup };
});
