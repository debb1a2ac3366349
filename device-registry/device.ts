import { randomBytes } from 'node:crypto';
import { AppError } from '../kernel/errors.js';
import { isDeviceKind } from './kinds.js';

/** Caller-given device ids: also the MQTT username and client id, so kept topic- and URL-safe. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_NAME = 200;
const MAX_TAGS = 32;
const MAX_TAG = 64;

export interface Location {
  lon: number;
  lat: number;
}

/** The last firmware-contract violation a device made (from the bus `violation` event). */
export interface LastViolation {
  code: string;
  message: string;
  topic: string;
  at: number;
  path?: string;
}

export interface Presence {
  online: boolean;
  /** Epoch ms of the last reading, status or connect seen from the device; null if never. */
  lastSeenAt: number | null;
  /** Firmware version from the last status message. */
  fw: string | null;
  lastViolation: LastViolation | null;
}

export interface Device extends Presence {
  id: string;
  kind: string;
  name: string | null;
  location: Location;
  /** District id (administrative code) derived from the location; null outside every district. */
  district: string | null;
  asset: string | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

/** What the broker needs of a device (same shape as `DeviceInfo` in broker/ports.ts). */
export interface DeviceInfo {
  id: string;
  kind: string;
  district: string | null;
  asset: string | null;
}

export interface CreateDeviceInput {
  id?: string;
  kind: string;
  location: Location;
  name?: string | null;
  asset?: string | null;
  tags?: string[];
}

/** Fields an operator may change; kind and id are fixed for a device's life (its contract and its login). */
export interface DevicePatch {
  name?: string | null;
  location?: Location;
  asset?: string | null;
  tags?: string[];
}

export const NO_PRESENCE: Readonly<Presence> = Object.freeze({ online: false, lastSeenAt: null, fw: null, lastViolation: null });

/** `gas-7f3a9c2e`: kind plus 32 random bits, for devices created without an id. */
export function generateDeviceId(kind: string): string {
  return `${kind}-${randomBytes(4).toString('hex')}`;
}

export function validateId(id: unknown): string {
  if (typeof id !== 'string' || !DEVICE_ID_PATTERN.test(id)) {
    throw new AppError('VALIDATION_FAILED', { message: `Device id must match ${DEVICE_ID_PATTERN.source}`, details: { field: 'id' } });
  }
  return id;
}

export function validateKind(kind: unknown): string {
  if (!isDeviceKind(kind)) throw new AppError('UNKNOWN_KIND', { message: `Unknown device kind: ${String(kind)}`, details: { field: 'kind' } });
  return kind;
}

export function validateLocation(loc: unknown): Location {
  const l = loc as { lon?: unknown; lat?: unknown } | null | undefined;
  const lon = l?.lon;
  const lat = l?.lat;
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw new AppError('LOCATION_INVALID', { message: 'Location must be {lon: -180..180, lat: -90..90}', details: { field: 'location' } });
  }
  return { lon, lat };
}

function optionalText(v: unknown, field: string, max: number): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > max) {
    throw new AppError('VALIDATION_FAILED', { message: `${field} must be a string of at most ${max} characters`, details: { field } });
  }
  return v;
}

export function validateTags(tags: unknown): string[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags) || tags.length > MAX_TAGS || !tags.every((t) => typeof t === 'string' && t.length > 0 && t.length <= MAX_TAG)) {
    throw new AppError('VALIDATION_FAILED', { message: `tags must be at most ${MAX_TAGS} non-empty strings of ≤ ${MAX_TAG} characters`, details: { field: 'tags' } });
  }
  return [...new Set(tags as string[])];
}

export interface ValidCreate {
  id: string;
  /** True when the id was generated here (so it may be regenerated on a collision). */
  generatedId: boolean;
  kind: string;
  location: Location;
  name: string | null;
  asset: string | null;
  tags: string[];
}

/** Validates a create request; throws AppError (UNKNOWN_KIND, LOCATION_INVALID, VALIDATION_FAILED). Pure but for id generation. */
export function validateCreate(input: unknown): ValidCreate {
  if (typeof input !== 'object' || input === null) throw new AppError('VALIDATION_FAILED', { message: 'Device must be an object' });
  const i = input as Record<string, unknown>;
  const kind = validateKind(i.kind);
  const generatedId = i.id === undefined || i.id === null || i.id === '';
  return {
    id: generatedId ? generateDeviceId(kind) : validateId(i.id),
    generatedId,
    kind,
    location: validateLocation(i.location),
    name: optionalText(i.name, 'name', MAX_NAME),
    asset: optionalText(i.asset, 'asset', MAX_TAG * 2),
    tags: validateTags(i.tags),
  };
}

/** Validates a patch; unknown or fixed fields (id, kind) are refused rather than silently ignored. */
export function validatePatch(patch: unknown): DevicePatch {
  if (typeof patch !== 'object' || patch === null) throw new AppError('VALIDATION_FAILED', { message: 'Patch must be an object' });
  const p = patch as Record<string, unknown>;
  const extra = Object.keys(p).filter((k) => !['name', 'location', 'asset', 'tags'].includes(k));
  if (extra.length > 0) throw new AppError('VALIDATION_FAILED', { message: `Fields cannot be changed: ${extra.join(', ')}`, details: { fields: extra } });
  const out: DevicePatch = {};
  if ('name' in p) out.name = optionalText(p.name, 'name', MAX_NAME);
  if ('asset' in p) out.asset = optionalText(p.asset, 'asset', MAX_TAG * 2);
  if ('tags' in p) out.tags = validateTags(p.tags);
  if ('location' in p) out.location = validateLocation(p.location);
  return out;
}
