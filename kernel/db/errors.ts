/**
 * Driver error shapes differ by dialect; modules ask these questions instead of parsing messages.
 */

/** True when `err` is a PRIMARY KEY / UNIQUE violation on SQLite (better-sqlite3) or PostgreSQL (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
