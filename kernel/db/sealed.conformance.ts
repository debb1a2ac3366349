/**
 * Secrets at rest, one suite for every store that keeps a secret the platform must use again (alert and unit webhook
 * signing secrets, OPC UA station passwords, MAVLink signing keys), run against SQLite and PostgreSQL:
 * nothing stored in clear, rows from earlier versions sealed once, another key never yields a secret.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets.js';
import type { Database } from './database.js';
import { migrate, type Migration } from './migrate.js';

export interface SealedSecretCase {
  /** What the secrets are, e.g. "webhook signing secrets". */
  what: string;
  /** The SecretBox purpose the platform uses for them. */
  purpose: string;
  migrations: Record<string, Migration>;
  /** A valid secret, distinct per `i`. */
  secret(i: number): string;
  /** Stores `secret` for `id` through the store: sealed with `box`, in clear (as earlier versions did) without. */
  write(db: Database, box: SecretBox | undefined, id: string, secret: string): Promise<void>;
  /** Every secret read back through the store, by id. */
  read(db: Database, box: SecretBox): Promise<string[]>;
  /** Every stored value as it lies in the table, by id. */
  raw(db: Database): Promise<string[]>;
  /** The start-up migration; returns how many it sealed. */
  sealLegacy(db: Database, box: SecretBox): Promise<number>;
}

export function describeSealedSecrets(c: SealedSecretCase, backend: string, make: () => Promise<{ db: Database; cleanup(): Promise<void> }>): void {
  describe(`${c.what} at rest: ${backend}`, () => {
    let h: { db: Database; cleanup(): Promise<void> } | undefined;
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });
    const open = async () => {
      h = await make();
      await migrate(h.db, c.migrations);
      return h.db;
    };
    const key = randomBytes(32);
    const box = () => new SecretBox(key, c.purpose);

    it('stores no plaintext and reads the secret back', async () => {
      const db = await open();
      await c.write(db, box(), 'a1', c.secret(1));
      const [stored] = await c.raw(db);
      expect(stored!.startsWith('v1.')).toBe(true);
      expect(stored).not.toContain(c.secret(1));
      expect(await c.read(db, box())).toEqual([c.secret(1)]);
    });

    it('seals rows stored in clear by earlier versions, once', async () => {
      const db = await open();
      await c.write(db, undefined, 'old1', c.secret(1));
      await c.write(db, undefined, 'old2', c.secret(2));
      expect(await c.sealLegacy(db, box())).toBe(2);
      expect(await c.sealLegacy(db, box())).toBe(0);
      for (const v of await c.raw(db)) expect(v).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
      expect(await c.read(db, box())).toEqual([c.secret(1), c.secret(2)]);
    });

    it('refuses to read with another credential key (SECRET_UNREADABLE), never returning ciphertext as a secret', async () => {
      const db = await open();
      await c.write(db, box(), 'a1', c.secret(1));
      await expect(c.read(db, new SecretBox(randomBytes(32), c.purpose))).rejects.toMatchObject({ code: 'SECRET_UNREADABLE' });
    });
  });
}
