/**
 * Test support for the broker: an in-memory DeviceDirectory and a recording ReadingSink (port
 * implementations, not server mocks), and a broker started on port 0 with real listeners.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { generate } from 'mqtt-packet';
import { Registry } from 'prom-client';
import { EventBus } from '../kernel/bus.js';
import { systemClock } from '../kernel/clock.js';
import type { Reading } from '../kernel/events.js';
import { createLogger, silentLogger, type Logger } from '../kernel/logger.js';
import type { TlsSource } from '../kernel/tls.js';
import { createBroker, type Broker, type BrokerConfig, type MqttEndpoints } from './index.js';
import type { AuthOutcome, DeviceDirectory, DeviceInfo, IntegrationDirectory, ReadingSink } from './ports.js';

export interface TestDevice extends DeviceInfo {
  secret: string;
  revoked?: boolean;
}

export class TestDirectory implements DeviceDirectory {
  readonly devices = new Map<string, TestDevice>();
  constructor(devices: TestDevice[]) {
    for (const d of devices) this.devices.set(d.id, d);
  }
  authenticate(deviceId: string, secret: string): Promise<AuthOutcome> {
    const d = this.devices.get(deviceId);
    if (!d) return Promise.resolve({ ok: false, reason: 'unknown_device' });
    if (d.secret !== secret) return Promise.resolve({ ok: false, reason: 'bad_secret' });
    if (d.revoked) return Promise.resolve({ ok: false, reason: 'revoked' });
    const { id, kind, district, asset } = d;
    return Promise.resolve({ ok: true, device: { id, kind, district, asset } });
  }
  lookup(deviceId: string): DeviceInfo | undefined {
    const d = this.devices.get(deviceId);
    return d && { id: d.id, kind: d.kind, district: d.district, asset: d.asset };
  }
}

/** Records what it is given; can be held (writes wait for `release()`), slowed or told to fail. */
export class RecordingSink implements ReadingSink {
  readonly readings: Reading[] = [];
  readonly log: string[] = [];
  failNext = 0;
  /** Each write waits this many event-loop turns (a slow store) before it resolves. */
  slowTurns = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private readonly calls: Array<() => void> = [];

  hold(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }
  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }
  /** Resolves on the next call to `write`. */
  nextWrite(): Promise<void> {
    return new Promise((r) => this.calls.push(r));
  }

  async write(readings: readonly Reading[]): Promise<void> {
    this.log.push('write-called');
    for (const c of this.calls.splice(0)) c();
    if (this.gate) await this.gate;
    for (let i = 0; i < this.slowTurns; i++) await new Promise((r) => setImmediate(r));
    if (this.failNext > 0) {
      this.failNext--;
      this.log.push('write-failed');
      throw new Error('buffer full');
    }
    this.readings.push(...readings);
    this.log.push('write-resolved');
  }
}

export const gasDevice = (id: string, secret = `${id}-secret`): TestDevice => ({
  id, kind: 'gas', district: '370202', asset: `well-${id}`, secret,
});

export const testConfig = (over: Partial<BrokerConfig> = {}): BrokerConfig => ({
  mqttHost: '127.0.0.1',
  mqttPort: 0,
  mqttWs: true,
  mqttWsPort: 0,
  mqttMaxConnections: 100,
  mqttMaxFrameBytes: 64 * 1024,
  mqttConnectTimeoutMs: 5_000,
  mqttProxyProtocol: false,
  mqttProxyTrusted: '127.0.0.1,::1',
  ingestMaxInflight: 5_000,
  ingestMaxInflightPerClient: 200,
  mqttCluster: false,
  mqttClusterPrefix: 'citybrain:',
  mqttTlsPort: 0,
  tlsRequired: false,
  tlsClientCerts: 'optional',
  mqttMaxPending: 1_000,
  mqttMaxPendingPerAddress: 16,
  mqttAuthFailuresPerAddress: 30,
  mqttAuthFailuresPerUsername: 10,
  mqttBanMs: 60_000,
  mqttMaxConnecting: 200,
  mqttClusterLeaseMs: 15_000,
  ...over,
});

export interface TestBroker {
  broker: Broker;
  bus: EventBus;
  directory: TestDirectory;
  sink: RecordingSink;
  registry: Registry;
  /** Plain MQTT port (-1 when plain MQTT is off: TLS required). */
  tcpPort: number;
  wsPort?: number;
  /** Every listener the broker opened (MQTTS, WSS when a certificate is given). */
  endpoints: MqttEndpoints;
  /** Connects a real mqtt.js client (no reconnects unless asked) and awaits CONNACK. */
  connect(id: string, opts?: IClientOptions & { ws?: boolean; password?: string }): Promise<MqttClient>;
  /** Opens a client and resolves with the CONNACK error (for refused connections). */
  connectError(opts: IClientOptions): Promise<Error & { code?: number }>;
  close(): Promise<void>;
}

/** Integration clients by username (`integration:<name>`) and password. */
export class TestIntegrations implements IntegrationDirectory {
  constructor(readonly secrets: Map<string, string> = new Map()) {}
  authenticate(username: string, secret: string): Promise<boolean> {
    return Promise.resolve(this.secrets.get(username) === secret);
  }
}

export async function startTestBroker(
  devices: TestDevice[],
  config: Partial<BrokerConfig> = {},
  log: Logger = silentLogger(),
  extra: { integrations?: IntegrationDirectory; tls?: TlsSource } = {},
): Promise<TestBroker> {
  const bus = new EventBus();
  const directory = new TestDirectory(devices);
  const sink = new RecordingSink();
  const registry = new Registry();
  const broker = createBroker({ config: testConfig(config), log, bus, clock: systemClock, directory, sink, metrics: registry, ...extra });
  const endpoints = await broker.listen();
  const { wsPort } = endpoints;
  const tcpPort = endpoints.tcpPort ?? -1;
  const clients: MqttClient[] = [];
  const url = (ws?: boolean) => (ws ? `ws://127.0.0.1:${wsPort}` : `mqtt://127.0.0.1:${tcpPort}`);
  return {
    broker, bus, directory, sink, registry, tcpPort, wsPort, endpoints,
    async connect(id, opts = {}) {
      const dev = directory.devices.get(id);
      const c = mqtt.connect(url(opts.ws), {
        clientId: id, username: id, password: opts.password ?? dev?.secret, reconnectPeriod: 0, ...opts,
      });
      clients.push(c);
      await new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve());
        c.once('error', reject);
      });
      return c;
    },
    async connectError(opts) {
      const c = mqtt.connect(url(false), { reconnectPeriod: 0, ...opts });
      clients.push(c);
      return new Promise((resolve) => c.once('error', (err) => resolve(err as Error & { code?: number })));
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
      await broker.close();
    },
  };
}

/** Resolves when an mqtt.js client closes (its typings are not a node EventEmitter for events.once). */
export const closed = (c: MqttClient): Promise<void> => new Promise((r) => c.once('close', () => r()));

/** Telemetry payload for a gas device. */
export const gasReading = (ch4: number, seq?: number): string =>
  JSON.stringify(seq === undefined ? { metrics: { ch4_lel: ch4 } } : { seq, metrics: { ch4_lel: ch4 } });

/** SUBACK return codes per filter, in order (mqtt.js rejects a SUBACK holding 0x80 but keeps the packet). */
export async function subackCodes(c: MqttClient, filters: string[]): Promise<number[]> {
  try {
    const granted = await c.subscribeAsync(filters, { qos: 1 });
    return granted.map((g) => g.qos);
  } catch (err) {
    const codes = (err as { packet?: { granted?: unknown } }).packet?.granted;
    if (Array.isArray(codes)) return codes.map((x) => (typeof x === 'number' ? x : -1));
    throw err;
  }
}

/** A raw CONNECT (MQTT 3.1.1) for `clientId` with username = client id. */
export const connectPacket = (clientId: string, password: string): Buffer =>
  generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, clientId, username: clientId, password: Buffer.from(password) });

/** Opens a raw socket, writes `bytes` (a CONNECT, maybe after a header), resolves with the CONNACK return code (-1: closed without one). */
export async function connackFor(port: number, bytes: Buffer, localAddress?: string): Promise<number> {
  const s: Socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
  s.on('error', () => {});
  await once(s, 'connect');
  s.write(bytes);
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      // CONNACK: 0x20 0x02 <flags> <return code> (MQTT 3.1.1 §3.2)
      if (buf.length >= 4 && buf[0] === 0x20) {
        resolve(buf[3]!);
        s.destroy();
      }
    });
    s.on('close', () => resolve(-1));
  });
}

/** A logger at `info` whose lines (JSON text) are kept in `lines`. */
export function capturedLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { log: createLogger({ level: 'info', destination }), lines };
}
