/**
 * One simulated device on one MQTT connection (mqtt.js), as a firmware author would write it
 * (docs/contracts.md): username = client id = device id; a retained `{"online": true, "fw"}` status on
 * every connect and a retained `{"online": false}` will; telemetry at the kind's interval (fast mode in
 * rain for drainage), jittered so a fleet does not publish in lockstep; QoS 1 by default, with mqtt.js
 * keeping unacknowledged messages and resending them after a reconnect; commands answered on `.../reply`.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { topics, type DeviceKind } from '../firmware-contracts/index.js';
import { answerCommand } from './commands.js';
import type { Environment } from './environment.js';
import { reportingIntervalMs, sampleMetrics, type Metrics } from './signals.js';

/** Counters a fleet shares between its devices (plain numbers: cheap at 20k readings/s). */
export interface DeviceCounters {
  /** Connections open now. */
  connected: number;
  /** Successful CONNACKs, reconnects included. */
  connects: number;
  /** Telemetry messages handed to the client. */
  sent: number;
  /** QoS 1: PUBACKs received; QoS 0: messages written. */
  acked: number;
  /** Connection errors, refused connections and failed publishes. */
  errors: number;
  /** Commands received and answered. */
  commands: number;
  /** Readings not sent because the device already had its most unacknowledged ones (platform behind). */
  dropped: number;
  /** Error count by message (`connack timeout`, `Connection refused: Not authorized`, ...). */
  errorKinds: Record<string, number>;
}

export const newCounters = (): DeviceCounters => ({ connected: 0, connects: 0, sent: 0, acked: 0, errors: 0, commands: 0, dropped: 0, errorKinds: {} });

/** Counts an error under a short, id-free message (so kinds aggregate across devices). */
export function countError(c: DeviceCounters, message: string): void {
  c.errors++;
  const kind = message.replace(/\b\d+\.\d+\.\d+\.\d+:\d+\b/g, 'HOST').slice(0, 80);
  c.errorKinds[kind] = (c.errorKinds[kind] ?? 0) + 1;
}

export interface SimDeviceOptions {
  mqttUrl: string;
  id: string;
  password: string;
  kind: DeviceKind;
  /** Seed of this device's signal model. */
  seed: number;
  /** Shared environment (cached by the fleet: one computation per second for everyone). */
  environment: (t: number) => Environment;
  /** Reporting intervals are the contract's divided by this (default 1). */
  speedup?: number;
  /** A fixed interval (ms) instead of the contract's; `set_interval` replaces it. */
  intervalMs?: number;
  qos?: 0 | 1;
  fw?: string;
  /** Metric values sent instead of the model's (the virtual device's `--set`). */
  overrides?: Metrics;
  counters: DeviceCounters;
  /** Every message in and out, for the virtual device's console. */
  trace?: (dir: 'in' | 'out', topic: string, payload: string) => void;
  /** Reporting starts when this settles (a fleet's quiet ramp); default at the first connect. */
  reportGate?: Promise<unknown>;
  /** mqtt.js options on top of ours (tests). */
  client?: IClientOptions;
  now?: () => number;
}

/**
 * Readings a device keeps unacknowledged (in flight, or queued by mqtt.js while offline) before it drops new
 * ones: a real device has a bounded buffer, and a simulator that queued without limit would measure its
 * own memory instead of the platform.
 */
const MAX_UNACKED = 100;

export class SimDevice {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private unacked = 0;
  private reporting = false;
  private stopped = false;
  private fixedIntervalMs: number | undefined;
  private readonly now: () => number;
  private readonly status: string;
  /** The last connection or publish error, for people (`Not authorized`, `connect ECONNREFUSED ...`). */
  lastError: string | undefined;

  constructor(private readonly o: SimDeviceOptions) {
    this.fixedIntervalMs = o.intervalMs;
    this.now = o.now ?? Date.now;
    this.status = JSON.stringify({ online: true, fw: o.fw ?? 'sim-1.0.0' });
  }

  get id(): string {
    return this.o.id;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects; resolves at the first CONNACK or the first failure (mqtt.js keeps retrying after either). */
  start(): Promise<boolean> {
    const { o } = this;
    const statusTopic = topics.status(o.id);
    const c = mqtt.connect(o.mqttUrl, {
      clientId: o.id,
      username: o.id,
      password: o.password,
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      // Spread reconnects so a platform restart is not met by every device in the same instant.
      reconnectPeriod: 2_000 + Math.floor(Math.random() * 3_000),
      connectTimeout: 30_000,
      will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
      ...o.client,
    });
    this.client = c;
    let up = false;
    c.on('connect', () => {
      up = true;
      o.counters.connected++;
      o.counters.connects++;
      this.publish(statusTopic, this.status, true);
      if (!this.reporting) {
        this.reporting = true;
        void (o.reportGate ?? Promise.resolve()).then(() => this.schedule(true));
      }
    });
    c.on('close', () => {
      if (up) o.counters.connected--;
      up = false;
    });
    c.on('error', (err) => {
      countError(o.counters, err.message);
      this.lastError = err.message;
    });
    c.on('message', (topic, payload) => this.onCommand(topic, payload));
    c.subscribe(`devices/${o.id}/commands/+`, { qos: 1 });
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        c.off('connect', onConnect);
        c.off('error', onError);
        c.off('close', onError);
        resolve(ok);
      };
      const onConnect = () => done(true);
      const onError = () => done(false);
      c.on('connect', onConnect);
      c.on('error', onError);
      c.on('close', onError);
    });
  }

  /** Publishes `{"online": false}` (retained) when connected, then closes the connection. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const c = this.client;
    if (!c) return;
    const graceful = async () => {
      if (c.connected) {
        const offline = JSON.stringify({ online: false, fw: this.o.fw ?? 'sim-1.0.0' });
        this.o.trace?.('out', topics.status(this.o.id), offline);
        await c.publishAsync(topics.status(this.o.id), offline, { qos: 1, retain: true });
      }
      await c.endAsync();
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const outcome = await Promise.race([graceful().then(() => 'ok' as const, () => 'failed' as const), timeout]);
    clearTimeout(timer);
    if (outcome !== 'ok') await c.endAsync(true);
  }

  private intervalMs(env: Environment): number {
    if (this.fixedIntervalMs !== undefined) return this.fixedIntervalMs;
    return reportingIntervalMs(this.o.kind, env) / (this.o.speedup ?? 1);
  }

  /** Next reading: the first at a random phase of the interval, then the interval ±10 %. */
  private schedule(first = false): void {
    if (this.stopped) return;
    const iv = this.intervalMs(this.o.environment(this.now()));
    const delay = first ? Math.random() * iv : iv * (0.9 + 0.2 * Math.random());
    this.timer = setTimeout(() => {
      this.report();
      this.schedule();
    }, delay);
  }

  private report(): void {
    const c = this.client;
    if (!c) return;
    if (this.unacked >= MAX_UNACKED) {
      this.o.counters.dropped++;
      return;
    }
    const t = this.now();
    const env = this.o.environment(t);
    const metrics = sampleMetrics(this.o.kind, this.o.seed, env, this.intervalMs(env) * (this.o.speedup ?? 1));
    if (this.o.overrides) Object.assign(metrics, this.o.overrides);
    this.o.counters.sent++;
    this.unacked++;
    this.publish(topics.telemetry(this.o.id), JSON.stringify({ ts: t, seq: this.seq++, metrics }), false);
  }

  private publish(topic: string, payload: string, retain: boolean, counted = !retain): void {
    const qos = this.o.qos ?? 1;
    this.o.trace?.('out', topic, payload);
    this.client?.publish(topic, payload, { qos, retain }, (err) => {
      if (!counted) return;
      this.unacked--;
      if (err) countError(this.o.counters, err.message);
      else this.o.counters.acked++;
    });
  }

  private onCommand(topic: string, payload: Buffer): void {
    const parsed = topics.parse(topic);
    if (parsed?.channel !== 'command' || parsed.deviceId !== this.o.id || parsed.command === undefined) return;
    const text = payload.toString('utf8');
    this.o.trace?.('in', topic, text);
    this.o.counters.commands++;
    const outcome = answerCommand(this.o.kind, parsed.command, text);
    this.publish(topics.commandReply(this.o.id, parsed.command), JSON.stringify(outcome.reply), false, false);
    if (outcome.intervalSeconds !== undefined) {
      this.fixedIntervalMs = (outcome.intervalSeconds * 1000) / (this.o.speedup ?? 1);
      clearTimeout(this.timer);
      this.schedule(true);
    }
    if (outcome.reboot) {
      this.seq = 0;
      this.publish(topics.events(this.o.id), JSON.stringify({ ts: this.now(), type: 'reboot', data: { reason: 'command' } }), false, false);
    }
  }
}
