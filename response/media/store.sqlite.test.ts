import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.js';
import { createDatabase, migrate } from '../../kernel/db/index.js';
import { FileBlobs } from './blobs.js';
import { mediaMigrations } from './migrations.js';
import { describeMediaStore, MEDIA_T0 } from './store.conformance.js';
import { KyselyMediaStore } from './store.kysely.js';

describeMediaStore('Kysely on SQLite (:memory:) + blob directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-media-'));
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, mediaMigrations);
  const clock = new ManualClock(MEDIA_T0);
  const maxBytes = 4096;
  return {
    store: new KyselyMediaStore(database, new FileBlobs(dir), { maxBytes, clock }),
    clock,
    maxBytes,
    close: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
