import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ManualClock } from '../../kernel/clock.js';
import { createDatabase, migrate } from '../../kernel/db/index.js';
import { FileBlobs } from './blobs.js';
import { mediaMigrations } from './migrations.js';
import { describeMediaStore, MEDIA_T0 } from './store.conformance.js';
import { KyselyMediaStore } from './store.kysely.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeMediaStore('Kysely on PostgreSQL + blob directory', async () => {
  const schema = `media_${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'cb-media-pg-'));
  const database = await createDatabase({ url: inject('postgresUrl'), schema, poolMax: 4 });
  await migrate(database, mediaMigrations);
  const clock = new ManualClock(MEDIA_T0);
  const maxBytes = 4096;
  return {
    store: new KyselyMediaStore(database, new FileBlobs(dir), { maxBytes, clock }),
    clock,
    maxBytes,
    close: async () => {
      await database.db.schema.dropSchema(schema).cascade().execute();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
