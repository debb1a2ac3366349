import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { isAppError } from '../errors.js';
import { createDatabase } from './database.js';
import { isUniqueViolation } from './errors.js';
import { migrate } from './migrate.js';

describe('createDatabase (PostgreSQL)', () => {
  it('works inside its own schema and returns BIGINT as numbers', async () => {
    const url = inject('postgresUrl');
    const a = `db_${randomBytes(5).toString('hex')}`;
    const b = `db_${randomBytes(5).toString('hex')}`;
    const da = await createDatabase({ url, schema: a, poolMax: 2 });
    const dbb = await createDatabase({ url, schema: b, poolMax: 2 });
    try {
      expect(da.dialect).toBe('postgres');
      const m = {
        't-0001-items': {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          async up(db: Kysely<any>) {
            await db.schema.createTable('items').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('at', 'bigint').execute();
          },
        },
      };
      expect(await migrate(da, m)).toEqual(['t-0001-items']);
      expect(await migrate(dbb, m)).toEqual(['t-0001-items']); // a separate schema has its own bookkeeping
      await da.db.insertInto('items').values({ id: 'x', at: 1_760_000_000_123 }).execute();
      const row = await da.db.selectFrom('items').selectAll().executeTakeFirstOrThrow();
      expect(row).toEqual({ id: 'x', at: 1_760_000_000_123 });
      const n = await da.db.selectFrom('items').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(n.n).toBe(1);
      expect(await dbb.db.selectFrom('items').selectAll().execute()).toEqual([]);
      const dup = await da.db.insertInto('items').values({ id: 'x' }).execute().catch((e: unknown) => e);
      expect(isUniqueViolation(dup)).toBe(true);
      const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(da.db);
      expect(rows[0]?.s).toBe(a);
    } finally {
      for (const [d, s] of [[da, a], [dbb, b]] as const) {
        await d.db.schema.dropSchema(s).cascade().execute();
        await d.close();
      }
    }
  });

  it('refuses an unsafe schema name', async () => {
    const err = await createDatabase({ url: inject('postgresUrl'), schema: 'x"; drop' }).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('CONFIG_INVALID');
  });
});
