/**
 * The OPC UA collector: one connection per enabled source, each publish turned into a Reading through the
 * same path as MQTT telemetry — contract validation, the durable ReadingSink (TelemetryWriter), then the
 * bus `reading` (so rules fire exactly as for MQTT), `violation` for rejected samples, and `presence`
 * (reason `opcua`) as the station's connection comes and goes.
 */
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import type { ReadingSink } from '../../broker/index.js';
import type { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import { publishToReading, type ChangedValue, type DeviceFacts } from './batch.js';
import type { BrowsedNode, RetryOptions, SourceConnection } from './connection.js';
import type { OpcuaSource } from './source.js';
import { initialStatus, type OpcuaSourceStatus, type OpcuaState } from './status.js';

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
  /** Client PKI (own certificate, trusted/rejected server certificates): `<dataDir>/opcua-pki`. */
  pkiDir: string;
  /** Retry of the first connection (default 1 s doubling to 30 s); node-opcua's reconnection uses the same bounds. */
  retry?: Partial<RetryOptions>;
}

interface Running {
  source: OpcuaSource;
  conn: SourceConnection | undefined;
  status: OpcuaSourceStatus;
  lastKnown: Map<string, unknown>;
}

export class OpcuaCollector {
  private readonly running = new Map<string, Running>();
  private readonly retry: RetryOptions;
  private certificateManager: Promise<OPCUACertificateManager> | undefined;
  private readonly log: Logger;

  constructor(private readonly o: OpcuaCollectorOptions) {
    this.retry = { initialDelayMs: o.retry?.initialDelayMs ?? 1_000, maxDelayMs: o.retry?.maxDelayMs ?? 30_000 };
    this.log = o.log.child({ module: 'opcua' });
  }

  /** Starts (or restarts with the new configuration) collecting from `source`. */
  async apply(source: OpcuaSource): Promise<void> {
    await this.remove(source.id);
    const status = initialStatus(source.id, source.deviceId, source.enabled, this.o.clock.now());
    const r: Running = { source, conn: undefined, status, lastKnown: new Map() };
    this.running.set(source.id, r);
    if (!source.enabled) return;
    const certificateManager = await this.certificates();
    // node-opcua is loaded with the first enabled source: ~0.4 s and a console warning on Node 20
    // (PKCS#1) that a platform without OPC UA sources should not pay for.
    const { SourceConnection } = await import('./connection.js');
    if (this.running.get(source.id) !== r) return; // removed or replaced meanwhile
    r.conn = new SourceConnection(source, status, {
      clock: this.o.clock,
      retry: this.retry,
      certificateManager,
      hooks: { publish: (changes) => void this.publish(r, changes), stateChanged: (from, to) => this.stateChanged(r, from, to) },
    });
    r.conn.start();
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
    return s === undefined ? undefined : { ...s, counters: { ...s.counters } };
  }

  /** Children of a node on the source's live session (throws OPCUA_SOURCE_NOT_FOUND / OPCUA_CONNECT_FAILED). */
  async browse(id: string, nodeId: string): Promise<BrowsedNode[]> {
    const r = this.running.get(id);
    if (r === undefined) throw new AppError('OPCUA_SOURCE_NOT_FOUND', { message: `OPC UA source ${id} not found` });
    if (r.conn === undefined) throw new AppError('OPCUA_CONNECT_FAILED', { message: `source ${id} is disabled`, status: 409 });
    return r.conn.browse(nodeId);
  }

  /** Stops every connection (clean: subscriptions terminated, sessions closed). */
  async stop(): Promise<void> {
    const all = [...this.running.keys()];
    await Promise.all(all.map((id) => this.remove(id)));
    const cm = this.certificateManager;
    this.certificateManager = undefined;
    if (cm) await (await cm).dispose();
  }

  /** One client PKI for all sources, created once (concurrent callers share the same promise). */
  private certificates(): Promise<OPCUACertificateManager> {
    this.certificateManager ??= (async () => {
      // Trust on first use for station certificates (Sign / SignAndEncrypt): docs/opcua.md explains how
      // to check what was trusted and to reject a certificate.
      const { OPCUACertificateManager } = await import('node-opcua-certificate-manager');
      const cm = new OPCUACertificateManager({ rootFolder: this.o.pkiDir, automaticallyAcceptUnknownCertificate: true });
      await cm.initialize();
      return cm;
    })();
    return this.certificateManager;
  }

  private async publish(r: Running, changes: ChangedValue[]): Promise<void> {
    const device = this.o.devices.lookup(r.source.deviceId);
    if (device === undefined) {
      r.status.counters.errors++;
      r.status.lastError = `device ${r.source.deviceId} is not registered (or revoked)`;
      return;
    }
    const now = this.o.clock.now();
    const { reading, violations } = publishToReading(device, changes, r.lastKnown, now);
    for (const v of violations) {
      r.status.counters.violations++;
      this.o.bus.emit('violation', { deviceId: device.id, code: v.code, message: v.message, topic: `opcua/${r.source.id}`, at: now, ...(v.path === undefined ? {} : { path: v.path }) });
      this.log.info({ sourceId: r.source.id, deviceId: device.id, code: v.code, reason: v.message }, 'contract violation');
    }
    if (reading === undefined) return;
    try {
      await this.o.sink.write([reading]);
    } catch (err) {
      r.status.counters.errors++;
      r.status.lastError = `write: ${(err as Error).message}`;
      this.log.warn({ err, sourceId: r.source.id }, 'reading not written');
      return;
    }
    r.status.counters.readings++;
    r.status.lastReadingAt = now;
    // After the write, as the broker does: a reading on the bus is durable.
    this.o.bus.emit('reading', reading);
  }

  private stateChanged(r: Running, from: OpcuaState, to: OpcuaState): void {
    const at = this.o.clock.now();
    this.log.info({ sourceId: r.source.id, from, to, lastError: r.status.lastError }, 'opcua source state');
    if (to === 'connected') this.o.bus.emit('presence', { deviceId: r.source.deviceId, online: true, at, reason: 'opcua' });
    else if (from === 'connected') this.o.bus.emit('presence', { deviceId: r.source.deviceId, online: false, at, reason: 'opcua' });
  }
}
