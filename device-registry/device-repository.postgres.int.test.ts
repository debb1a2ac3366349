import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, migrate } from '../kernel/db/index.js';
import { describeDeviceRepository } from './device-repository.conformance.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import { registryMigrations } from './migrations.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeDeviceRepository('Kysely on PostgreSQL', async () => {
  const schema = `reg_${randomBytes(6).toString('hex')}`;
  const database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 4 });
  await migrate(database, registryMigrations);
  return {
    repo: new KyselyDeviceRepository(database),
    close: async () => {
      await database.db.schema.dropSchema(schema).cascade().execute();
      await database.close();
    },
  };
});
