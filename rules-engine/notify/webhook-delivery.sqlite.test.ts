import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '../../kernel/db/index.js';
import { describeWebhookDelivery } from './webhook-delivery.conformance.js';

describeWebhookDelivery('SQLite (WAL file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-notify-'));
  return {
    open: () => createDatabase({ sqliteFile: join(dir, 'citybrain.sqlite') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
