import type { Kysely, Migration } from 'kysely';

/**
 * drone-ops tables. SQL that runs on SQLite and PostgreSQL alike (as the registry's): times are
 * epoch-ms BIGINT, booleans 0/1 integers, structured values JSON text.
 */
export const droneOpsMigrations: Record<string, Migration> = {
  'droneops-0001-tables': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema.createTable('drone_zones').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).addColumn('updated_at', 'bigint', (c) => c.notNull()).execute();
      await db.schema.createTable('drone_settings').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();
      await db.schema.createTable('drone_types').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('body', 'text', (c) => c.notNull()).execute();
      await db.schema
        .createTable('docks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('lon', 'double precision', (c) => c.notNull())
        .addColumn('lat', 'double precision', (c) => c.notNull())
        .addColumn('district', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('drone_id', 'text')
        .addColumn('wind_mps', 'double precision')
        .addColumn('rain', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('reported_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('drones')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('type_id', 'text', (c) => c.notNull())
        .addColumn('dock_id', 'text', (c) => c.notNull())
        .addColumn('battery_pct', 'double precision', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('position', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('missions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('dock_id', 'text', (c) => c.notNull())
        .addColumn('drone_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('sortie', 'integer', (c) => c.notNull())
        .addColumn('sorties', 'integer', (c) => c.notNull())
        .addColumn('patrol_id', 'text')
        .addColumn('alert_id', 'text')
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('run_at', 'bigint')
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('progress_seq', 'integer')
        .addColumn('note', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('missions_status_idx').on('missions').column('status').execute();
      await db.schema.createIndex('missions_dock_idx').on('missions').column('dock_id').execute();
      await db.schema
        .createTable('mission_history')
        .addColumn('mission_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('mission_history_pk', ['mission_id', 'seq'])
        .execute();
      await db.schema
        .createTable('patrols')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('dock_id', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('tz', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('drone_intents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      for (const t of ['drone_intents', 'patrols', 'mission_history', 'missions', 'drones', 'docks', 'drone_types', 'drone_settings', 'drone_zones']) {
        await db.schema.dropTable(t).execute();
      }
    },
  },
  'droneops-0002-drone-live-state': {
    // Heading and the time of the latest telemetry sample: GET /drones/{id} follows the flight live.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema.alterTable('drones').addColumn('heading_deg', 'double precision').execute();
      await db.schema.alterTable('drones').addColumn('telemetry_at', 'bigint').execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.alterTable('drones').dropColumn('telemetry_at').execute();
      await db.schema.alterTable('drones').dropColumn('heading_deg').execute();
    },
  },
  'droneops-0003-history-actor': {
    // Who made each step of a mission's history (a person, or scheduler / vehicle / system).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema.alterTable('mission_history').addColumn('actor', 'text').execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.alterTable('mission_history').dropColumn('actor').execute();
    },
  },
  'droneops-0004-patrol-paused': {
    // A paused patrol keeps its definition but has no schedule until it is resumed.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema.alterTable('patrols').addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.alterTable('patrols').dropColumn('paused').execute();
    },
  },
};
