import type { Kysely, Migration } from 'kysely';

/**
 * Media tables (SQLite and PostgreSQL alike: epoch-ms BIGINT). One row per blob (its detected type and
 * size; the bytes live in the blob directory) and one per attachment to an alert, task or mission.
 */
export const mediaMigrations: Record<string, Migration> = {
  'media-0001-blobs-and-attachments': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('media_blobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('media_attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('media_id', 'text', (c) => c.notNull().references('media_blobs.id'))
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('filename', 'text')
        .addColumn('taken_at', 'bigint', (c) => c.notNull())
        .addColumn('lon', 'double precision')
        .addColumn('lat', 'double precision')
        .addColumn('alt_m', 'double precision')
        .addColumn('alert_id', 'text')
        .addColumn('task_id', 'text')
        .addColumn('mission_id', 'text')
        .addColumn('note', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('media_attachments_media_idx').on('media_attachments').columns(['media_id', 'created_at']).execute();
      for (const col of ['alert_id', 'task_id', 'mission_id']) {
        await db.schema.createIndex(`media_attachments_${col}_idx`).on('media_attachments').columns([col, 'created_at']).execute();
      }
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      for (const t of ['media_attachments', 'media_blobs']) await db.schema.dropTable(t).execute();
    },
  },
};
