/** Webhook signing secrets at rest: the shared secrets-at-rest suite (kernel/db/sealed.conformance.ts) for WebhookStore. */
import type { SealedSecretCase } from '../../kernel/db/sealed.conformance.js';
import { notifyMigrations } from './migrations.js';
import { WebhookStore, type Receiver } from './webhook-store.js';

const receiver = (id: string, secret: string): Receiver => ({
  id, url: 'http://127.0.0.1:9/hook', description: null, secret, filter: {}, ratePerMinute: 60, burst: 10, createdAt: 1_760_000_000_000,
});

export const webhookSecrets: SealedSecretCase = {
  what: 'webhook signing secrets',
  purpose: 'webhook signing secret',
  migrations: notifyMigrations,
  secret: (i) => `whsec_plain-text-signing-secret-${i}`,
  write: (db, box, id, secret) => new WebhookStore(db, box).insertReceiver(receiver(id, secret)),
  read: async (db, box) => (await new WebhookStore(db, box).receivers()).sort((a, b) => a.id.localeCompare(b.id)).map((r) => r.secret),
  raw: async (db) => (await db.db.selectFrom('notify_webhooks').select(['id', 'secret']).orderBy('id').execute()).map((r) => (r as { secret: string }).secret),
  sealLegacy: (db, box) => new WebhookStore(db, box).sealLegacySecrets(),
};
