import type { Reading } from '../../kernel/events.js';

/** A stored value: numbers as they are, booleans as 0/1 would lose the type, so keep both. */
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
 * and `telemetry-store.influx.ts` (InfluxDB 1.x line protocol). Both pass `describeTelemetryStore`.
 */
export interface TelemetryStore {
  readonly name: string;
  /**
   * Writes readings; resolves once they are durable in the store. Idempotent: writing the same
   * (device, metric, ts) again overwrites with the same value, so a retried batch is harmless.
   * Rejects (and stores nothing it can't vouch for) when the store is unreachable.
   */
  write(readings: readonly Reading[]): Promise<void>;
  /** Raw points per metric in [from, to), oldest first. */
  queryRaw(q: RawQuery): Promise<Record<string, RawPoint[]>>;
  /** Mean/min/max/count per bucket of numeric values (booleans count as 0/1); empty buckets omitted. */
  queryAggregate(q: AggregateQuery): Promise<AggregateBucket[]>;
  /** Latest value of every metric of a device. */
  latest(deviceId: string): Promise<Record<string, LatestValue>>;
  /** Resolves when the store answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
