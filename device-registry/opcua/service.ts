/**
 * OPC UA sources as operators manage them: validated configuration in the store, applied to the
 * collector on every change. Errors that cross the boundary are AppErrors with OPCUA_* codes.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { DeviceLookup, OpcuaCollector } from './collector.js';
import type { BrowsedNode } from './connection.js';
import type { OpcuaSourceStore } from './source-store.js';
import { normalizeSource, toPublicSource, validateSource, type OpcuaSourceInput, type PublicOpcuaSource } from './source.js';
import type { OpcuaSourceStatus } from './status.js';
import type { StationCertificate } from './trust.js';

export class OpcuaSourceService {
  constructor(
    private readonly store: OpcuaSourceStore,
    private readonly collector: OpcuaCollector,
    private readonly devices: DeviceLookup,
    private readonly clock: Clock,
  ) {}

  /**
   * Starts collecting from every stored source (at platform start). Each is validated again first: a row
   * written before a rule existed (e.g. a node id that does not parse) is held as `invalid` with its
   * problems named instead of reaching the OPC UA client.
   */
  async start(): Promise<void> {
    for (const s of await this.store.list()) {
      const problems = validateSource(s, this.devices.lookup(s.deviceId));
      if (problems.length > 0) await this.collector.hold(s, problems);
      else await this.collector.apply(s);
    }
  }

  async create(input: OpcuaSourceInput): Promise<PublicOpcuaSource> {
    this.check(input);
    const now = this.clock.now();
    const source = normalizeSource(input, input.id ?? `opcua-${randomUUID().slice(0, 8)}`, now, now);
    await this.store.insert(source);
    await this.collector.apply(source);
    return toPublicSource(source);
  }

  async list(): Promise<PublicOpcuaSource[]> {
    return (await this.store.list()).map(toPublicSource);
  }

  async get(id: string): Promise<PublicOpcuaSource> {
    const s = await this.store.get(id);
    if (s === undefined) throw notFound(id);
    return toPublicSource(s);
  }

  /**
   * Replaces the configuration (the id and creation time stay). A password left out keeps the stored one
   * when the username is unchanged, so clients need not resend a secret they were never shown.
   */
  async update(id: string, input: Omit<OpcuaSourceInput, 'id'>): Promise<PublicOpcuaSource> {
    const old = await this.store.get(id);
    if (old === undefined) throw notFound(id);
    const keep = input.password === undefined && (input.username ?? null) === old.username;
    const full: OpcuaSourceInput = { ...input, ...(keep ? { password: old.password } : {}) };
    this.check(full);
    const source = normalizeSource(full, id, old.createdAt, this.clock.now());
    await this.store.update(source);
    await this.collector.apply(source);
    return toPublicSource(source);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw notFound(id);
    await this.collector.remove(id);
  }

  async status(id: string): Promise<OpcuaSourceStatus> {
    const st = this.collector.status(id);
    if (st !== undefined) return st;
    throw notFound(id);
  }

  async browse(id: string, nodeId: string): Promise<BrowsedNode[]> {
    if ((await this.store.get(id)) === undefined) throw notFound(id);
    return this.collector.browse(id, nodeId);
  }

  /** Station certificates met so far. */
  certificates(): Promise<StationCertificate[]> {
    return this.collector.certificates();
  }

  /** Trusts or rejects a station certificate (OPCUA_CERTIFICATE_NOT_FOUND when never met). */
  decideCertificate(thumbprint: string, decision: 'trust' | 'reject'): Promise<StationCertificate> {
    return this.collector.decide(thumbprint, decision);
  }

  private check(input: OpcuaSourceInput): void {
    const problems = validateSource(input, this.devices.lookup(input.deviceId));
    if (problems.length > 0) {
      throw new AppError('OPCUA_SOURCE_INVALID', { message: problems.map((p) => `${p.path}: ${p.code}: ${p.message}`).join('; '), details: { problems } });
    }
  }
}

function notFound(id: string): AppError {
  return new AppError('OPCUA_SOURCE_NOT_FOUND', { message: `OPC UA source ${id} not found` });
}
