/**
 * What the HTTP server needs from the rest of citybrain. The composition root adapts the modules
 * (device registry, telemetry store, contracts, airspace) to this interface, so `http/` imports no
 * module folder: only `kernel/` and these types (architecture.md "Modules").
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { ViolationRecord } from '../kernel/events.js';

export interface LonLat {
  lon: number;
  lat: number;
}

/** A device as the API shows it: registry fields plus presence. Never carries a secret or its hash. */
export interface DeviceView {
  id: string;
  kind: string;
  location: LonLat;
  name: string | null;
  asset: string | null;
  tags: string[];
  /** District id (administrative code) the location falls in, or null outside every district. */
  district: string | null;
  online: boolean;
  /** Epoch ms of the last message from the device, or null if never seen. */
  lastSeenAt: number | null;
  /** Firmware version from the last `devices/{id}/status`, or null. */
  fw: string | null;
  lastViolation: Omit<ViolationRecord, 'deviceId'> | null;
  /** Epoch ms when the credentials were revoked, or null. */
  revokedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeviceCredentials {
  username: string;
  password: string;
}

export interface DeviceCreateInput {
  id?: string;
  kind: string;
  location: LonLat;
  name?: string;
  asset?: string;
  tags?: string[];
}

/** Fields an operator may change; `null` clears an optional field. The kind never changes (contract). */
export interface DevicePatch {
  name?: string | null;
  asset?: string | null;
  location?: LonLat;
  tags?: string[];
}

export interface DeviceListQuery {
  kind?: string;
  district?: string;
  online?: boolean;
  limit?: number;
  offset?: number;
}

/** Outcome of a bulk import: created devices with their one-time secrets, and per-row problems. */
export interface ImportReport {
  total: number;
  created: number;
  failed: number;
  devices: { id: string; credentials: DeviceCredentials }[];
  /** `index` is the 0-based feature index (GeoJSON) or the 1-based data line (CSV). */
  errors: { index: number; id?: string; code: string; message: string }[];
}

export type MetricValue = number | boolean;

export interface RawPoint {
  ts: number;
  value: MetricValue;
}

export interface AggregateBucket {
  ts: number;
  mean: number;
  min: number;
  max: number;
  count: number;
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** Minimal GeoJSON (RFC 7946) shapes; http/ does not depend on a geometry library. */
export interface Feature {
  type: 'Feature';
  geometry: unknown;
  properties: Record<string, unknown> | null;
  id?: string | number;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

/** One firmware contract as integrators see it (kind, version, metrics...); extra fields pass through. */
export interface ContractSummary {
  kind: string;
  version: string | number;
  [key: string]: unknown;
}

export interface DevicesPort {
  /** Provisions a device; the secret is returned once. Throws AppError DEVICE_EXISTS, UNKNOWN_KIND, LOCATION_INVALID. */
  create(input: DeviceCreateInput): Promise<{ device: DeviceView; credentials: DeviceCredentials }>;
  /** Throws AppError DEVICE_NOT_FOUND. */
  get(id: string): Promise<DeviceView>;
  /** Filtered page of devices and the total matching the filters. */
  list(q: DeviceListQuery): Promise<{ items: DeviceView[]; total: number }>;
  /** Throws AppError DEVICE_NOT_FOUND, LOCATION_INVALID. */
  update(id: string, patch: DevicePatch): Promise<DeviceView>;
  /** Throws AppError DEVICE_NOT_FOUND. */
  delete(id: string): Promise<void>;
  /** New secret; the old one stays valid for `overlapMs` (null when it stops at once). Throws DEVICE_NOT_FOUND. */
  rotateCredentials(
    id: string,
    overlapMs?: number,
  ): Promise<{ username: string; password: string; oldValidUntil: number | null }>;
  /** Revokes the credentials and disconnects the device. Throws DEVICE_NOT_FOUND. */
  revoke(id: string): Promise<void>;
  /** Bulk provisioning from a GeoJSON FeatureCollection or CSV text. Throws AppError IMPORT_INVALID when unreadable. */
  import(body: string, format: 'geojson' | 'csv'): Promise<ImportReport>;
}

export interface ReadingsPort {
  /** Latest value of every metric of a device (may throw TELEMETRY_STORE_UNAVAILABLE). */
  latest(id: string): Promise<Record<string, RawPoint>>;
  /** Raw points per metric in [from, to), oldest first. */
  raw(q: { deviceId: string; metric?: string; from: number; to: number; limit?: number }): Promise<Record<string, RawPoint[]>>;
  /** Buckets aligned to multiples of `everyMs`; empty buckets omitted. */
  aggregate(q: { deviceId: string; metric: string; from: number; to: number; everyMs: number }): Promise<AggregateBucket[]>;
}

export interface ContractsPort {
  /** Every firmware contract the platform accepts. */
  list(): ContractSummary[];
  /** JSON Schemas keyed by name (e.g. `gas.telemetry.v1`), for one kind or all. Throws UNKNOWN_KIND. */
  schemas(kind?: string): Record<string, object>;
}

export interface HttpDeps {
  log: Logger;
  /** Bearer token for everything under `/api` (except the public contract export). */
  adminToken: string;
  /** Registry `/metrics` exposes; the HTTP metrics are registered in it too. */
  metrics: Registry;
  clock: Clock;
  /** Readiness of every dependency; `/healthz` answers 503 when `ok` is false. */
  health(): Promise<HealthReport>;
  devices: DevicesPort;
  readings: ReadingsPort;
  /** The city's districts (GeoJSON). */
  districts(): FeatureCollection;
  contracts: ContractsPort;
}
