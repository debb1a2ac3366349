/**
 * Webhook delivery against a real local HTTP receiver, over any relational store: the SQLite file in
 * the unit run, PostgreSQL in the integration run (style.md "conformance suite").
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import { migrate, type Database } from '../../kernel/db/index.js';
import { silentLogger } from '../../kernel/logger.js';
import type { Lang } from '../../kernel/i18n.js';
import type { RetryPolicy } from './delivery-policy.js';
import { notifyMigrations } from './migrations.js';
import { alertNotice, WebhookReceiver } from './testing.js';
import { WebhookDispatcher, type WebhookCreate } from './webhook-dispatcher.js';
import { WebhookStore } from './webhook-store.js';

export interface StoreHarness {
  /** Opens the store; called again after `close` it must see the same data (a restart). */
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

const FAST: RetryPolicy = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 1_000 };

export function describeWebhookDelivery(name: string, make: () => Promise<StoreHarness>): void {
  describe(`webhook delivery: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    async function boot(h: StoreHarness, retry: RetryPolicy = FAST, lang?: Lang) {
      const db = await h.open();
      await migrate(db, notifyMigrations);
      const bus = new EventBus();
      const metrics = new Registry();
      const d = new WebhookDispatcher({ store: new WebhookStore(db), bus, clock: systemClock, log: silentLogger(), metrics, retry, timeoutMs: 300, random: () => 1, ...(lang ? { lang } : {}) });
      await d.start();
      let stopped = false;
      const stop = async (): Promise<void> => {
        if (stopped) return;
        stopped = true;
        await d.stop();
        await db.close();
      };
      cleanups.push(stop);
      return { d, bus, metrics, stop };
    }

    async function setup(hook: Omit<WebhookCreate, 'url'> = {}, retry?: RetryPolicy, lang?: Lang) {
      const h = await make();
      cleanups.push(() => h.cleanup());
      const rx = new WebhookReceiver();
      const url = await rx.listen();
      cleanups.push(() => rx.close());
      const node = await boot(h, retry, lang);
      const { webhook, secret } = await node.d.create({ url, ...hook });
      rx.secret = secret;
      return { h, rx, node, webhook };
    }

    it('POSTs signed JSON with event, delivery and timestamp headers, only for notices that match', async () => {
      const { rx, node, webhook } = await setup({ filter: { minSeverity: 'orange', districts: ['370202'] } });
      node.bus.emit('alertRaised', alertNotice({ severity: 'blue' }));
      node.bus.emit('alertRaised', alertNotice({ severity: 'red', district: '370203' }));
      node.bus.emit('alertRaised', alertNotice({ severity: 'red', message: 'wanted' }));
      await rx.count(1);
      const got = rx.received[0];
      expect(got?.signatureOk).toBe(true);
      expect(got?.headers['x-citybrain-event']).toBe('alert.opened');
      expect(got?.headers['x-citybrain-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      const body = JSON.parse(got?.body ?? '') as { id: string; alert: { message: string } };
      expect(body.alert.message).toBe('wanted');
      expect(body.id).toBe(got?.headers['x-citybrain-delivery']);
      await vi.waitFor(async () => expect(await node.d.deliveries(webhook.id, {})).toMatchObject([{ status: 'delivered', attempts: 1, lastStatus: 204 }]));
      expect(rx.received).toHaveLength(1);
    });

    it('writes the message in the setting\'s language, and every language in messages', async () => {
      const { rx, node } = await setup({}, undefined, 'zh-CN');
      const n = alertNotice({ message: 'gas high' });
      node.bus.emit('alertRaised', { ...n, alert: { ...n.alert, messages: { en: 'gas high', 'zh-CN': '燃气浓度高' } } });
      await rx.count(1);
      expect(JSON.parse(rx.received[0]?.body ?? '')).toMatchObject({ alert: { message: '燃气浓度高', messages: { en: 'gas high', 'zh-CN': '燃气浓度高' } } });
    });

    it('retries 5xx with exponential backoff until delivered', async () => {
      const { rx, node, webhook } = await setup();
      rx.answer = (n) => ({ status: n < 2 ? 503 : 200 });
      node.bus.emit('alertRaised', alertNotice());
      await vi.waitFor(async () => expect(await node.d.deliveries(webhook.id, {})).toMatchObject([{ status: 'delivered', attempts: 3 }]));
      const [a, b, c] = rx.received.map((r) => r.at);
      expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(18);
      expect((c ?? 0) - (b ?? 0)).toBeGreaterThanOrEqual(38);
      expect(node.d.stats()).toMatchObject({ retried: 2, delivered: 1 });
      expect(await node.metrics.getSingleMetricAsString('citybrain_webhook_deliveries_total')).toMatch(/outcome="retried"} 2/);
    });

    it('retries a receiver that answers after the timeout; fails a 4xx at once', async () => {
      const { rx, node, webhook } = await setup();
      rx.answer = (n) => (n === 0 ? { status: 200, delayMs: 1_500 } : n === 1 ? { status: 200 } : { status: 404 });
      node.bus.emit('alertRaised', alertNotice({ message: 'slow' }));
      await vi.waitFor(async () => expect((await node.d.deliveries(webhook.id, { status: 'delivered' }))[0]).toMatchObject({ attempts: 2 }));
      expect(node.d.stats().retried).toBe(1);
      node.bus.emit('alertChanged', alertNotice({ action: 'resolved' }));
      await vi.waitFor(async () => expect(await node.d.deliveries(webhook.id, { status: 'failed' })).toMatchObject([{ attempts: 1, lastStatus: 404, lastError: 'HTTP 404' }]));
      expect(rx.received).toHaveLength(3);
    });

    it('honours 429 Retry-After', async () => {
      const { rx, node, webhook } = await setup();
      rx.answer = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
      node.bus.emit('alertRaised', alertNotice());
      await vi.waitFor(async () => expect(await node.d.deliveries(webhook.id, {})).toMatchObject([{ status: 'delivered', attempts: 2 }]), { timeout: 5_000 });
      const [a, b] = rx.received.map((r) => r.at);
      expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(950);
    });

    it('delays deliveries over the receiver rate limit, never drops them, and counts the delays', async () => {
      const { rx, node, webhook } = await setup({ ratePerMinute: 600, burst: 2 });
      for (let i = 0; i < 5; i++) node.bus.emit('alertRaised', alertNotice({ message: `n${i}` }));
      await rx.count(5);
      const at = rx.received.map((r) => r.at);
      // 2 at once, then one per 100 ms.
      expect((at[4] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(250);
      expect(node.d.stats().rate_limited).toBeGreaterThan(0);
      await vi.waitFor(async () => expect(await node.d.deliveries(webhook.id, { status: 'delivered' })).toHaveLength(5));
      const limited = await node.d.deliveries(webhook.id, {});
      expect(limited.some((d) => d.rateLimited > 0)).toBe(true);
    });

    it('keeps a delivery in the outbox across a restart mid-retry', async () => {
      const slow: RetryPolicy = { maxAttempts: 5, baseDelayMs: 400, maxDelayMs: 1_000 };
      const { h, rx, node, webhook } = await setup({}, slow);
      rx.answer = () => ({ status: 500 });
      node.bus.emit('alertRaised', alertNotice({ message: 'survives' }));
      await vi.waitFor(async () => expect(await node.d.deliveries(webhook.id, {})).toMatchObject([{ status: 'pending', attempts: 1, lastStatus: 500 }]));
      await node.stop();
      rx.answer = () => ({ status: 200 });
      const second = await boot(h);
      await vi.waitFor(async () => expect(await second.d.deliveries(webhook.id, {})).toMatchObject([{ status: 'delivered', attempts: 2 }]), { timeout: 5_000 });
      expect(rx.received).toHaveLength(2);
      expect(rx.received[1]?.signatureOk).toBe(true);
      expect(second.d.stats().delivered).toBe(1);
    });
  });
}
