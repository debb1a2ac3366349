import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase } from '../../kernel/db/index.js';
import { describeWebhookDelivery } from './webhook-delivery.conformance.js';

// Isolation by namespace (style.md): a fresh schema per test, dropped afterwards.
describeWebhookDelivery('PostgreSQL', async () => {
  const schema = `notify_${randomBytes(6).toString('hex')}`;
  const url = inject('postgresUrl');
  return {
    open: () => createDatabase({ url, schema, poolMax: 4 }),
    cleanup: async () => {
      const db = await createDatabase({ url, schema, poolMax: 1 });
      await db.db.schema.dropSchema(schema).cascade().execute();
      await db.close();
    },
  };
});
