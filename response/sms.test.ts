/** Both SmsGateway adapters through the one conformance suite; the HTTP one against a real local HTTP server, its refusals too. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../rules-engine/notify/testing.js';
import { describeSmsGateway } from './sms.conformance.js';
import { EmbeddedSmsGateway, HttpSmsGateway } from './sms.js';

describeSmsGateway('embedded (log and record)', () => {
  const gateway = new EmbeddedSmsGateway();
  return Promise.resolve({ gateway, received: () => gateway.sent.map(({ to, text }) => ({ to, text })), close: () => Promise.resolve() });
});

describeSmsGateway('HTTP against a local gateway', async () => {
  const gw = new WebhookReceiver();
  const url = await gw.listen();
  return {
    gateway: new HttpSmsGateway({ url, token: 'tok' }),
    received: () => gw.received.map((r) => JSON.parse(r.body) as { to: string; text: string }),
    close: () => gw.close(),
  };
});

describe('HTTP SMS gateway refusals', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('posts JSON {to, text} with the bearer token; a refusal is SMS_GATEWAY_FAILED with the status', async () => {
    const gw = new WebhookReceiver();
    gw.answer = (n) => ({ status: n === 0 ? 204 : 503 });
    const url = await gw.listen();
    closers.push(() => gw.close());
    const http = new HttpSmsGateway({ url, token: 'tok' });
    await http.send('+86 2', 'hello');
    expect(gw.received[0]!.headers.authorization).toBe('Bearer tok');
    expect(gw.received[0]!.headers['content-type']).toBe('application/json');
    await expect(http.send('+86 2', 'again')).rejects.toMatchObject({ code: 'SMS_GATEWAY_FAILED', details: { status: 503 } });
  });

  it('a gateway that is not there, or does not answer in time, is SMS_GATEWAY_FAILED', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => { silent.closeAllConnections(); silent.close(() => r()); }));
    const port = (silent.address() as AddressInfo).port;
    await expect(new HttpSmsGateway({ url: `http://127.0.0.1:${port}/sms`, timeoutMs: 200 }).send('+86 3', 'x')).rejects.toMatchObject({ code: 'SMS_GATEWAY_FAILED', message: expect.stringMatching(/did not answer/) });
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const freed = (gone.address() as AddressInfo).port;
    await new Promise((r) => gone.close(r));
    await expect(new HttpSmsGateway({ url: `http://127.0.0.1:${freed}/sms` }).send('+86 3', 'x')).rejects.toMatchObject({ code: 'SMS_GATEWAY_FAILED' });
  });
});
