import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the writer reports to Prometheus; a no-op when no registry is given. */
export interface WriterMetrics {
  written(n: number): void;
  failure(reason: 'unavailable' | 'rejected'): void;
  duration(seconds: number): void;
}

export const noMetrics: WriterMetrics = { written: () => undefined, failure: () => undefined, duration: () => undefined };

interface WriterState {
  depth: () => number;
  spillBytes: () => number;
  up: () => boolean;
}

interface Shared {
  written: Counter<'writer'>;
  failures: Counter<'writer' | 'reason'>;
  duration: Histogram<'writer'>;
  /** Per writer label, what the gauges read at scrape time. */
  writers: Map<string, WriterState>;
}

/** One set of metrics per registry, shared by its writers (readings, alert points) and told apart by `writer`. */
const perRegistry = new WeakMap<Registry, Shared>();

function gauge(registry: Registry, name: string, help: string, writers: Map<string, WriterState>, read: (s: WriterState) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ['writer'] as const,
    registers: [registry],
    collect() {
      for (const [writer, s] of writers) this.set({ writer }, read(s));
    },
  });
}

function shared(registry: Registry): Shared {
  const known = perRegistry.get(registry);
  if (known) return known;
  const registers = [registry];
  const writers = new Map<string, WriterState>();
  const s: Shared = {
    writers,
    written: new Counter({ name: 'citybrain_telemetry_written_total', help: 'Points written to the store, by writer (telemetry: readings; alerts: alert events)', labelNames: ['writer'] as const, registers }),
    failures: new Counter({
      name: 'citybrain_telemetry_write_failures_total',
      help: 'Failed store writes, by writer and reason (unavailable: retried via the spill; rejected: bad data, dropped)',
      labelNames: ['writer', 'reason'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'citybrain_telemetry_write_duration_seconds',
      help: 'Duration of successful store writes, by writer',
      labelNames: ['writer'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
  gauge(registry, 'citybrain_telemetry_buffer_depth', 'Points held in memory, not yet durable, by writer', writers, (w) => w.depth());
  gauge(registry, 'citybrain_telemetry_spill_bytes', 'Bytes spilled to disk awaiting replay, by writer', writers, (w) => w.spillBytes());
  gauge(registry, 'citybrain_telemetry_store_up', '1 while the store accepts the writer\'s writes, 0 during an outage', writers, (w) => (w.up() ? 1 : 0));
  perRegistry.set(registry, s);
  return s;
}

/**
 * Registers a writer's metrics on `registry` under the label `writer` (`telemetry` for readings); gauges
 * read `depth()`/`spillBytes()`/`up()` at scrape time. Several writers share one registry's metrics.
 */
export function registerWriterMetrics(registry: Registry, read: WriterState, writer = 'telemetry'): WriterMetrics {
  const s = shared(registry);
  s.writers.set(writer, read);
  return {
    written: (n) => s.written.inc({ writer }, n),
    failure: (reason) => s.failures.inc({ writer, reason }),
    duration: (sec) => s.duration.observe({ writer }, sec),
  };
}
