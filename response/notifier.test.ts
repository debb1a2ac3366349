import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../kernel/logger.js';
import { verifySignature } from '../rules-engine/notify/index.js';
import { ChannelNotifier, smsText, taskTopic } from './notifier.js';
import { EmbeddedSmsGateway, HttpSmsGateway } from './sms.js';
import { task, unit } from './testing.js';

const names = () => ({ zh: '市南区', en: 'Shinan' });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A receiver that answers `statuses` in turn (then 204) and records bodies and headers. */
async function receiver(statuses: number[]) {
  const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, got };
}

describe('unit notifications', () => {
  it('signs webhooks like alert webhooks, retries failures, counts them, and publishes MQTT and SMS', async () => {
    const hook = await receiver([503]);
    const metrics = new Registry();
    const sms = new EmbeddedSmsGateway();
    const published: { topic: string; payload: string }[] = [];
    const n = new ChannelNotifier({
      log: silentLogger(), metrics, sms, names, openSecret: (s) => s.replace('sealed:', ''), retryMs: [10, 10],
      publisher: () => ({ publishPlatform: async (topic, payload) => void published.push({ topic, payload }) }),
    });
    const u = unit('u1', { channels: [{ type: 'webhook', url: hook.url, secret: 'sealed:whsec_k' }, { type: 'mqtt' }, { type: 'sms', phone: '+86 1' }] });
    n.notify(u, 'task.created', task('t1'));
    await n.idle();
    expect(hook.got).toHaveLength(2);
    const last = hook.got[1]!;
    expect(verifySignature('whsec_k', { signature: last.headers['x-citybrain-signature'] as string, timestamp: last.headers['x-citybrain-timestamp'] as string }, last.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(last.body)).toMatchObject({ event: 'task.created', task: { id: 't1', districtName: { en: 'Shinan' }, acceptBy: expect.stringMatching(/Z$/) } });
    expect(published).toEqual([{ topic: 'platform/tasks/370202/u1', payload: expect.stringContaining('"task.created"') }]);
    expect(sms.sent.map((s) => s.to)).toEqual(['+86 1']);
    expect(await metrics.getSingleMetricAsString('citybrain_unit_notify_failed_total')).toMatch(/channel="webhook"} 1/);
    expect(await metrics.getSingleMetricAsString('citybrain_unit_notify_sent_total')).toMatch(/channel="webhook"} 1/);
  });

  it('gives up after the last retry and counts every failed attempt; MQTT before the broker listens is a failure too', async () => {
    const hook = await receiver([500, 500, 500]);
    const metrics = new Registry();
    const n = new ChannelNotifier({ log: silentLogger(), metrics, sms: new EmbeddedSmsGateway(), names, openSecret: (s) => s, retryMs: [5, 5] });
    n.notify(unit('u1', { channels: [{ type: 'webhook', url: hook.url }, { type: 'mqtt' }] }), 'task.updated', task('t1'));
    await n.idle();
    expect(hook.got).toHaveLength(3);
    expect(await metrics.getSingleMetricAsString('citybrain_unit_notify_failed_total')).toMatch(/channel="webhook"} 3[\s\S]*channel="mqtt"} 3|channel="mqtt"} 3[\s\S]*channel="webhook"} 3/);
  });

  it('the SMS gateway adapter posts {to, text} and names a refusal', async () => {
    const gw = await receiver([204, 500]);
    const http = new HttpSmsGateway({ url: gw.url, token: 'tok' });
    await http.send('+86 2', 'hello');
    expect(JSON.parse(gw.got[0]!.body)).toEqual({ to: '+86 2', text: 'hello' });
    expect(gw.got[0]!.headers.authorization).toBe('Bearer tok');
    await expect(http.send('+86 2', 'again')).rejects.toMatchObject({ code: 'SMS_GATEWAY_FAILED' });
    expect(taskTopic({ district: null, unitId: 'u' })).toBe('platform/tasks/none/u');
    expect(smsText('task.created', task('t1'))).toMatch(/^\[citybrain\] New task \(I\): Find and stop the leak at geo:36\.07,120\.38\. Accept by \d\d:\d\d/);
  });
});
