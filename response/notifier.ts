/**
 * Notifies units of their tasks through their channels: a signed webhook (the same signature scheme as
 * alert webhooks, docs/integrations.md), the MQTT platform namespace (`platform/tasks/{district}/{unitId}`
 * for integration clients), and the SMS/phone gateway port. Each failed attempt is a named error
 * (UNIT_NOTIFY_FAILED), a log line and a counted failure, and is retried with backoff.
 */
import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { AppError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { DELIVERY_HEADER, EVENT_HEADER, signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../rules-engine/notify/index.js';
import type { TaskEventName, UnitNotifier } from './ports.js';
import type { SmsGateway } from './sms.js';
import type { Channel, Resource, Task } from './types.js';
import { taskView, type DistrictNames } from './views.js';

export interface TaskPublisher {
  /** Publishes to subscribers of a `platform/...` topic, QoS 1. */
  publishPlatform(topic: string, payload: string): Promise<void>;
}

export interface NotifierOptions {
  log: Logger;
  metrics?: Registry;
  sms: SmsGateway;
  /** Opens a sealed webhook secret. */
  openSecret: (sealed: string) => string;
  names: DistrictNames;
  /** The broker, once it listens (MQTT channels wait for it). */
  publisher?: () => TaskPublisher | undefined;
  /** Delays before each retry (default 1 s, 5 s, 30 s, 2 min). */
  retryMs?: number[];
  timeoutMs?: number;
}

export const taskTopic = (t: Pick<Task, 'district' | 'unitId'>): string => `platform/tasks/${t.district ?? 'none'}/${t.unitId}`;

export class ChannelNotifier implements UnitNotifier {
  private readonly running = new Set<Promise<void>>();
  private readonly failed: Counter | undefined;
  private readonly sent: Counter | undefined;

  constructor(private readonly opts: NotifierOptions) {
    if (opts.metrics) {
      this.failed = new Counter({ name: 'citybrain_unit_notify_failed_total', help: 'Failed attempts to notify a response unit, by channel (each is retried)', labelNames: ['channel'], registers: [opts.metrics] });
      this.sent = new Counter({ name: 'citybrain_unit_notify_sent_total', help: 'Task notices delivered to response units, by channel', labelNames: ['channel'], registers: [opts.metrics] });
    }
  }

  notify(unit: Resource, event: TaskEventName, task: Task): void {
    for (const c of unit.channels) {
      const run = this.deliver(unit, c, event, task);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async deliver(unit: Resource, c: Channel, event: TaskEventName, task: Task): Promise<void> {
    const delays = this.opts.retryMs ?? [1_000, 5_000, 30_000, 120_000];
    const id = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.once(c, event, task, id);
        this.sent?.inc({ channel: c.type });
        return;
      } catch (cause) {
        const err = cause instanceof AppError && cause.code === 'UNIT_NOTIFY_FAILED' ? cause : new AppError('UNIT_NOTIFY_FAILED', { message: `${c.type}: ${(cause as Error).message}`, cause });
        this.failed?.inc({ channel: c.type });
        const last = attempt >= delays.length;
        this.opts.log[last ? 'error' : 'warn']({ code: err.code, err: err.message, unitId: unit.id, taskId: task.id, channel: c.type, attempt: attempt + 1 }, last ? 'unit notification failed: giving up' : 'unit notification failed: will retry');
        if (last) return;
        await new Promise((r) => setTimeout(r, delays[attempt]).unref());
      }
    }
  }

  private async once(c: Channel, event: TaskEventName, task: Task, deliveryId: string): Promise<void> {
    const view = taskView(task, this.opts.names);
    switch (c.type) {
      case 'webhook': return this.webhook(c, event, view, deliveryId);
      case 'mqtt': {
        const pub = this.opts.publisher?.();
        if (!pub) throw new AppError('UNIT_NOTIFY_FAILED', { message: 'mqtt: the broker is not listening yet' });
        return pub.publishPlatform(taskTopic(task), JSON.stringify({ event, task: view }));
      }
      case 'sms': return this.opts.sms.send(c.phone, smsText(event, task));
    }
  }

  private async webhook(c: Extract<Channel, { type: 'webhook' }>, event: TaskEventName, task: unknown, deliveryId: string): Promise<void> {
    const body = JSON.stringify({ event, task });
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json', [EVENT_HEADER]: event, [DELIVERY_HEADER]: deliveryId, [TIMESTAMP_HEADER]: String(ts) };
    if (c.secret) headers[SIGNATURE_HEADER] = signPayload(this.opts.openSecret(c.secret), ts, body);
    const res = await fetch(c.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    await res.body?.cancel();
    if (!res.ok) throw new AppError('UNIT_NOTIFY_FAILED', { message: `webhook answered ${res.status}`, details: { status: res.status } });
  }
}

/** One short line a phone shows whole: what, where, by when. */
export function smsText(event: TaskEventName, t: Task): string {
  const by = new Date(t.acceptBy + 8 * 3_600_000).toISOString().slice(11, 16);
  return `[citybrain] ${event === 'task.created' ? 'New task' : 'Task changed'} (${t.alert.level}): ${t.title} at geo:${t.location.lat},${t.location.lon}. Accept by ${by} (UTC+8). Task ${t.id.slice(0, 8)}`;
}
