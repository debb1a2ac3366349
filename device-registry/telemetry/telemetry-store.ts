import type { Reading } from '../../kernel/events.js';

/** A stored value. Adapters keep the type: a boolean written comes back a boolean, never 0/1. */
export type MetricValue = number | boolean;

export interface RawQuery {
  deviceId: string;
  /** One metric, or every metric of the device when omitted. */
  metric?: string;
  /** Inclusive lower bound, epoch ms. */
  from: number;
  /** Exclusive upper bound, epoch ms. */
  to: number;
  /** Most points per metric, oldest first (default 10,000). */
  limit?: number;
}

/** Many devices over one range (a district export): one query instead of one per device. */
export interface ManyRawQuery {
  deviceIds: readonly string[];
  /** One metric, or every metric when omitted. */
  metric?: string;
  /** Inclusive lower bound, epoch ms. */
  from: number;
  /** Exclusive upper bound, epoch ms. */
  to: number;
  /** Most points per device and metric, oldest first (default 10,000). */
  limit?: number;
}

export interface RawPoint {
  ts: number;
  value: MetricValue;
}

export interface AggregateQuery {
  deviceId: string;
  metric: string;
  from: number;
  to: number;
  /** Bucket width in ms; buckets are aligned to multiples of `everyMs` since the epoch. */
  everyMs: number;
}

export interface AggregateBucket {
  /** Bucket start, epoch ms. */
  ts: number;
  mean: number;
  min: number;
  max: number;
  count: number;
}

export interface LatestValue {
  ts: number;
  value: MetricValue;
}

/**
 * The telemetry (time-series) store port. Adapters: `telemetry-store.sql.ts` (embedded SQLite)
 * and `telemetry-store.influx.ts` (InfluxDB 1.x line protocol). Both pass `describeTelemetryStore`
 * (`telemetry-store.conformance.ts`). Callers on the ingest path use `TelemetryWriter`, which batches,
 * retries and spills in front of a store; HTTP queries call the store directly.
 */
export interface TelemetryStore {
  readonly name: string;
  /**
   * Writes readings (one point per metric per reading); resolves once they are durable in the store.
   * Idempotent: writing the same (device, metric, ts) again overwrites, so a retried batch is harmless.
   * Non-finite numbers cannot be stored and are skipped; an empty batch resolves at once.
   * @throws AppError `TELEMETRY_STORE_UNAVAILABLE` when the store is unreachable (retry later: nothing is
   *   lost by retrying); `TELEMETRY_WRITE_FAILED` when the store rejected some points as bad data
   *   (InfluxDB "partial write": the other points are stored; retrying the same points fails again).
   */
  write(readings: readonly Reading[]): Promise<void>;
  /** Raw points per metric in [from, to), oldest first, at most `limit` per metric; metrics without points are absent. */
  queryRaw(q: RawQuery): Promise<Record<string, RawPoint[]>>;
  /**
   * `queryRaw` for many devices at once, in one store query: device id → metric → points in [from, to),
   * oldest first, at most `limit` per device and metric. Devices and metrics without points are absent;
   * an empty `deviceIds` answers `{}`.
   */
  queryRawMany(q: ManyRawQuery): Promise<Record<string, Record<string, RawPoint[]>>>;
  /**
   * Mean/min/max/count per bucket of `everyMs` (aligned to the epoch; a bucket is labelled by its start)
   * over [from, to); booleans count as 0/1; empty buckets are omitted.
   * @throws AppError `QUERY_INVALID` when `everyMs` < 1.
   */
  queryAggregate(q: AggregateQuery): Promise<AggregateBucket[]>;
  /** Latest value of every metric of a device (`{}` for a device with no readings). */
  latest(deviceId: string): Promise<Record<string, LatestValue>>;
  /** Resolves when the store answers; rejects with `TELEMETRY_STORE_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
  /** Releases the store's resources; no call may follow. */
  close(): Promise<void>;
}
