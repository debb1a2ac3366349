import { Migrator, sql, type Migration, type MigrationResult } from 'kysely';
import { AppError } from '../errors.js';
import type { Database } from './database.js';

export type { Migration };

/** Kysely's default bookkeeping table. */
const MIGRATION_TABLE = 'kysely_migration';
const NAME = /^[a-z][a-z0-9_-]*-\d{4}-[a-z0-9_-]+$/;

/**
 * Brings the store up to date with `migrations`, named `<module>-NNNN-<what>` (e.g.
 * `registry-0001-devices`) so every module adds its own to the one store.
 *
 * Modules migrate independently (the registry may run before the rules engine exists), so
 * migrations are unordered across modules, and names already executed by another module's call
 * are kept as no-ops here: Kysely would otherwise call the store "corrupted".
 * Returns the names it executed, in order.
 */
export async function migrate(database: Database, migrations: Record<string, Migration>): Promise<string[]> {
  for (const name of Object.keys(migrations)) {
    if (!NAME.test(name)) throw new AppError('CONFIG_INVALID', { message: `Migration name must be <module>-NNNN-<what>: ${name}` });
  }
  const executed = await executedMigrations(database);
  const all: Record<string, Migration> = { ...migrations };
  for (const name of executed) all[name] ??= { up: async () => {} };
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(all) },
    allowUnorderedMigrations: true,
    // Kysely looks for its tables in every schema; pin them to ours so schemas stay independent
    ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName;
    throw new AppError('INTERNAL', { message: failed ? `Migration ${failed} failed` : 'Migrations failed', cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Names already run against this store; empty on a fresh store. */
export async function executedMigrations(database: Database): Promise<string[]> {
  try {
    const table = database.schema === undefined ? MIGRATION_TABLE : `${database.schema}.${MIGRATION_TABLE}`;
    const rows = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(database.db);
    return rows.rows.map((r) => r.name).sort();
  } catch {
    return [];
  }
}
