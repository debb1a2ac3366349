import type { Kysely, Migration } from 'kysely';
import { canonicalAlertId } from '../alert-id.js';

/**
 * Alert-service tables. SQL that runs on SQLite and PostgreSQL alike (as the registry's): times are
 * epoch-ms BIGINT, booleans 0/1 integers, documents JSON text. Filtered fields of an alert are columns;
 * the whole alert is the `data` document, so lifecycle fields can grow without a migration.
 */
export const rulesMigrations: Record<string, Migration> = {
  'rules-0001-alerts-rules-silences': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('district', 'text')
        .addColumn('device_id', 'text')
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alerts_status_idx').on('alerts').columns(['status', 'first_seen_at']).execute();
      await db.schema.createIndex('alerts_first_seen_idx').on('alerts').column('first_seen_at').execute();
      await db.schema.createIndex('alerts_device_idx').on('alerts').column('device_id').execute();
      await db.schema.createIndex('alerts_district_idx').on('alerts').column('district').execute();
      await db.schema
        .createTable('alert_audit')
        .addColumn('alert_id', 'text', (c) => c.notNull())
        // Monotonic per store writer (µs since the epoch): orders entries written in the same millisecond.
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text')
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('alert_audit_pk', ['alert_id', 'seq'])
        .execute();
      await db.schema
        .createTable('rule_versions')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('rule_versions_pk', ['id', 'version'])
        .execute();
      await db.schema
        .createTable('rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('silences')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('matchers', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('comment', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rules_engine_snapshot')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('saved_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      for (const t of ['rules_engine_snapshot', 'silences', 'rules', 'rule_versions', 'alert_audit', 'alerts']) await db.schema.dropTable(t).execute();
    },
  },
  // Former ids `rule|subject|at` needed percent-encoding in a URL path; each becomes its URL-safe form
  // (alert-id.ts), in the row, its document and its audit trail. Lookups still take a former id.
  'rules-0002-url-safe-alert-ids': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      const rows = (await db.selectFrom('alerts').select(['id', 'data']).where('id', 'like', '%|%').execute()) as { id: string; data: string }[];
      for (const r of rows) {
        const id = canonicalAlertId(r.id);
        const data = JSON.stringify({ ...(JSON.parse(r.data) as object), id });
        await db.updateTable('alerts').set({ id, data }).where('id', '=', r.id).execute();
      }
      const audits = (await db.selectFrom('alert_audit').select('alert_id').distinct().where('alert_id', 'like', '%|%').execute()) as { alert_id: string }[];
      for (const r of audits) await db.updateTable('alert_audit').set({ alert_id: canonicalAlertId(r.alert_id) }).where('alert_id', '=', r.alert_id).execute();
    },
    async down() {
      // The former ids cannot be rebuilt from the hash; lookups accept them either way.
    },
  },
  // Platform-written timeline notes (drone over the target, picture attached) keep a code, parameters and
  // their text in every language, so that each reader gets them in their own (lifecycle.ts `NoteDetail`).
  'rules-0003-audit-note-detail': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async up(db: Kysely<any>) {
      await db.schema.alterTable('alert_audit').addColumn('detail', 'text').execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the untyped store
    async down(db: Kysely<any>) {
      await db.schema.alterTable('alert_audit').dropColumn('detail').execute();
    },
  },
};
