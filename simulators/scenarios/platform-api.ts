/**
 * What the scenarios and the watch need from a running platform, over its public API only
 * (docs/http-api.md): provisioning, alerts, incidents, the device view, and the SSE stream.
 */
import type { ScenarioDevice } from './types.js';
import type { SeenAlert, SeenIncident } from './verify.js';
import { fetchPlatform } from '../platform-env.js';

export class PlatformApi {
  constructor(readonly httpUrl: string, private readonly token: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetchPlatform(new URL(path, this.httpUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** `POST /api/v1/devices`; returns the device's MQTT password (shown once). */
  async provision(d: ScenarioDevice): Promise<string> {
    const body = { id: d.id, kind: d.kind, location: { lon: d.lon, lat: d.lat }, name: d.name, tags: d.tags, ...(d.asset === undefined ? {} : { asset: d.asset }) };
    const r = await this.call<{ credentials: { password: string } }>('POST', '/api/v1/devices', body);
    return r.credentials.password;
  }

  /** Every alert of one device (newest first). */
  async alertsOf(deviceId: string): Promise<SeenAlert[]> {
    return (await this.call<{ items: SeenAlert[] }>('GET', `/api/v1/alerts?deviceId=${encodeURIComponent(deviceId)}&limit=1000`)).items;
  }

  /** Alerts seen since `from` (epoch ms): correlation alerts carry no device id, only members. */
  async alertsSince(from: number): Promise<SeenAlert[]> {
    return (await this.call<{ items: SeenAlert[] }>('GET', `/api/v1/alerts?from=${from}&limit=1000`)).items;
  }

  async incidents(): Promise<SeenIncident[]> {
    return (await this.call<{ items: SeenIncident[] }>('GET', '/api/v1/incidents')).items;
  }

  async device(id: string): Promise<{ id: string; kind: string; online: boolean }> {
    return this.call('GET', `/api/v1/devices/${encodeURIComponent(id)}`);
  }

  /** Opens `GET /api/v1/stream?types=…`; resolves once the server has answered 200. */
  openStream(types: readonly string[], onFrame: (f: SseFrame) => void): Promise<EventStream> {
    return EventStream.open(new URL(`/api/v1/stream?types=${types.join(',')}`, this.httpUrl).toString(), this.token, onFrame);
  }
}

export interface SseFrame {
  event: string;
  data: string;
  id?: string;
}

/** One SSE block (`event:`, `data:` lines; comments ignored) — the text/event-stream format. */
export function parseSseBlock(block: string): SseFrame | undefined {
  let event = 'message';
  const data: string[] = [];
  let id: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0) return undefined;
  return { event, data: data.join('\n'), ...(id === undefined ? {} : { id }) };
}

/** A live SSE connection; `ended` settles when the server closes it or `close()` is called. */
export class EventStream {
  private readonly abort = new AbortController();
  ended: Promise<void> = Promise.resolve();

  static async open(url: string, token: string, onFrame: (f: SseFrame) => void): Promise<EventStream> {
    const s = new EventStream();
    const res = await fetchPlatform(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: s.abort.signal });
    if (!res.ok || !res.body) throw new Error(`GET ${new URL(url).pathname} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    s.ended = s.read(res.body.getReader(), onFrame);
    return s;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>, onFrame: (f: SseFrame) => void): Promise<void> {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true }).replace(/\r\n/g, '\n');
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const f = parseSseBlock(buf.slice(0, at));
          buf = buf.slice(at + 2);
          if (f) onFrame(f);
        }
      }
    } catch {
      // Aborted by close(), or the connection dropped: either way the stream has ended.
    }
  }

  close(): void {
    this.abort.abort();
  }
}
