/**
 * Signed webhook deliveries of alert notices (issue #3). Every matching notice is first written to the
 * outbox (`notify_deliveries`), then sent; retries, rate-limit delays and restarts all go through the
 * stored row, so nothing is only in memory. Headers and signature: docs/integrations.md.
 */
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { AlertNotice } from '../../kernel/events.js';
import { inLang, type Lang } from '../../kernel/i18n.js';
import type { Logger } from '../../kernel/logger.js';
import { DEFAULT_RETRY, judgeAttempt, parseRetryAfter, takeToken, type AttemptResult, type Bucket, type RetryPolicy } from './delivery-policy.js';
import { matchesAlert, type NoticeFilter } from './routing.js';
import { DELIVERY_HEADER, EVENT_HEADER, generateWebhookSecret, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from './signing.js';
import type { DeliveryRow, DeliveryStatus, Receiver, WebhookStore } from './webhook-store.js';

export interface WebhookDispatcherOptions {
  store: WebhookStore;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  metrics?: Registry;
  retry?: RetryPolicy;
  /** Per attempt, connect to last byte. Default 10 s. */
  timeoutMs?: number;
  /** Deliveries in flight at once over all receivers. Default 16. */
  concurrency?: number;
  random?: () => number;
  /** Language of the body's `alert.message` (CITYBRAIN_LANG); `alert.messages` carries every language. Default en. */
  lang?: Lang;
}

export type Outcome = 'delivered' | 'retried' | 'failed' | 'rate_limited';

export interface WebhookCreate {
  url: string;
  description?: string;
  filter?: NoticeFilter;
  ratePerMinute?: number;
  burst?: number;
}

/** A receiver as the API shows it: never the secret. */
export type ReceiverView = Omit<Receiver, 'secret'>;

export class WebhookDispatcher {
  private receivers = new Map<string, Receiver>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly enqueues = new Set<Promise<void>>();
  private offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pumping = false;
  private again = false;
  private stopped = true;
  private readonly outcomes: Counter<'outcome'> | undefined;
  private readonly counts: Record<Outcome, number> = { delivered: 0, retried: 0, failed: 0, rate_limited: 0 };
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly opts: WebhookDispatcherOptions) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    if (opts.metrics) {
      this.outcomes = new Counter({ name: 'citybrain_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (rate_limited = delayed by the receiver\'s limit)', labelNames: ['outcome'], registers: [opts.metrics] });
      const store = opts.store;
      new Gauge({ name: 'citybrain_webhook_outbox_pending', help: 'Webhook deliveries waiting in the outbox', registers: [opts.metrics], async collect() { this.set(await store.pendingCount()); } });
    }
  }

  /** Loads receivers, follows alert events and sends whatever the outbox holds (a restart resumes here). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.reload();
    const onNotice = (n: AlertNotice): void => this.track(this.enqueue(n));
    this.offs = [this.opts.bus.on('alertRaised', onNotice), this.opts.bus.on('alertChanged', onNotice)];
    this.kick();
  }

  /** Stops taking work and waits for attempts in flight (each is bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.timer);
    await Promise.allSettled([...this.enqueues, ...this.inflight.values()]);
  }

  stats(): Record<Outcome, number> & { inflight: number } {
    return { ...this.counts, inflight: this.inflight.size };
  }

  async create(input: WebhookCreate): Promise<{ webhook: ReceiverView; secret: string }> {
    const rate = input.ratePerMinute ?? 60;
    const r: Receiver = {
      id: randomUUID(),
      url: input.url,
      description: input.description ?? null,
      secret: generateWebhookSecret(),
      filter: input.filter ?? {},
      ratePerMinute: rate,
      burst: input.burst ?? Math.min(rate, 60),
      createdAt: this.opts.clock.now(),
    };
    await this.opts.store.insertReceiver(r);
    this.receivers.set(r.id, r);
    return { webhook: view(r), secret: r.secret };
  }

  async list(): Promise<ReceiverView[]> {
    await this.reload();
    return [...this.receivers.values()].map(view);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.opts.store.deleteReceiver(id))) throw notFound(id);
    this.receivers.delete(id);
    this.buckets.delete(id);
  }

  async deliveries(id: string, q: { status?: DeliveryStatus; limit?: number }) {
    await this.reload();
    if (!this.receivers.has(id)) throw notFound(id);
    const rows = await this.opts.store.deliveries(id, q);
    return rows.map((d) => ({
      id: d.id, webhookId: d.webhook_id, event: d.event, status: d.status, attempts: d.attempts,
      lastStatus: d.last_status, lastError: d.last_error, rateLimited: d.rate_limited, createdAt: d.created_at,
      updatedAt: d.updated_at, nextAttemptAt: d.status === 'pending' ? d.next_attempt_at : null, deliveredAt: d.delivered_at,
    }));
  }

  /** Writes one outbox row per matching receiver, then wakes the sender. */
  async enqueue(notice: AlertNotice): Promise<void> {
    const now = this.opts.clock.now();
    const event = `alert.${notice.action}`;
    const rows: DeliveryRow[] = [];
    for (const r of this.receivers.values()) {
      if (!matchesAlert(r.filter, notice)) continue;
      const id = randomUUID();
      const body = JSON.stringify({ id, event, at: notice.at, action: notice.action, alert: inLang(notice.alert, this.opts.lang ?? 'en') });
      rows.push({
        id, webhook_id: r.id, event, body, status: 'pending', attempts: 0, rate_limited: 0, last_status: null,
        last_error: null, next_attempt_at: now, created_at: now, updated_at: now, delivered_at: null,
      });
    }
    await this.opts.store.enqueue(rows);
    if (rows.length > 0) this.kick();
  }

  private async reload(): Promise<void> {
    this.receivers = new Map((await this.opts.store.receivers()).map((r) => [r.id, r]));
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => this.opts.log.error({ err }, 'webhook outbox write failed'));
    this.enqueues.add(tracked);
    void tracked.finally(() => this.enqueues.delete(tracked));
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((err: unknown) => this.opts.log.error({ err }, 'webhook outbox pump failed'))
      .finally(() => {
        this.pumping = false;
        void this.schedule().catch((err: unknown) => this.opts.log.error({ err }, 'webhook outbox schedule failed'));
      });
  }

  private async pump(): Promise<void> {
    const limit = this.opts.concurrency ?? 16;
    do {
      this.again = false;
      const free = limit - this.inflight.size;
      if (free <= 0 || this.stopped) return;
      const now = this.opts.clock.now();
      for (const row of await this.opts.store.due(now, free)) {
        if (this.inflight.has(row.id)) continue;
        const hook = this.receivers.get(row.webhook_id);
        if (!hook) continue;
        const t = takeToken(this.buckets.get(hook.id), { perMinute: hook.ratePerMinute, capacity: hook.burst }, now);
        this.buckets.set(hook.id, t.bucket);
        if (!t.ok) {
          // Over the receiver's rate: delayed in the outbox, never dropped.
          this.count('rate_limited');
          await this.opts.store.update(row.id, { next_attempt_at: t.readyAt, rate_limited: row.rate_limited + 1, updated_at: now });
          continue;
        }
        const p = this.attempt(hook, row).catch((err: unknown) => this.opts.log.error({ err, delivery: row.id }, 'webhook attempt bookkeeping failed'));
        this.inflight.set(row.id, p);
        void p.finally(() => {
          this.inflight.delete(row.id);
          this.kick();
        });
      }
    } while (this.again);
  }

  /** Sleeps until the soonest pending row is due (a timer, not a poll loop). */
  private async schedule(): Promise<void> {
    if (this.stopped) return;
    const at = await this.opts.store.nextDueAt();
    clearTimeout(this.timer);
    if (at === null || this.stopped) return;
    // Capped so a clock jump cannot park the outbox for long.
    const wait = Math.min(60_000, Math.max(0, at - this.opts.clock.now()));
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async attempt(hook: Receiver, row: DeliveryRow): Promise<void> {
    const { store, clock } = this.opts;
    const attempts = row.attempts + 1;
    const started = clock.now();
    // Lease: if the process dies mid-attempt, the row is due again once the lease runs out.
    await store.update(row.id, { attempts, next_attempt_at: started + this.timeoutMs * 2, updated_at: started });
    const result = await this.send(hook, row, started);
    const now = clock.now();
    const verdict = judgeAttempt(result, attempts, now, this.retry, this.opts.random);
    const lastStatus = result.status ?? null;
    if (result.status === 429) this.buckets.set(hook.id, { tokens: 0, updatedAt: now });
    switch (verdict.kind) {
      case 'delivered':
        this.count('delivered');
        return store.update(row.id, { status: 'delivered', last_status: lastStatus, last_error: null, delivered_at: now, updated_at: now, next_attempt_at: null });
      case 'retry':
        this.count('retried');
        this.opts.log.info({ delivery: row.id, webhook: hook.id, attempts, reason: verdict.reason }, 'webhook delivery will be retried');
        return store.update(row.id, { last_status: lastStatus, last_error: verdict.reason, next_attempt_at: verdict.atMs, updated_at: now });
      case 'failed':
        this.count('failed');
        this.opts.log.warn({ delivery: row.id, webhook: hook.id, attempts, reason: verdict.reason }, 'webhook delivery failed');
        return store.update(row.id, { status: 'failed', last_status: lastStatus, last_error: verdict.reason, next_attempt_at: null, updated_at: now });
    }
  }

  private async send(hook: Receiver, row: DeliveryRow, now: number): Promise<AttemptResult> {
    const ts = Math.floor(now / 1000);
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        body: row.body,
        // A redirect is not followed: the receiver's URL is what the operator registered.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'citybrain-webhooks/1',
          [EVENT_HEADER]: row.event,
          [DELIVERY_HEADER]: row.id,
          [TIMESTAMP_HEADER]: String(ts),
          [SIGNATURE_HEADER]: signPayload(hook.secret, ts, row.body),
        },
      });
      await res.body?.cancel();
      const retryAfterS = parseRetryAfter(res.headers.get('retry-after'), now);
      return retryAfterS === undefined ? { status: res.status } : { status: res.status, retryAfterS };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') return { error: `timeout after ${this.timeoutMs} ms` };
      return { error: e.cause?.code ?? e.message };
    }
  }

  private count(o: Outcome): void {
    this.counts[o]++;
    this.outcomes?.inc({ outcome: o });
  }
}

function view(r: Receiver): ReceiverView {
  const { secret: _secret, ...rest } = r;
  return rest;
}

const notFound = (id: string): AppError => new AppError('WEBHOOK_NOT_FOUND', { message: `Webhook ${id} not found`, details: { id } });
