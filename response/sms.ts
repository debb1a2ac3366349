/**
 * The SMS / phone gateway port: a text to a phone number. The HTTP adapter posts to a configurable
 * gateway URL (JSON `{to, text}`, optional bearer token); the embedded adapter only logs and records, for
 * a platform without a gateway and for tests.
 */
import { AppError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';

export interface SmsGateway {
  /** Sends one text. @throws AppError SMS_GATEWAY_FAILED when the gateway refuses or does not answer. */
  send(to: string, text: string): Promise<void>;
}

export interface SentSms {
  to: string;
  text: string;
  at: number;
}

/** Logs and records each text (the last 1,000); nothing leaves the process. */
export class EmbeddedSmsGateway implements SmsGateway {
  readonly sent: SentSms[] = [];

  constructor(private readonly log?: Logger) {}

  send(to: string, text: string): Promise<void> {
    this.sent.push({ to, text, at: Date.now() });
    if (this.sent.length > 1000) this.sent.shift();
    this.log?.info({ to, text }, 'sms (embedded gateway: not sent)');
    return Promise.resolve();
  }
}

/** Posts `{to, text}` to the gateway; any answer but 2xx, or no answer within the timeout, is a failure. */
export class HttpSmsGateway implements SmsGateway {
  constructor(private readonly opts: { url: string; token?: string; timeoutMs?: number }) {}

  async send(to: string, text: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}) },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new AppError('SMS_GATEWAY_FAILED', { message: `SMS gateway did not answer: ${(cause as Error).message}`, cause });
    }
    await res.body?.cancel();
    if (!res.ok) throw new AppError('SMS_GATEWAY_FAILED', { message: `SMS gateway answered ${res.status}`, details: { status: res.status } });
  }
}
