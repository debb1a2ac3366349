/**
 * Notifies units of their tasks, and duty desks of a response, through their channels: a signed webhook
 * (the same signature scheme as alert webhooks, docs/integrations.md), the MQTT platform namespace
 * (`platform/tasks/{district}/{unitId}`, `platform/desks/{district}/{deskId}` for integration clients), and
 * the SMS/phone gateway port. Each failed attempt is a named error
 * (UNIT_NOTIFY_FAILED), a log line and a counted failure, and is retried with backoff.
 */
import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { AppError } from '../kernel/errors.js';
import { titleInLang, type Lang } from '../kernel/i18n.js';
import type { Logger } from '../kernel/logger.js';
import { DELIVERY_HEADER, EVENT_HEADER, signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../rules-engine/notify/index.js';
import { deskSmsText } from './desks.js';
import type { ChannelOutcome, DeskNotice, TaskEventName, UnitNotifier } from './ports.js';
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
  /** Language of task titles in notices (the operator's CITYBRAIN_LANG; default en); webhooks and MQTT carry `titles` too. */
  lang?: Lang;
}

export const taskTopic = (t: Pick<Task, 'district' | 'unitId'>): string => `platform/tasks/${t.district ?? 'none'}/${t.unitId}`;
export const deskTopic = (d: Pick<Resource, 'district' | 'id'>): string => `platform/desks/${d.district ?? 'none'}/${d.id}`;

/** One notice as each channel carries it. */
interface Message {
  event: string;
  json: string;
  topic: string;
  sms: string;
  /** Log fields naming what it is about. */
  ref: Record<string, string>;
}

export class ChannelNotifier implements UnitNotifier {
  private readonly running = new Set<Promise<unknown>>();
  private readonly failed: Counter | undefined;
  private readonly sent: Counter | undefined;

  constructor(private readonly opts: NotifierOptions) {
    if (opts.metrics) {
      this.failed = new Counter({ name: 'citybrain_unit_notify_failed_total', help: 'Failed attempts to notify a response unit, by channel (each is retried)', labelNames: ['channel'], registers: [opts.metrics] });
      this.sent = new Counter({ name: 'citybrain_unit_notify_sent_total', help: 'Task notices delivered to response units, by channel', labelNames: ['channel'], registers: [opts.metrics] });
    }
  }

  notify(unit: Resource, event: TaskEventName, task: Task): void {
    const lang = this.opts.lang ?? 'en';
    const view = titleInLang(taskView(task, this.opts.names), lang);
    const json = JSON.stringify({ event, task: task.unitNames ? { ...view, unitName: task.unitNames[lang] } : view });
    void this.send(unit, { event, json, topic: taskTopic(task), sms: smsText(event, task, lang), ref: { taskId: task.id } });
  }

  notifyDesk(desk: Resource, notice: DeskNotice): Promise<ChannelOutcome[]> {
    return this.send(desk, { event: notice.event, json: JSON.stringify(notice), topic: deskTopic(desk), sms: deskSmsText(notice), ref: { alertId: notice.alert.id } });
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private send(r: Resource, msg: Message): Promise<ChannelOutcome[]> {
    return Promise.all(r.channels.map((c) => {
      const run = this.deliver(r, c, msg);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
      return run;
    }));
  }

  private async deliver(r: Resource, c: Channel, msg: Message): Promise<ChannelOutcome> {
    const delays = this.opts.retryMs ?? [1_000, 5_000, 30_000, 120_000];
    const id = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.once(c, msg, id);
        this.sent?.inc({ channel: c.type });
        return { channel: c.type, ok: true, attempts: attempt + 1 };
      } catch (cause) {
        const err = cause instanceof AppError && cause.code === 'UNIT_NOTIFY_FAILED' ? cause : new AppError('UNIT_NOTIFY_FAILED', { message: `${c.type}: ${(cause as Error).message}`, cause });
        this.failed?.inc({ channel: c.type });
        const last = attempt >= delays.length;
        this.opts.log[last ? 'error' : 'warn']({ code: err.code, err: err.message, resourceId: r.id, kind: r.kind, ...msg.ref, channel: c.type, attempt: attempt + 1 }, last ? 'notification failed: giving up' : 'notification failed: will retry');
        if (last) return { channel: c.type, ok: false, attempts: attempt + 1, error: err.message };
        await new Promise((res) => setTimeout(res, delays[attempt]).unref());
      }
    }
  }

  private async once(c: Channel, msg: Message, deliveryId: string): Promise<void> {
    switch (c.type) {
      case 'webhook': return this.webhook(c, msg, deliveryId);
      case 'mqtt': {
        const pub = this.opts.publisher?.();
        if (!pub) throw new AppError('UNIT_NOTIFY_FAILED', { message: 'mqtt: the broker is not listening yet' });
        return pub.publishPlatform(msg.topic, msg.json);
      }
      case 'sms': return this.opts.sms.send(c.phone, msg.sms);
    }
  }

  private async webhook(c: Extract<Channel, { type: 'webhook' }>, msg: Message, deliveryId: string): Promise<void> {
    const ts = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json', [EVENT_HEADER]: msg.event, [DELIVERY_HEADER]: deliveryId, [TIMESTAMP_HEADER]: String(ts) };
    if (c.secret) headers[SIGNATURE_HEADER] = signPayload(this.opts.openSecret(c.secret), ts, msg.json);
    const res = await fetch(c.url, { method: 'POST', headers, body: msg.json, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    await res.body?.cancel();
    if (!res.ok) throw new AppError('UNIT_NOTIFY_FAILED', { message: `webhook answered ${res.status}`, details: { status: res.status } });
  }
}

/** One short line a phone shows whole: what, where, by when. */
export function smsText(event: TaskEventName, t: Task, lang: Lang = 'en'): string {
  const by = new Date(t.acceptBy + 8 * 3_600_000).toISOString().slice(11, 16);
  return `[citybrain] ${event === 'task.created' ? 'New task' : 'Task changed'} (${t.alert.level}): ${t.titles?.[lang] ?? t.title} at geo:${t.location.lat},${t.location.lon}. Accept by ${by} (UTC+8). Task ${t.id.slice(0, 8)}`;
}
