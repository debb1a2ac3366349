import type { Device, LastViolation, Location } from './device.js';

/** One stored device credential: a keyed hash of the secret, never the secret. */
export interface CredentialRecord {
  deviceId: string;
  /** Hex HMAC-SHA256(credential key, secret). */
  hash: string;
  createdAt: number;
  /** Epoch ms after which the credential no longer authenticates; null = until rotated or revoked. */
  expiresAt: number | null;
}

export interface DeviceListFilter {
  kind?: string;
  district?: string;
  /** Any of these districts (a person's district scope); an empty list matches nothing. */
  districts?: readonly string[];
  online?: boolean;
  /** Default: all. */
  limit?: number;
  offset?: number;
}

/** Stored fields an update may change (the registry derives `district` from `location`). */
export interface DeviceChanges {
  name?: string | null;
  location?: Location;
  district?: string | null;
  asset?: string | null;
  tags?: string[];
}

export interface PresenceUpdate {
  id: string;
  online: boolean;
  lastSeenAt: number | null;
  fw: string | null;
  lastViolation: LastViolation | null;
}

/** One online/offline change of a device, as kept for its presence timeline. */
export interface PresenceChangeRow {
  deviceId: string;
  online: boolean;
  at: number;
}

export interface NewDevice {
  device: Device;
  credential: CredentialRecord;
}

/**
 * Where devices and their credentials live. One Kysely adapter serves SQLite and PostgreSQL
 * (`device-repository.kysely.ts`); both pass `describeDeviceRepository`.
 */
export interface DeviceRepository {
  /** Stores a device with its first credential, atomically. Throws AppError DEVICE_EXISTS when the id is taken. */
  insert(device: Device, credential: CredentialRecord): Promise<void>;
  /**
   * Stores many devices (each with its credential) in one transaction: all or nothing.
   * Throws AppError DEVICE_EXISTS if any id is taken (callers pre-check with `existingIds`).
   */
  insertMany(items: readonly NewDevice[]): Promise<void>;
  /** The subset of `ids` already stored. */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  /** A device by id, with its last persisted presence; undefined when unknown. */
  get(id: string): Promise<Device | undefined>;
  /** Devices matching every given filter, ordered by id. */
  list(filter?: DeviceListFilter): Promise<Device[]>;
  /** How many devices match (limit and offset ignored). */
  count(filter?: DeviceListFilter): Promise<number>;
  /** Applies `changes` and sets `updatedAt = at`; returns the updated device, or undefined when unknown. */
  update(id: string, changes: DeviceChanges, at: number): Promise<Device | undefined>;
  /** Deletes a device and its credentials; false when unknown. */
  delete(id: string): Promise<boolean>;
  /** Every credential of a device, expired ones included (newest first). */
  credentials(deviceId: string): Promise<CredentialRecord[]>;
  /**
   * Adds `credential`, caps every other credential of the device at `othersValidUntil` (keeping an
   * earlier expiry), and clears `revokedAt` (new credentials reinstate a revoked device). Atomic.
   * Returns false (and stores nothing) when the device is unknown.
   */
  rotate(credential: CredentialRecord, othersValidUntil: number): Promise<boolean>;
  /** Sets `revokedAt = at` and expires every credential at `at`; false when unknown. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Appends online/offline changes to the presence log, in one transaction. */
  appendPresenceLog(changes: readonly PresenceChangeRow[]): Promise<void>;
  /**
   * A device's presence changes with `from <= at < to`, oldest first, preceded by the last change before
   * `from` when there is one (the state the range starts in). At most `limit` rows (default 10,000).
   */
  presenceLog(deviceId: string, from: number, to: number, limit?: number): Promise<PresenceChangeRow[]>;
  /** Drops presence changes older than `before`; returns how many. */
  prunePresenceLog(before: number): Promise<number>;
  /** Persists presence for many devices in one transaction; unknown ids are ignored. */
  savePresence(updates: readonly PresenceUpdate[]): Promise<void>;
}
