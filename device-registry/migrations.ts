import { type Kysely, type Migration } from 'kysely';

/**
 * Registry tables. SQL that runs on SQLite and PostgreSQL alike: times are epoch-ms BIGINT
 * (INTEGER affinity in SQLite), booleans are 0/1 integers, lists and objects are JSON text.
 */
export const registryMigrations: Record<string, Migration> = {
  'registry-0001-devices': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('lon', 'double precision', (c) => c.notNull())
        .addColumn('lat', 'double precision', (c) => c.notNull())
        .addColumn('district', 'text')
        .addColumn('asset', 'text')
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('online', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_seen_at', 'bigint')
        .addColumn('fw', 'text')
        .addColumn('last_violation', 'text')
        .execute();
      await db.schema.createIndex('devices_kind_idx').on('devices').column('kind').execute();
      await db.schema.createIndex('devices_district_idx').on('devices').column('district').execute();
      await db.schema
        .createTable('device_credentials')
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        // hex HMAC-SHA256 of the secret; the secret itself is never stored
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addPrimaryKeyConstraint('device_credentials_pk', ['device_id', 'hash'])
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('device_credentials').execute();
      await db.schema.dropTable('devices').execute();
    },
  },
  'registry-0002-presence-log': {
    // Every online/offline change, for a device's presence timeline (GET /devices/{id}/presence).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('device_presence_log')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('online', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('device_presence_log_idx').on('device_presence_log').columns(['device_id', 'at']).execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('device_presence_log').execute();
    },
  },
  'registry-0003-presence-log-at': {
    // The daily prune deletes by age alone (`at < ?`): without an index of its own it scans the whole log.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema.createIndex('device_presence_log_at_idx').ifNotExists().on('device_presence_log').column('at').execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('device_presence_log_at_idx').ifExists().execute();
    },
  },
};
