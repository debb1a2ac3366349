import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import { migrate, type Database } from '../kernel/db/index.js';
import { AppError, isAppError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { parseImport, type ImportFormat, type ImportReport } from './bulk-import.js';
import { generateSecret, hashSecret, matchSecret } from './credentials.js';
import {
  DEVICE_ID_PATTERN,
  NO_PRESENCE,
  generateDeviceId,
  validateCreate,
  validatePatch,
  type Device,
  type DeviceInfo,
  type ValidCreate,
} from './device.js';
import type { DeviceChanges, DeviceListFilter, DeviceRepository, NewDevice } from './device-repository.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import type { DistrictIndex } from './districts.js';
import { insertCandidates } from './import-devices.js';
import { registryMigrations } from './migrations.js';
import { PresenceTracker } from './presence.js';
import { presenceIntervals, type PresenceInterval } from './presence-history.js';

export interface DeviceRegistryOptions {
  database: Database;
  bus: EventBus;
  log: Logger;
  clock: Clock;
  /** HMAC key for device secrets (the app generates it once into the data dir). */
  credentialKey: Buffer;
  districts: DistrictIndex;
  /** Default: the Kysely adapter over `database`. */
  repository?: DeviceRepository;
  /** How often presence is persisted (default 2,000 ms). */
  presenceFlushMs?: number;
  /**
   * Several broker nodes share the database (cluster mode): each writes the presence of the devices it
   * holds, so reads come from the database (at most `presenceFlushMs` old for other nodes' devices), not
   * from this node's memory, which sees only its own sessions.
   */
  sharedPresence?: boolean;
}

export interface Credentials {
  /** The MQTT username: the device id. */
  username: string;
  /** The device secret (MQTT password): shown once, stored only as a keyed hash. */
  password: string;
}

export interface RotatedCredentials extends Credentials {
  /** Until when (epoch ms) the previous secrets keep working. */
  previousValidUntil: number;
}

/** Mirrors `AuthOutcome` in broker/ports.ts. */
export type AuthOutcome = { ok: true; device: DeviceInfo } | { ok: false; reason: 'unknown_device' | 'bad_secret' | 'revoked' };

/** Compared against when the device is unknown, so both paths cost one HMAC and one comparison. */
const DUMMY_HASH = '0'.repeat(64);

/**
 * The device registry's facade: devices, credentials, presence, bulk import. It satisfies the broker's
 * `DeviceDirectory` (authenticate + synchronous lookup from an in-memory cache kept current here).
 */
export class DeviceRegistry {
  private readonly repo: DeviceRepository;
  private readonly presence: PresenceTracker;
  /** Non-revoked devices by id: the broker's hot-path lookup. */
  private readonly cache = new Map<string, DeviceInfo>();
  private readonly log: Logger;
  private offUnknown: (() => void) | undefined;

  constructor(private readonly opts: DeviceRegistryOptions) {
    this.repo = opts.repository ?? new KyselyDeviceRepository(opts.database);
    this.log = opts.log.child({ module: 'device-registry' });
    this.presence = new PresenceTracker(this.repo, this.log, opts.presenceFlushMs ?? 2_000);
  }

  /** Migrates the registry tables, loads every device into the cache, and follows the bus. */
  async start(): Promise<void> {
    await migrate(this.opts.database, registryMigrations);
    const all = await this.repo.list();
    for (const d of all) this.remember(d);
    this.presence.start(this.opts.bus);
    // A device created on another node, reported here (a cluster node taking over a dead one's devices): read it
    // from the shared database first, then apply the change.
    this.offUnknown = this.opts.bus.on('presence', (p) => {
      if (this.presence.get(p.deviceId)) return;
      this.repo.get(p.deviceId).then((d) => {
        if (!d) return;
        this.remember(d);
        this.presence.onPresence(p);
      }, (err: unknown) => this.log.warn({ err, deviceId: p.deviceId }, 'presence for a device not loaded here: lookup failed'));
    });
    this.log.info({ devices: all.length }, 'device registry started');
  }

  /** Stops following the bus and persists pending presence. Does not close the database. */
  async stop(): Promise<void> {
    this.offUnknown?.();
    await this.presence.stop();
  }

  /** Creates a device and its first secret. Throws UNKNOWN_KIND, LOCATION_INVALID, VALIDATION_FAILED, DEVICE_EXISTS. */
  async create(input: unknown): Promise<{ device: Device; credentials: Credentials }> {
    const v = validateCreate(input);
    // generated ids carry 32 random bits: at 10^5 devices a collision is likely, so draw again
    for (let attempt = 1; ; attempt++) {
      const { item, secret } = this.prepare(v);
      try {
        await this.repo.insert(item.device, item.credential);
      } catch (err) {
        if (v.generatedId && attempt < 5 && isAppError(err) && err.code === 'DEVICE_EXISTS') {
          v.id = generateDeviceId(v.kind);
          continue;
        }
        throw err;
      }
      this.remember(item.device);
      this.changed('created', item.device);
      return { device: item.device, credentials: { username: item.device.id, password: secret } };
    }
  }

  /** A device with its freshest (in-memory) presence. Throws DEVICE_NOT_FOUND. */
  async get(id: string): Promise<Device> {
    // Shared presence: what this node knows is written first, then the row (the node holding the device wrote it).
    if (this.opts.sharedPresence) await this.presence.flush();
    const d = await this.repo.get(id);
    if (!d) throw notFound(id);
    return this.withPresence(d);
  }

  /** Devices matching the filter, ordered by id. */
  async list(filter: DeviceListFilter = {}): Promise<Device[]> {
    checkPaging(filter);
    // the online column is only as fresh as the last flush; make it current before filtering on it
    if (filter.online !== undefined || this.opts.sharedPresence) await this.presence.flush();
    return (await this.repo.list(filter)).map((d) => this.withPresence(d));
  }

  /**
   * A device's online/offline intervals over `[from, to)` (its presence timeline). Throws DEVICE_NOT_FOUND.
   * Changes not yet persisted are written first, so the timeline is current.
   */
  async presenceHistory(id: string, from: number, to: number): Promise<PresenceInterval[]> {
    const d = await this.get(id);
    await this.presence.flush();
    return presenceIntervals(await this.repo.presenceLog(id, from, to), from, to, d.createdAt);
  }

  async count(filter: DeviceListFilter = {}): Promise<number> {
    if (filter.online !== undefined) await this.presence.flush();
    return this.repo.count(filter);
  }

  /** Changes name, location (district follows), asset or tags. Throws DEVICE_NOT_FOUND, VALIDATION_FAILED, LOCATION_INVALID. */
  async update(id: string, patch: unknown): Promise<Device> {
    const p = validatePatch(patch);
    const changes: DeviceChanges = { ...p };
    if (p.location) changes.district = this.opts.districts.locate(p.location.lon, p.location.lat)?.id ?? null;
    const d = await this.repo.update(id, changes, this.opts.clock.now());
    if (!d) throw notFound(id);
    if (d.revokedAt === null) this.cache.set(id, info(d));
    this.changed('updated', d);
    return this.withPresence(d);
  }

  /** Deletes a device; a live session is closed like a revoked one (`deviceRevoked`). Throws DEVICE_NOT_FOUND. */
  async delete(id: string): Promise<void> {
    if (!(await this.repo.delete(id))) throw notFound(id);
    this.cache.delete(id);
    this.presence.forget(id);
    this.opts.bus.emit('deviceRevoked', { deviceId: id, at: this.opts.clock.now() });
    this.opts.bus.emit('deviceChanged', { deviceId: id, change: 'deleted', device: null, at: this.opts.clock.now() });
  }

  /**
   * Issues a new secret; the previous ones keep working for `overlapMs` (default 0) so a fleet can
   * be re-keyed without downtime. On a revoked device this reinstates it. Throws DEVICE_NOT_FOUND.
   */
  async rotateCredentials(id: string, opts: { overlapMs?: number } = {}): Promise<RotatedCredentials> {
    const overlap = opts.overlapMs ?? 0;
    if (!Number.isFinite(overlap) || overlap < 0) throw new AppError('VALIDATION_FAILED', { message: 'overlapMs must be ≥ 0' });
    const now = this.opts.clock.now();
    const secret = generateSecret();
    const ok = await this.repo.rotate({ deviceId: id, hash: hashSecret(this.opts.credentialKey, secret), createdAt: now, expiresAt: null }, now + overlap);
    if (!ok) throw notFound(id);
    const d = await this.repo.get(id);
    if (d) this.cache.set(id, info(d));
    return { username: id, password: secret, previousValidUntil: now + overlap };
  }

  /** Revokes every credential at once and tells the broker (`deviceRevoked`) to close the session. Throws DEVICE_NOT_FOUND. */
  async revoke(id: string): Promise<void> {
    const at = this.opts.clock.now();
    if (!(await this.repo.revoke(id, at))) throw notFound(id);
    this.cache.delete(id);
    this.opts.bus.emit('deviceRevoked', { deviceId: id, at });
    this.log.info({ deviceId: id }, 'device revoked');
  }

  /**
   * Checks a device secret. Unknown device and wrong secret cost the same and differ only in
   * `reason` (for the broker's log); `revoked` is told only to a caller holding a real secret.
   */
  async authenticate(id: string, secret: string): Promise<AuthOutcome> {
    // an id that could never exist costs no query, but still one HMAC like every other refusal
    const creds = DEVICE_ID_PATTERN.test(id) ? await this.repo.credentials(id) : [];
    const now = this.opts.clock.now();
    if (creds.length === 0) {
      matchSecret(this.opts.credentialKey, secret, [DUMMY_HASH]);
      return { ok: false, reason: 'unknown_device' };
    }
    const i = matchSecret(this.opts.credentialKey, secret, creds.map((c) => c.hash));
    const match = creds[i];
    if (!match) return { ok: false, reason: 'bad_secret' };
    if (match.expiresAt !== null && match.expiresAt <= now) {
      const d = await this.repo.get(id);
      return { ok: false, reason: d?.revokedAt != null ? 'revoked' : 'bad_secret' };
    }
    const cached = this.cache.get(id);
    if (cached) return { ok: true, device: cached };
    // created by another node since we started
    const d = await this.repo.get(id);
    if (!d || d.revokedAt !== null) return { ok: false, reason: d ? 'revoked' : 'unknown_device' };
    this.remember(d);
    return { ok: true, device: info(d) };
  }

  /** Cached facts of a live (non-revoked) device for the broker's hot path; undefined when unknown or revoked. */
  lookup(id: string): DeviceInfo | undefined {
    return this.cache.get(id);
  }

  /** Persists pending presence now (tests, shutdown). */
  flushPresence(): Promise<void> {
    return this.presence.flush();
  }

  /**
   * Creates devices from a GeoJSON FeatureCollection of Points or a CSV (`id,kind,lon,lat,name,asset,tags`).
   * A bad row never stops the others; a file that is neither throws IMPORT_INVALID.
   */
  async importDevices(source: string, format: ImportFormat): Promise<ImportReport> {
    const candidates = parseImport(source, format);
    const report = await insertCandidates(candidates, {
      repo: this.repo,
      prepare: (v) => this.prepare(v),
      created: (d) => {
        this.remember(d);
        this.changed('created', d);
      },
    });
    this.log.info({ format, total: report.total, created: report.created, failed: report.failed }, 'bulk import');
    return report;
  }

  private prepare(v: ValidCreate): { item: NewDevice; secret: string } {
    const now = this.opts.clock.now();
    const secret = generateSecret();
    const device: Device = {
      id: v.id,
      kind: v.kind,
      name: v.name,
      location: v.location,
      asset: v.asset,
      tags: v.tags,
      district: this.opts.districts.locate(v.location.lon, v.location.lat)?.id ?? null,
      createdAt: now,
      updatedAt: now,
      revokedAt: null,
      ...NO_PRESENCE,
    };
    const credential = { deviceId: v.id, hash: hashSecret(this.opts.credentialKey, secret), createdAt: now, expiresAt: null };
    return { item: { device, credential }, secret };
  }

  private changed(change: 'created' | 'updated', d: Device): void {
    const device = { id: d.id, kind: d.kind, name: d.name, location: d.location, district: d.district, asset: d.asset, tags: d.tags };
    this.opts.bus.emit('deviceChanged', { deviceId: d.id, change, device, at: this.opts.clock.now() });
  }

  private remember(d: Device): void {
    if (d.revokedAt === null) this.cache.set(d.id, info(d));
    else this.cache.delete(d.id);
    if (!this.presence.get(d.id)) this.presence.track(d.id, d);
  }

  private withPresence(d: Device): Device {
    if (this.opts.sharedPresence) return d;
    const p = this.presence.get(d.id);
    return p ? { ...d, online: p.online, lastSeenAt: p.lastSeenAt, fw: p.fw, lastViolation: p.lastViolation } : d;
  }
}

function info(d: Device): DeviceInfo {
  return Object.freeze({ id: d.id, kind: d.kind, district: d.district, asset: d.asset });
}

function checkPaging(f: DeviceListFilter): void {
  for (const [k, v] of [['limit', f.limit], ['offset', f.offset]] as const) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) {
      throw new AppError('VALIDATION_FAILED', { message: `${k} must be a non-negative integer`, details: { field: k } });
    }
  }
}

function notFound(id: string): AppError {
  return new AppError('DEVICE_NOT_FOUND', { message: `Device ${id} not found`, details: { id } });
}
