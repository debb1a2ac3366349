/**
 * The load generator of bench:ingest: QoS 1 publishers (one connection per device; bench/mqtt-load-client.ts
 * by default, mqtt.js on request), a closed-loop saturation phase and an open-loop fixed-rate phase. The
 * same generator drives every system compared.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LoadClient } from './mqtt-load-client.js';
import { summarize } from './lib.js';

export interface Device {
  id: string;
  password: string;
}

export interface PhaseResult {
  sent: number;
  acked: number;
  /** Published but not sent: the system was this far behind (fixed-rate phase only). */
  skipped: number;
  seconds: number;
  /** Acknowledged per second. */
  perSecond: number;
  /** publish → PUBACK, ms. */
  p50: number;
  p99: number;
  max: number;
  /** performance.now() of each publish, in publish order (for "published → present" latency). */
  publishedAt: Float64Array;
  /** The generator's own CPU (this process, user + system) during the phase, µs. */
  cpuMicros: number;
  /** The generator's event-loop delay during the phase, p99, ms. */
  lagP99: number;
}

/** What the phases need of a device's connection, whichever client library carries it. */
export interface Publisher {
  /** A QoS 1 PUBLISH; `cb` runs on its PUBACK, or with an Error if it failed. */
  publish(topic: string, payload: string, cb: (err?: Error) => void): void;
  close(): Promise<void>;
}

/**
 * The client the generator uses: `lean` (bench/mqtt-load-client.ts, the default: the same bytes and writes
 * for a fraction of the CPU) or `mqtt.js` (what the bench used before; kept to compare).
 */
export type ClientKind = 'lean' | 'mqtt.js';

function mqttJs(url: string, d: Device | null, clientId: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId,
      ...(d ? { username: d.id, password: d.password } : {}),
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    });
    c.once('connect', () => {
      // A reset later fails the publishes in flight (counted as not acknowledged) instead of the process.
      c.on('error', () => {});
      resolve(c);
    });
    c.once('error', reject);
  });
}

/** The lean client connected to `url` as `clientId` (with the device's credentials when given). */
function lean(url: string, d: Device | null, clientId: string): Promise<LoadClient> {
  const u = new URL(url);
  return LoadClient.connect({ host: u.hostname, port: Number(u.port), clientId, ...(d ? { username: d.id, password: d.password } : {}) });
}

/** Ends an mqtt.js client after what it has in flight. */
const endOf = (c: MqttClient) => (): Promise<void> => new Promise<void>((r) => c.end(false, {}, () => r()));

export async function connect(url: string, d: Device | null, clientId: string, kind: ClientKind): Promise<Publisher> {
  if (kind === 'lean') return lean(url, d, clientId);
  const c = await mqttJs(url, d, clientId);
  return { publish: (topic, payload, cb) => void c.publish(topic, payload, { qos: 1 }, (err) => cb(err ?? undefined)), close: endOf(c) };
}

/** A QoS 1 subscriber to `filter`; `onMessage` is called per message delivered. */
export async function subscribe(url: string, clientId: string, filter: string, kind: ClientKind, onMessage: () => void): Promise<{ close(): Promise<void> }> {
  if (kind === 'lean') {
    const c = await lean(url, null, clientId);
    await c.subscribe(filter, onMessage);
    return c;
  }
  const c = await mqttJs(url, null, clientId);
  c.on('message', onMessage);
  await c.subscribeAsync(filter, { qos: 1 });
  return { close: endOf(c) };
}

export async function connectAll(url: string, devices: Device[], auth: boolean, kind: ClientKind): Promise<Publisher[]> {
  const clients: Publisher[] = [];
  for (let i = 0; i < devices.length; i += 50) {
    clients.push(...(await Promise.all(devices.slice(i, i + 50).map((d) => connect(url, auth ? d : null, d.id, kind)))));
  }
  return clients;
}

export async function closeAll(clients: Array<{ close(): Promise<void> }>): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

export interface Payloads {
  next(i: number): string;
}

/**
 * Per-device payloads with unique timestamps (1 ms apart from `base`) so no reading overwrites another:
 * each phase gets its own `base`, and the stored count of a phase is a time-range query.
 */
export function makePayloads(n: number, base: number): Payloads {
  const seq = new Array<number>(n).fill(0);
  return {
    next(i) {
      const s = seq[i]!++;
      return `{"ts":${base + s},"seq":${s},"metrics":{"pressure_mpa":${(0.3 + (s % 50) / 1000).toFixed(3)},"flow_m3h":${100 + (s % 17)}}}`;
    },
  };
}

class Recorder {
  sent = 0;
  acked = 0;
  failed = 0;
  skipped = 0;
  readonly lat: number[] = [];
  private stamps = new Float64Array(1 << 16);
  private readonly cpu0 = process.cpuUsage();
  private readonly lag = monitorEventLoopDelay({ resolution: 10 });
  constructor() {
    this.lag.enable();
  }
  stamp(t: number): void {
    if (this.sent >= this.stamps.length) {
      const bigger = new Float64Array(this.stamps.length * 2);
      bigger.set(this.stamps);
      this.stamps = bigger;
    }
    this.stamps[this.sent++] = t;
  }
  result(t0: number): PhaseResult {
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(this.cpu0);
    this.lag.disable();
    return {
      sent: this.sent,
      acked: this.acked,
      skipped: this.skipped,
      seconds,
      perSecond: this.acked / seconds,
      ...summarize(this.lat),
      publishedAt: this.stamps.slice(0, this.sent),
      cpuMicros: cpu.user + cpu.system,
      lagP99: this.lag.percentile(99) / 1e6,
    };
  }
}

/** Closed loop: each client keeps `window` QoS 1 publishes unacknowledged for `seconds`. */
export async function saturate(clients: Publisher[], topicOf: (i: number) => string, payloads: Payloads, seconds: number, window: number): Promise<PhaseResult> {
  const rec = new Recorder();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    clients.map(
      (c, i) =>
        new Promise<void>((resolve) => {
          let inflight = 0;
          const pump = (): void => {
            while (inflight < window && performance.now() < end) {
              inflight++;
              const ts = performance.now();
              rec.stamp(ts);
              c.publish(topicOf(i), payloads.next(i), (err) => {
                inflight--;
                if (!err) {
                  rec.acked++;
                  rec.lat.push(performance.now() - ts);
                }
                if (performance.now() < end) pump();
                else if (inflight === 0) resolve();
              });
            }
            if (inflight === 0 && performance.now() >= end) resolve();
          };
          pump();
        }),
    ),
  );
  return rec.result(t0);
}

/** Open loop: `rate` publishes per second, round-robin over the clients, in 10 ms ticks. */
export async function fixedRate(clients: Publisher[], topicOf: (i: number) => string, payloads: Payloads, seconds: number, rate: number): Promise<PhaseResult> {
  const rec = new Recorder();
  const inflight = new Array<number>(clients.length).fill(0);
  let rr = 0;
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (rec.sent + rec.skipped < due) {
        const i = rr++ % clients.length;
        if (inflight[i]! > 2000) {
          rec.skipped++; // the system is this far behind: counted rather than queued without bound
          continue;
        }
        inflight[i]!++;
        const ts = performance.now();
        rec.stamp(ts);
        clients[i]!.publish(topicOf(i), payloads.next(i), (err) => {
          inflight[i]!--;
          if (err) rec.failed++;
          else {
            rec.acked++;
            rec.lat.push(performance.now() - ts);
          }
          if (rec.sent + rec.skipped >= total && rec.acked + rec.failed + rec.skipped >= total) resolve();
        });
      }
      if (rec.sent + rec.skipped < total) setTimeout(tick, 10);
    };
    tick();
  });
  return rec.result(t0);
}
