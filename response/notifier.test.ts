import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/logger.js';
import { WebhookReceiver } from '../rules-engine/notify/testing.js';
import { ChannelNotifier, smsText, taskTopic } from './notifier.js';
import { EmbeddedSmsGateway } from './sms.js';
import { task, unit } from './testing.js';

const names = () => ({ zh: '市南区', en: 'Shinan' });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A real receiver that answers `statuses` in turn (then 204). */
async function receiver(statuses: number[]): Promise<{ url: string; hook: WebhookReceiver }> {
  const hook = new WebhookReceiver();
  hook.answer = (n) => ({ status: statuses[n] ?? 204 });
  const url = await hook.listen();
  closers.push(() => hook.close());
  return { url, hook };
}

describe('unit notifications', () => {
  it('signs webhooks like alert webhooks, retries failures, counts them, and publishes MQTT and SMS', async () => {
    const { url, hook } = await receiver([503]);
    hook.secret = 'whsec_k';
    const metrics = new Registry();
    const sms = new EmbeddedSmsGateway();
    const published: { topic: string; payload: string }[] = [];
    const n = new ChannelNotifier({
      log: silentLogger(), metrics, sms, names, openSecret: (s) => s.replace('sealed:', ''), retryMs: [10, 10],
      publisher: () => ({ publishPlatform: async (topic, payload) => void published.push({ topic, payload }) }),
    });
    const u = unit('u1', { channels: [{ type: 'webhook', url, secret: 'sealed:whsec_k' }, { type: 'mqtt' }, { type: 'sms', phone: '+86 1' }] });
    n.notify(u, 'task.created', task('t1'));
    await n.idle();
    expect(hook.received).toHaveLength(2);
    const last = hook.received[1]!;
    expect(last.signatureOk).toBe(true);
    expect(JSON.parse(last.body)).toMatchObject({ event: 'task.created', task: { id: 't1', districtName: { en: 'Shinan' }, acceptBy: expect.stringMatching(/Z$/) } });
    expect(published).toEqual([{ topic: 'platform/tasks/370202/u1', payload: expect.stringContaining('"task.created"') }]);
    expect(sms.sent.map((s) => s.to)).toEqual(['+86 1']);
    expect(await metrics.getSingleMetricAsString('citybrain_unit_notify_failed_total')).toMatch(/channel="webhook"} 1/);
    expect(await metrics.getSingleMetricAsString('citybrain_unit_notify_sent_total')).toMatch(/channel="webhook"} 1/);
  });

  it('gives up after the last retry and counts every failed attempt; MQTT before the broker listens is a failure too', async () => {
    const { url, hook } = await receiver([500, 500, 500]);
    const metrics = new Registry();
    const n = new ChannelNotifier({ log: silentLogger(), metrics, sms: new EmbeddedSmsGateway(), names, openSecret: (s) => s, retryMs: [5, 5] });
    n.notify(unit('u1', { channels: [{ type: 'webhook', url }, { type: 'mqtt' }] }), 'task.updated', task('t1'));
    await n.idle();
    expect(hook.received).toHaveLength(3);
    expect(await metrics.getSingleMetricAsString('citybrain_unit_notify_failed_total')).toMatch(/channel="webhook"} 3[\s\S]*channel="mqtt"} 3|channel="mqtt"} 3[\s\S]*channel="webhook"} 3/);
  });

  it("gives the unit's name in the operator's language (CITYBRAIN_LANG), both beside it", async () => {
    const published: { topic: string; payload: string }[] = [];
    const n = new ChannelNotifier({
      log: silentLogger(), sms: new EmbeddedSmsGateway(), names, openSecret: (s) => s, lang: 'zh-CN',
      publisher: () => ({ publishPlatform: async (topic, payload) => void published.push({ topic, payload }) }),
    });
    const unitNames = { en: 'Unit u1', 'zh-CN': '一号抢修队' };
    n.notify(unit('u1', { channels: [{ type: 'mqtt' }] }), 'task.created', task('t1', { unitNames }));
    n.notify(unit('u1', { channels: [{ type: 'mqtt' }] }), 'task.created', task('t2'));
    await n.idle();
    const [zh, old] = published.map((x) => (JSON.parse(x.payload) as { task: { unitName: string; unitNames?: unknown } }).task);
    expect(zh).toMatchObject({ unitName: '一号抢修队', unitNames });
    expect(old).toMatchObject({ unitName: 'Unit u1' });
  });

  it('names the MQTT topic and writes one SMS line', () => {
    expect(taskTopic({ district: null, unitId: 'u' })).toBe('platform/tasks/none/u');
    expect(smsText('task.created', task('t1'))).toMatch(/^\[citybrain\] New task \(I\): Find and stop the leak at geo:36\.07,120\.38\. Accept by \d\d:\d\d/);
  });
});
