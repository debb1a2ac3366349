import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrate } from '../kernel/db/index.js';
import { describeDeviceRepository } from './device-repository.conformance.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import { registryMigrations } from './migrations.js';

describeDeviceRepository('Kysely on SQLite (:memory:)', async () => {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, registryMigrations);
  return { repo: new KyselyDeviceRepository(database), close: () => database.close() };
});

describeDeviceRepository('Kysely on SQLite (WAL file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-reg-'));
  const database = await createDatabase({ dataDir: dir });
  await migrate(database, registryMigrations);
  return {
    repo: new KyselyDeviceRepository(database),
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
