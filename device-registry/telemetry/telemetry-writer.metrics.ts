import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the writer reports to Prometheus; a no-op when no registry is given. */
export interface WriterMetrics {
  written(n: number): void;
  failure(reason: 'unavailable' | 'rejected'): void;
  duration(seconds: number): void;
}

export const noMetrics: WriterMetrics = { written: () => undefined, failure: () => undefined, duration: () => undefined };

/** Registers the writer's metrics on `registry`; gauges read `depth()`/`spillBytes()`/`up()` at scrape time. */
export function registerWriterMetrics(
  registry: Registry,
  read: { depth: () => number; spillBytes: () => number; up: () => boolean },
): WriterMetrics {
  const registers = [registry];
  const written = new Counter({ name: 'citybrain_telemetry_written_total', help: 'Readings written to the telemetry store', registers });
  const failures = new Counter({
    name: 'citybrain_telemetry_write_failures_total',
    help: 'Failed telemetry store writes, by reason (unavailable: retried via the spill; rejected: bad data, dropped)',
    labelNames: ['reason'] as const,
    registers,
  });
  new Gauge({
    name: 'citybrain_telemetry_buffer_depth',
    help: 'Readings held in memory, not yet durable',
    registers,
    collect() {
      this.set(read.depth());
    },
  });
  new Gauge({
    name: 'citybrain_telemetry_spill_bytes',
    help: 'Bytes of readings spilled to disk awaiting replay',
    registers,
    collect() {
      this.set(read.spillBytes());
    },
  });
  new Gauge({
    name: 'citybrain_telemetry_store_up',
    help: '1 while the telemetry store accepts writes, 0 during an outage',
    registers,
    collect() {
      this.set(read.up() ? 1 : 0);
    },
  });
  const duration = new Histogram({
    name: 'citybrain_telemetry_write_duration_seconds',
    help: 'Duration of successful telemetry store writes',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  return {
    written: (n) => written.inc(n),
    failure: (reason) => failures.inc({ reason }),
    duration: (s) => duration.observe(s),
  };
}
