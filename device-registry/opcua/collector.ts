/**
 * The OPC UA collector: one connection per enabled source, each publish turned into a Reading through the
 * same path as MQTT telemetry — contract validation, the durable ReadingSink (TelemetryWriter), then the
 * bus `reading` (so rules fire exactly as for MQTT), `violation` for rejected values, and `presence`
 * (reason `opcua`) as the station's connection comes and goes. Nothing a station sends and no stored
 * configuration ends the process: every failure is a source status, a log line and a counted error.
 */
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { Counter, type Registry } from 'prom-client';
import type { ReadingSink } from '../../broker/index.js';
import type { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import { newSourceValues, publishToReading, type ChangedValue, type DeviceFacts, type SourceValues } from './batch.js';
import type { BrowsedNode, OpcuaFailureKind, RetryOptions, SourceConnection, WatchdogSettings } from './connection.js';
import type { OpcuaSource, SourceProblem } from './source.js';
import { copyStatus, initialStatus, type OpcuaSourceStatus, type OpcuaState } from './status.js';
import type { StationCertificate, StationTrust } from './trust.js';

/** The registry's cached device facts (DeviceRegistry.lookup satisfies it). */
export interface DeviceLookup {
  lookup(deviceId: string): DeviceFacts | undefined;
}

export interface OpcuaCollectorOptions {
  bus: EventBus;
  clock: Clock;
  log: Logger;
  sink: ReadingSink;
  devices: DeviceLookup;
  /** Client PKI (own certificate, trusted/rejected station certificates): `<dataDir>/opcua-pki`. */
  pkiDir: string;
  /** Trust a station certificate never met before when first met (default false: it is held as pending). */
  trustOnFirstUse?: boolean;
  /** Retry of a fresh connection (default 1 s doubling to 30 s). */
  retry?: Partial<RetryOptions>;
  /** Watchdog bounds (default: 10 s of silence at least, 50 repair requests per second). */
  watchdog?: Partial<WatchdogSettings>;
  /** Registers `citybrain_opcua_errors_total{kind}` when given. */
  metrics?: Registry;
}

interface Running {
  source: OpcuaSource;
  conn: SourceConnection | undefined;
  status: OpcuaSourceStatus;
  values: SourceValues;
}

interface Pki {
  cm: OPCUACertificateManager;
  trust: StationTrust;
}

export class OpcuaCollector {
  private readonly running = new Map<string, Running>();
  private readonly retry: RetryOptions;
  private readonly watchdog: WatchdogSettings;
  private pki: Promise<Pki> | undefined;
  private readonly log: Logger;
  private readonly failures: Counter<'kind'> | undefined;

  constructor(private readonly o: OpcuaCollectorOptions) {
    this.retry = { initialDelayMs: o.retry?.initialDelayMs ?? 1_000, maxDelayMs: o.retry?.maxDelayMs ?? 30_000 };
    this.watchdog = { minSilenceMs: o.watchdog?.minSilenceMs ?? 10_000, maxRepairsPerSecond: o.watchdog?.maxRepairsPerSecond ?? 50 };
    this.log = o.log.child({ module: 'opcua' });
    this.failures = o.metrics
      ? new Counter({ name: 'citybrain_opcua_errors_total', help: 'OPC UA collector failures by kind (connect, subscription, node, watchdog, certificate, write, config)', labelNames: ['kind'], registers: [o.metrics] })
      : undefined;
  }

  /**
   * Starts (or restarts with the new configuration) collecting from `source`. Never throws: a source
   * that cannot be started is a status (`failed`, `lastError`), a log line and a counted error.
   */
  async apply(source: OpcuaSource): Promise<void> {
    try {
      await this.start(source);
    } catch (err) {
      const r = this.running.get(source.id);
      if (r === undefined) return;
      r.status.state = 'failed';
      this.failed(r, 'connect', `start: ${(err as Error).message}`);
    }
  }

  /**
   * Keeps a stored source that fails validation (written by an older version, or its device revoked)
   * out of collection: state `invalid`, every problem named in `problems` and `lastError`.
   */
  async hold(source: OpcuaSource, problems: SourceProblem[]): Promise<void> {
    await this.remove(source.id);
    const status = initialStatus(source.id, source.deviceId, false, this.o.clock.now());
    status.state = 'invalid';
    status.problems = problems;
    const r: Running = { source, conn: undefined, status, values: newSourceValues() };
    this.running.set(source.id, r);
    this.failed(r, 'config', `configuration refused: ${problems.map((p) => `${p.path}: ${p.code}: ${p.message}`).join('; ')}`);
  }

  /** Stops collecting from a source and forgets its status. */
  async remove(id: string): Promise<void> {
    const r = this.running.get(id);
    if (r === undefined) return;
    this.running.delete(id);
    await r.conn?.stop();
  }

  /** A copy of the source's live status; undefined when the collector does not know it. */
  status(id: string): OpcuaSourceStatus | undefined {
    const s = this.running.get(id)?.status;
    return s === undefined ? undefined : copyStatus(s);
  }

  /** Children of a node on the source's live session (throws OPCUA_SOURCE_NOT_FOUND / OPCUA_CONNECT_FAILED). */
  async browse(id: string, nodeId: string): Promise<BrowsedNode[]> {
    const r = this.running.get(id);
    if (r === undefined) throw new AppError('OPCUA_SOURCE_NOT_FOUND', { message: `OPC UA source ${id} not found` });
    if (r.conn === undefined) throw new AppError('OPCUA_CONNECT_FAILED', { message: `source ${id} is ${r.status.state}`, status: 409 });
    return r.conn.browse(nodeId);
  }

  /** Station certificates met so far: pending, trusted, rejected. */
  async certificates(): Promise<StationCertificate[]> {
    return (await this.openPki()).trust.list();
  }

  /**
   * Trusts or rejects a station certificate: sources waiting on a trusted one retry at once, sources
   * connected with a rejected one are disconnected. Throws OPCUA_CERTIFICATE_NOT_FOUND.
   */
  async decide(thumbprint: string, decision: 'trust' | 'reject'): Promise<StationCertificate> {
    const { trust } = await this.openPki();
    const cert = decision === 'trust' ? await trust.trust(thumbprint) : await trust.reject(thumbprint);
    this.log.info({ thumbprint: cert.thumbprint, subject: cert.subject, state: cert.state }, 'station certificate decided');
    for (const r of [...this.running.values()]) {
      if (r.status.certificate?.thumbprint !== cert.thumbprint) continue;
      r.status.certificate.trust = cert.state;
      // Trusted: a waiting source connects now. Rejected: a live session made with it is ended.
      if (cert.state === 'trusted') r.conn?.retryNow();
      else if (r.status.state === 'connected' || r.status.state === 'reconnecting') await this.apply(r.source);
    }
    return cert;
  }

  /** Stops every connection (clean: subscriptions terminated, sessions closed). */
  async stop(): Promise<void> {
    const all = [...this.running.keys()];
    await Promise.all(all.map((id) => this.remove(id)));
    const pki = this.pki;
    this.pki = undefined;
    if (pki) await (await pki).cm.dispose();
  }

  private async start(source: OpcuaSource): Promise<void> {
    await this.remove(source.id);
    const status = initialStatus(source.id, source.deviceId, source.enabled, this.o.clock.now(), source.mapping);
    const r: Running = { source, conn: undefined, status, values: newSourceValues() };
    this.running.set(source.id, r);
    if (!source.enabled) return;
    const { cm } = await this.openPki();
    // node-opcua is loaded with the first enabled source: ~0.4 s and a console warning on Node 20
    // (PKCS#1) that a platform without OPC UA sources should not pay for.
    const { SourceConnection } = await import('./connection.js');
    if (this.running.get(source.id) !== r) return; // removed or replaced meanwhile
    r.conn = new SourceConnection(source, status, {
      clock: this.o.clock,
      kind: this.o.devices.lookup(source.deviceId)?.kind ?? '',
      retry: this.retry,
      watchdog: this.watchdog,
      certificateManager: cm,
      hooks: {
        publish: (changes) => void this.publish(r, changes),
        stateChanged: (from, to) => this.stateChanged(r, from, to),
        failed: (kind, message) => this.logFailure(r, kind, message),
        explain: (server, err) => this.explain(r, server, err),
      },
    });
    r.conn.start();
  }

  /** One client PKI for all sources, created once (concurrent callers share the same promise). */
  private openPki(): Promise<Pki> {
    this.pki ??= (async () => {
      const { OPCUACertificateManager } = await import('node-opcua-certificate-manager');
      const { StationTrust } = await import('./trust.js');
      // Never node-opcua's automatic acceptance: it would trust rejected certificates too (trust.ts).
      const cm = new OPCUACertificateManager({ rootFolder: this.o.pkiDir, automaticallyAcceptUnknownCertificate: false });
      await cm.initialize();
      return { cm, trust: new StationTrust(cm, { trustOnFirstUse: this.o.trustOnFirstUse ?? false, now: () => this.o.clock.now() }) };
    })();
    return this.pki;
  }

  /**
   * Records the station certificate of a secured source; when a connection failed because of it, says
   * why and what the operator can do (the source status shows it).
   */
  private async explain(r: Running, server: Buffer | Buffer[] | undefined, err: unknown): Promise<string | null> {
    const der = Array.isArray(server) ? server[0] : server;
    if (r.source.securityMode === 'None' || der === undefined || der.length === 0) return null;
    const { trust } = await this.openPki();
    const { thumbprintOf } = await import('./trust.js');
    const thumbprint = thumbprintOf(der);
    const state = trust.stateOf(der);
    r.status.certificate = { thumbprint, trust: state === 'unknown' ? 'pending' : state };
    if (err === null || state === 'trusted') return null;
    const what = state === 'rejected' ? 'was rejected by an operator' : `is not trusted yet (pending): trust it with POST /api/v1/opcua/certificates/${thumbprint}/trust`;
    return `OPCUA_CERTIFICATE_UNTRUSTED: the station certificate ${thumbprint} ${what}`;
  }

  private async publish(r: Running, changes: ChangedValue[]): Promise<void> {
    const device = this.o.devices.lookup(r.source.deviceId);
    if (device === undefined) {
      this.failed(r, 'config', `device ${r.source.deviceId} is not registered (or revoked)`);
      return;
    }
    const now = this.o.clock.now();
    const { reading, violations, violating } = publishToReading(device, changes, r.values, now);
    for (const v of violations) {
      r.status.counters.violations++;
      this.o.bus.emit('violation', { deviceId: device.id, code: v.code, message: v.message, topic: `opcua/${r.source.id}`, at: now, ...(v.path === undefined ? {} : { path: v.path }) });
      this.log.info({ sourceId: r.source.id, deviceId: device.id, code: v.code, reason: v.message }, 'contract violation');
    }
    for (const metric of violating) {
      const node = r.status.nodes.find((n) => n.metric === metric);
      const v = r.values.violating.get(metric);
      if (node && v) Object.assign(node, { state: 'violating', lastError: `${v.code}: ${v.message}` });
    }
    if (reading === undefined) return;
    try {
      await this.o.sink.write([reading]);
    } catch (err) {
      this.failed(r, 'write', `write: ${(err as Error).message}`);
      return;
    }
    r.status.counters.readings++;
    r.status.lastReadingAt = now;
    for (const node of r.status.nodes) {
      if (Object.hasOwn(reading.metrics, node.metric) && changes.some((c) => c.metric === node.metric)) Object.assign(node, { state: 'good', lastGoodAt: now, lastError: null });
    }
    // After the write, as the broker does: a reading on the bus is durable.
    this.o.bus.emit('reading', reading);
  }

  /** Records a failure in the source's status, then logs and counts it. */
  private failed(r: Running, kind: OpcuaFailureKind, message: string): void {
    r.status.counters.errors++;
    r.status.lastError = message;
    this.logFailure(r, kind, message);
  }

  private logFailure(r: Running, kind: OpcuaFailureKind, message: string): void {
    this.failures?.inc({ kind });
    this.log.warn({ sourceId: r.source.id, deviceId: r.source.deviceId, kind, state: r.status.state }, message);
  }

  private stateChanged(r: Running, from: OpcuaState, to: OpcuaState): void {
    const at = this.o.clock.now();
    this.log.info({ sourceId: r.source.id, from, to, lastError: r.status.lastError }, 'opcua source state');
    if (to === 'connected') this.o.bus.emit('presence', { deviceId: r.source.deviceId, online: true, at, reason: 'opcua' });
    else if (from === 'connected') this.o.bus.emit('presence', { deviceId: r.source.deviceId, online: false, at, reason: 'opcua' });
  }
}
