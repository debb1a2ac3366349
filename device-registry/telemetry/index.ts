/** Telemetry: the store port, its adapters and the buffered writer (the broker's ReadingSink). */
export type {
  AggregateBucket,
  AggregateQuery,
  LatestValue,
  MetricValue,
  RawPoint,
  RawQuery,
  TelemetryStore,
} from './telemetry-store.js';
export { createSqlTelemetryStore } from './telemetry-store.sql.js';
export { createInfluxTelemetryStore, type InfluxTelemetryStoreOptions } from './telemetry-store.influx.js';
export { TelemetryWriter, type TelemetryWriterOptions, type TelemetryWriterStats } from './telemetry-writer.js';
export { withWriteThreads, type StoreSpec } from './telemetry-store.threads.js';
