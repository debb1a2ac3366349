import type { Kysely, Migration } from 'kysely';

/**
 * Response tables (SQLite and PostgreSQL alike: epoch-ms BIGINT, structured fields as JSON text). The
 * columns a query filters on are columns; the rest of each record is its JSON `data`.
 */
export const responseMigrations: Record<string, Migration> = {
  'response-0001-units-plans-tasks': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('response_resources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('type', 'text')
        .addColumn('district', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('response_plans')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('response_plans_pk', ['id', 'version'])
        .execute();
      await db.schema
        .createTable('response_tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('district', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('response_tasks_created_idx').on('response_tasks').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('response_tasks_alert_idx').on('response_tasks').column('alert_id').execute();
      await db.schema.createIndex('response_tasks_unit_idx').on('response_tasks').columns(['unit_id', 'created_at']).execute();
      await db.schema.createIndex('response_tasks_state_idx').on('response_tasks').column('state').execute();
      await db.schema
        .createTable('response_task_events')
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('response_task_events_pk', ['task_id', 'seq'])
        .execute();
      await db.schema
        .createTable('response_task_reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('response_task_reports_task_idx').on('response_task_reports').columns(['task_id', 'at']).execute();
      await db.schema
        .createTable('response_replies')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      for (const t of ['response_replies', 'response_task_reports', 'response_task_events', 'response_tasks', 'response_plans', 'response_resources']) await db.schema.dropTable(t).execute();
    },
  },
};
