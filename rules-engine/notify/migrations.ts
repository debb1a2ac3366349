import type { Kysely, Migration } from 'kysely';

/**
 * Notification tables (SQLite and PostgreSQL alike: epoch-ms BIGINT, JSON as text).
 * `notify_deliveries` is both the durable outbox (status `pending`, `next_attempt_at`) and the delivery
 * log, so a delivery written before the process dies is sent after it restarts.
 */
export const notifyMigrations: Record<string, Migration> = {
  'notify-0001-webhooks': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('notify_webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        // The signing key itself: HMAC needs it in clear (docs/integrations.md "Secrets").
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('filter', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
        .addColumn('burst', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('notify_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('notify_webhooks.id').onDelete('cascade'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rate_limited', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema.createIndex('notify_deliveries_due_idx').on('notify_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('notify_deliveries_webhook_idx').on('notify_deliveries').columns(['webhook_id', 'created_at']).execute();
      await db.schema
        .createTable('notify_integrations')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        // hex HMAC-SHA256(credential key, password), as the registry keeps device secrets
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('notify_integrations').execute();
      await db.schema.dropTable('notify_deliveries').execute();
      await db.schema.dropTable('notify_webhooks').execute();
    },
  },
  'notify-0002-integration-districts': {
    // A district-scoped person's integration client reads its districts only (docs/access.md); null = the whole city.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>) {
      await db.schema.alterTable('notify_integrations').addColumn('districts', 'text').execute();
    },
  },
};
