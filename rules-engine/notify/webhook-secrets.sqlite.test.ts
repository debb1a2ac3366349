import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '../../kernel/db/index.js';
import { describeWebhookSecrets } from './webhook-secrets.conformance.js';

describeWebhookSecrets('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-secrets-'));
  return { db: await createDatabase({ sqliteFile: join(dir, 'citybrain.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
