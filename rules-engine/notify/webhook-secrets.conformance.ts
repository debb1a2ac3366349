/** Webhook signing secrets at rest, against a real store (SQLite or PostgreSQL): encrypted, migrated, decrypted. */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, type Database } from '../../kernel/db/index.js';
import { SecretBox } from '../../kernel/secrets.js';
import { notifyMigrations } from './migrations.js';
import { WebhookStore, type Receiver } from './webhook-store.js';

const receiver = (id: string, secret: string): Receiver => ({
  id, url: 'http://127.0.0.1:9/hook', description: null, secret, filter: {}, ratePerMinute: 60, burst: 10, createdAt: 1_760_000_000_000,
});

export function describeWebhookSecrets(name: string, make: () => Promise<{ db: Database; cleanup(): Promise<void> }>): void {
  describe(`webhook signing secrets at rest: ${name}`, () => {
    let h: { db: Database; cleanup(): Promise<void> } | undefined;
    afterEach(async () => {
      await h?.db.close();
      await h?.cleanup();
      h = undefined;
    });
    const open = async () => {
      h = await make();
      await migrate(h.db, notifyMigrations);
      return h.db;
    };
    const stored = async (db: Database) => (await db.db.selectFrom('notify_webhooks').select(['id', 'secret']).orderBy('id').execute()) as { id: string; secret: string }[];
    const key = randomBytes(32);
    const box = () => new SecretBox(key, 'webhook signing secret');

    it('stores no plaintext and reads the secret back', async () => {
      const db = await open();
      const store = new WebhookStore(db, box());
      await store.insertReceiver(receiver('w1', 'whsec_plain-text-signing-secret'));
      const [row] = await stored(db);
      expect(row!.secret.startsWith('v1.')).toBe(true);
      expect(row!.secret).not.toContain('plain-text-signing-secret');
      expect((await store.receivers())[0]!.secret).toBe('whsec_plain-text-signing-secret');
    });

    it('migrates rows stored in clear by earlier versions, once', async () => {
      const db = await open();
      await new WebhookStore(db).insertReceiver(receiver('old1', 'whsec_legacy-one'));
      await new WebhookStore(db).insertReceiver(receiver('old2', 'whsec_legacy-two'));
      const store = new WebhookStore(db, box());
      expect(await store.sealLegacySecrets()).toBe(2);
      expect(await store.sealLegacySecrets()).toBe(0);
      for (const r of await stored(db)) expect(r.secret).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
      expect((await store.receivers()).map((r) => r.secret)).toEqual(['whsec_legacy-one', 'whsec_legacy-two']);
    });

    it('refuses to read with another credential key (SECRET_UNREADABLE), never returning ciphertext as a secret', async () => {
      const db = await open();
      await new WebhookStore(db, box()).insertReceiver(receiver('w1', 'whsec_x'));
      const other = new WebhookStore(db, new SecretBox(randomBytes(32), 'webhook signing secret'));
      await expect(other.receivers()).rejects.toMatchObject({ code: 'SECRET_UNREADABLE' });
    });
  });
}
