import type { Registry } from 'prom-client';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { TelemetryStore } from './telemetry-store.js';

export interface TelemetryWriterOptions {
  store: TelemetryStore;
  log: Logger;
  clock?: Clock;
  /** Readings per store write. */
  batchSize: number;
  /** Batches written to the store at once, settled in order (default 4). */
  maxInflightBatches?: number;
  /** Longest a reading waits in memory before it is written (or spilled). */
  flushMs: number;
  /**
   * Group commit: when no store write is under way, write what is buffered at the end of this event-loop
   * turn instead of waiting up to `flushMs`; while writes are under way, readings gather into the next
   * batch, which starts as soon as they are done. Low latency at low rates, large batches at high ones.
   * Default false (batches by `batchSize` and `flushMs` only).
   */
  flushWhenIdle?: boolean;
  /** Most readings held in memory; beyond it a `write()` goes straight to the spill. */
  bufferMax: number;
  spillDir: string;
  /** Spill budget; beyond it `write()` rejects with TELEMETRY_BUFFER_FULL. */
  spillMaxBytes: number;
  /** Spill segment size before a new file is started (default 4 MiB). */
  segmentBytes?: number;
  /** First retry delay after a failure (default 100 ms), doubled per attempt up to `retryMaxMs` (default 5 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  metrics?: Registry;
  /** The `writer` label of its metrics (default `telemetry`; the alert points' writer is `alerts`). */
  metricsLabel?: string;
  /** Called after each successful store write with its duration and size. */
  onWriteLatency?: (seconds: number, readings: number) => void;
}

export interface TelemetryWriterStats {
  /** Readings in memory, not yet durable. */
  buffered: number;
  spilledBytes: number;
  spillSegments: number;
  writtenTotal: number;
  /** Store writes that failed (outage or rejected data). */
  failedWrites: number;
  /** Readings the store rejected as bad data, dropped after bisecting. */
  droppedTotal: number;
  /** Retry attempts made after a failure. */
  retries: number;
  lastError: string | null;
  storeUp: boolean;
}
