/**
 * Test support for notifications: a real SSE reader (fetch + stream reader), a real webhook receiver
 * (node:http on port 0) that checks signatures, and AlertNotice values. No servers are mocked.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertNotice, SeverityName } from '../../kernel/events.js';
import { verifySignature } from './signing.js';

let counter = 0;

export function alertNotice(over: { severity?: SeverityName; district?: string | null; action?: string; id?: string; message?: string } = {}): AlertNotice {
  counter++;
  return {
    alert: {
      id: over.id ?? `gas-high|dev-${counter}|1000`,
      ruleId: 'gas-high',
      subject: `dev-${counter}`,
      status: 'open',
      severity: over.severity ?? 'orange',
      message: over.message ?? 'CH4 above 25 %LEL',
      labels: { district: over.district === undefined ? '370202' : over.district, deviceId: `dev-${counter}` },
    },
    action: over.action ?? 'opened',
    at: 1_700_000_000_000 + counter,
  };
}

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Parses one SSE block (WHATWG HTML §9.2.6); comments are kept so tests can see heartbeats. */
function parseBlock(block: string): SseFrame {
  const f: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) f.comment = line.slice(1).trim();
    const m = /^(id|event|data): ?(.*)$/.exec(line);
    if (m?.[1] === 'id') f.id = m[2];
    else if (m?.[1] === 'event') f.event = m[2];
    else if (m?.[1] === 'data') f.data = f.data === undefined ? m[2] : `${f.data}\n${m[2]}`;
  }
  return f;
}

/** A streaming client reading frames as they arrive; `next` awaits the next frame matching `pred`. */
export class SseReader {
  readonly frames: SseFrame[] = [];
  private waiters: { pred: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void; from: number }[] = [];
  private readonly abort = new AbortController();
  status = 0;
  ended = false;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const r = new SseReader();
    const res = await fetch(url, { headers, signal: r.abort.signal });
    r.status = res.status;
    if (!res.ok || !res.body) {
      r.ended = true;
      return r;
    }
    void r.read(res.body.getReader());
    return r;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          this.push(parseBlock(buf.slice(0, at)));
          buf = buf.slice(at + 2);
        }
      }
    } catch {
      // aborted or reset: `ended` tells the test
    }
    this.ended = true;
  }

  private push(f: SseFrame): void {
    this.frames.push(f);
    const idx = this.frames.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (idx < w.from || !w.pred(f)) return true;
      w.resolve(f);
      return false;
    });
  }

  /** The next frame (after those already seen when called) that matches. */
  next(pred: (f: SseFrame) => boolean = (f) => f.event !== undefined): Promise<SseFrame> {
    return new Promise((resolve) => this.waiters.push({ pred, resolve, from: this.frames.length }));
  }

  /** The first frame received so far or later that matches (frames replayed on connect included). */
  find(pred: (f: SseFrame) => boolean): Promise<SseFrame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve, from: 0 }));
  }

  events(type?: string): SseFrame[] {
    return this.frames.filter((f) => f.event !== undefined && (type === undefined || f.event === type));
  }

  close(): void {
    this.abort.abort();
  }
}

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  signatureOk: boolean;
}

export interface Answer {
  status: number;
  /** Answer only after this long (a slow receiver, for timeouts). */
  delayMs?: number;
  headers?: Record<string, string>;
}

/** A real HTTP receiver; `answer(n)` decides how the n-th request (0-based) is answered. */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  secret = '';
  answer: (n: number) => Answer = () => ({ status: 204 });
  private readonly server: Server;
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const n = this.received.length;
        const signatureOk = verifySignature(
          this.secret,
          { signature: req.headers['x-citybrain-signature'] as string | undefined, timestamp: req.headers['x-citybrain-timestamp'] as string | undefined },
          body,
          Math.floor(Date.now() / 1000),
        );
        this.received.push({ headers: req.headers, body, at: Date.now(), signatureOk });
        const a = this.answer(n);
        const reply = (): void => {
          if (res.destroyed) return;
          res.writeHead(a.status, a.headers).end();
        };
        if (a.delayMs) setTimeout(reply, a.delayMs).unref();
        else reply();
        this.waiters = this.waiters.filter((w) => (this.received.length >= w.n ? (w.resolve(), false) : true));
      });
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once `n` requests in all have arrived. */
  count(n: number): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
