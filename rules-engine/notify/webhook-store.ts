/** Webhook receivers and the delivery outbox/log in the relational store (Kysely: SQLite or PostgreSQL). */
import type { Kysely } from 'kysely';
import { sealLegacyColumn, type Database } from '../../kernel/db/index.js';
import type { SecretBox } from '../../kernel/secrets.js';
import type { NoticeFilter } from './routing.js';

export interface WebhookRow {
  id: string;
  url: string;
  description: string | null;
  secret: string;
  filter: string;
  rate_per_minute: number;
  burst: number;
  created_at: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  rate_limited: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

interface NotifyTables {
  notify_webhooks: WebhookRow;
  notify_deliveries: DeliveryRow;
}

/** A receiver as the dispatcher uses it (secret included: it signs with it). */
export interface Receiver {
  id: string;
  url: string;
  description: string | null;
  secret: string;
  filter: NoticeFilter;
  ratePerMinute: number;
  burst: number;
  createdAt: number;
}

const toReceiver = (r: WebhookRow, box: SecretBox | undefined): Receiver => ({
  id: r.id,
  url: r.url,
  description: r.description,
  secret: box ? box.open(r.secret) : r.secret,
  filter: JSON.parse(r.filter) as NoticeFilter,
  ratePerMinute: r.rate_per_minute,
  burst: r.burst,
  createdAt: r.created_at,
});

export class WebhookStore {
  private readonly db: Kysely<NotifyTables>;

  /** With a `box`, signing secrets are stored encrypted (kernel/secrets.ts SecretBox) and decrypted on read. */
  constructor(
    database: Database,
    private readonly box?: SecretBox,
  ) {
    this.db = database.db as Kysely<NotifyTables>;
  }

  /** Encrypts signing secrets stored in clear by earlier versions; returns how many rows it sealed. Idempotent. */
  async sealLegacySecrets(): Promise<number> {
    return this.box ? sealLegacyColumn(this.db, 'notify_webhooks', 'id', 'secret', this.box) : 0;
  }

  async insertReceiver(r: Receiver): Promise<void> {
    await this.db
      .insertInto('notify_webhooks')
      .values({
        id: r.id, url: r.url, description: r.description, secret: this.box ? this.box.seal(r.secret) : r.secret, filter: JSON.stringify(r.filter),
        rate_per_minute: r.ratePerMinute, burst: r.burst, created_at: r.createdAt,
      })
      .execute();
  }

  async receivers(): Promise<Receiver[]> {
    const rows = await this.db.selectFrom('notify_webhooks').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => toReceiver(r, this.box));
  }

  /** False when there was no such receiver. Its deliveries go with it. */
  async deleteReceiver(id: string): Promise<boolean> {
    // Explicit, not only ON DELETE CASCADE: SQLite enforces it only with foreign_keys on.
    return this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('notify_deliveries').where('webhook_id', '=', id).execute();
      const r = await tx.deleteFrom('notify_webhooks').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async enqueue(rows: readonly DeliveryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('notify_deliveries').values([...rows]).execute();
  }

  /** Pending deliveries due at `now`, soonest first. */
  async due(now: number, limit: number): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('notify_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  /** When the soonest pending delivery is due, or null when none is pending. */
  async nextDueAt(): Promise<number | null> {
    const r = await this.db
      .selectFrom('notify_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return r?.at === null || r?.at === undefined ? null : Number(r.at);
  }

  async pendingCount(): Promise<number> {
    const r = await this.db
      .selectFrom('notify_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async update(id: string, patch: Partial<Omit<DeliveryRow, 'id' | 'webhook_id' | 'body' | 'event' | 'created_at'>>): Promise<void> {
    await this.db.updateTable('notify_deliveries').set(patch).where('id', '=', id).execute();
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('notify_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async deliveries(webhookId: string, q: { status?: DeliveryStatus; limit?: number }): Promise<DeliveryRow[]> {
    let query = this.db.selectFrom('notify_deliveries').selectAll().where('webhook_id', '=', webhookId);
    if (q.status !== undefined) query = query.where('status', '=', q.status);
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit ?? 50).execute();
  }
}
