/**
 * `citybrain sim watch`: the live conformance watch (issue #6 part 3). Follows `/api/v1/stream?types=
 * violation,presence` and prints every contract violation a device (or every device of a kind) makes, one
 * line each — time, device, code, path, message — plus its connects and disconnects, until stopped.
 */
import { PlatformApi, type SseFrame } from './platform-api.js';

export interface WatchOptions {
  httpUrl: string;
  token: string;
  /** Only this device. */
  device?: string;
  /** Only devices of this kind (looked up once per device through `GET /api/v1/devices/{id}`). */
  kind?: string;
  out: (line: string) => void;
  /** Aborting it ends the watch (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  /** Called once the stream is open (tests publish after it). */
  onOpen?: () => void;
}

interface ViolationData { deviceId: string; code: string; message: string; at: number; path?: string; topic?: string }
interface PresenceData { deviceId: string; online: boolean; at: number; reason: string }

const time = (at: number) => new Date(at).toISOString();

/** One printed line for a violation frame. */
export function formatViolation(v: ViolationData): string {
  return `${time(v.at)}  ${v.deviceId}  ${v.code}  ${v.path ?? '-'}  ${v.message}`;
}

/** Resolves `'stopped'` when the signal aborts, `'ended'` when the platform closes the stream. */
export async function watchViolations(o: WatchOptions): Promise<'stopped' | 'ended'> {
  const api = new PlatformApi(o.httpUrl, o.token);
  const kinds = new Map<string, Promise<string | undefined>>();
  const kindOf = (id: string) => {
    let k = kinds.get(id);
    if (!k) kinds.set(id, (k = api.device(id).then((d) => d.kind, () => undefined)));
    return k;
  };
  // Lines stay in stream order even while a kind lookup is pending.
  let chain = Promise.resolve();
  const onFrame = (f: SseFrame) => {
    if (f.event !== 'violation' && f.event !== 'presence') return;
    const data = JSON.parse(f.data) as ViolationData & PresenceData;
    if (o.device !== undefined && data.deviceId !== o.device) return;
    chain = chain.then(async () => {
      if (o.kind !== undefined && (await kindOf(data.deviceId)) !== o.kind) return;
      o.out(f.event === 'violation' ? formatViolation(data) : `${time(data.at)}  ${data.deviceId}  ${data.online ? 'ONLINE' : 'OFFLINE'}  (${data.reason})`);
    });
  };
  const stream = await api.openStream(['violation', 'presence'], onFrame);
  const scope = o.device ? `device ${o.device}` : o.kind ? `every ${o.kind} device` : 'every device';
  o.out(`watching ${scope} on ${o.httpUrl}/api/v1/stream (time, device, code, path, message); Ctrl-C stops`);
  o.onOpen?.();
  const stopped = new Promise<'stopped'>((resolve) => {
    if (o.signal?.aborted) resolve('stopped');
    o.signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  const why = await Promise.race([stopped, stream.ended.then(() => 'ended' as const)]);
  stream.close();
  await chain;
  return why;
}
