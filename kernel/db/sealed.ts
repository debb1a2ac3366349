import type { Kysely } from 'kysely';
import { SecretBox } from '../secrets.js';

/**
 * Encrypts, in place, the values of `column` that earlier versions stored in clear (docs/security.md
 * "Secrets at rest"). Idempotent: sealed values and NULLs are left alone (only the clear rows are read, so a
 * start with nothing to seal reads nothing); each update is conditional on the clear value still being there,
 * so two processes migrating at once seal every row once. Returns how many rows it sealed.
 */
export async function sealLegacyColumn(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one helper for every table with a sealed column
  db: Kysely<any>,
  table: string,
  idColumn: string,
  column: string,
  box: SecretBox,
): Promise<number> {
  const rows = (await db.selectFrom(table).select([idColumn, column]).where(column, 'not like', SecretBox.sealedLike).execute()) as Record<string, unknown>[];
  let sealed = 0;
  for (const r of rows) {
    const value = r[column];
    if (typeof value !== 'string' || SecretBox.isSealed(value)) continue;
    const res = await db.updateTable(table).set({ [column]: box.seal(value) }).where(idColumn, '=', r[idColumn]).where(column, '=', value).executeTakeFirst();
    sealed += Number(res.numUpdatedRows);
  }
  return sealed;
}
