import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase } from '../../kernel/db/index.js';
import { describeWebhookSecrets } from './webhook-secrets.conformance.js';

describeWebhookSecrets('PostgreSQL', async () => {
  const schema = `secrets_${randomBytes(6).toString('hex')}`;
  const url = inject('postgresUrl');
  return {
    db: await createDatabase({ url, schema, poolMax: 2 }),
    cleanup: async () => {
      const db = await createDatabase({ url, schema, poolMax: 1 });
      await db.db.schema.dropSchema(schema).cascade().execute();
      await db.close();
    },
  };
});
