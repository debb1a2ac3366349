import type { ReadingSink } from '../../broker/index.js';
import { systemClock, type Clock } from '../../kernel/clock.js';
import { AppError, isAppError } from '../../kernel/errors.js';
import type { Reading } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import { FlightQueue, flatten, settleAll, type Entry } from './telemetry-flights.js';
import { TelemetrySpill, toSpillBlock } from './telemetry-spill.js';
import type { TelemetryStore } from './telemetry-store.js';
import { noMetrics, registerWriterMetrics, type WriterMetrics } from './telemetry-writer.metrics.js';
import type { TelemetryWriterOptions, TelemetryWriterStats } from './telemetry-writer.options.js';

export type { TelemetryWriterOptions, TelemetryWriterStats } from './telemetry-writer.options.js';

/** Store writes a rejected batch may cost while bisecting for its good readings. */
const BISECT_BUDGET = 64;

/**
 * Batches written to the store at once. One at a time capped throughput at batch ÷ latency; InfluxDB 1.6.7
 * took ~86k points/s from one writer and ~159k from four (constraints.md).
 */
export const DEFAULT_MAX_INFLIGHT_BATCHES = 4;

const isRejected = (err: unknown): boolean => isAppError(err) && err.code === 'TELEMETRY_WRITE_FAILED';
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The durable, batched write path in front of a TelemetryStore (the broker's ReadingSink).
 * `write()` resolves once its readings are in the store, or appended and fsynced to the spill while the
 * store is down; it rejects with TELEMETRY_BUFFER_FULL only when the spill budget is spent (so the broker
 * withholds PUBACK and the device resends). One pump starts store writes — up to `maxInflightBatches` at
 * once — and does all spill work. Batches settle strictly in the order they were taken (MQTT 3.1.1 §4.6
 * [MQTT-4.6.0-2]: PUBACKs go out in the order the PUBLISHes came, and a PUBACK waits for this promise): a
 * batch that finished early waits for those before it, and a failed one is spilled before any later write.
 */
export class TelemetryWriter implements ReadingSink {
  private readonly store: TelemetryStore;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly spill: TelemetrySpill;
  private readonly metrics: WriterMetrics;
  private pending: Entry[] = [];
  private pendingCount = 0;
  /** Store writes under way (their readings are in memory, not yet durable). */
  private readonly flights: FlightQueue;
  private storeUp = true;
  private attempt = 0;
  private flushDue = false;
  private probeDue = false;
  private closing = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private counts = { written: 0, failed: 0, dropped: 0, retries: 0 };
  private lastError: string | null = null;

  constructor(private readonly opts: TelemetryWriterOptions) {
    this.store = opts.store;
    this.log = opts.log;
    this.clock = opts.clock ?? systemClock;
    this.flights = new FlightQueue(Math.max(1, opts.maxInflightBatches ?? DEFAULT_MAX_INFLIGHT_BATCHES), (entries) => this.spillEntries(entries));
    this.spill = new TelemetrySpill(opts.spillDir, opts.spillMaxBytes, opts.segmentBytes ?? 4 * 1024 * 1024);
    this.metrics = opts.metrics
      ? registerWriterMetrics(opts.metrics, { depth: () => this.pendingCount + this.flights.readings, spillBytes: () => this.spill.bytes, up: () => this.storeUp }, opts.metricsLabel)
      : noMetrics;
    if (this.spill.segmentCount > 0) {
      // Leftovers of a previous process (crash or shutdown during an outage): replay them first.
      this.log.info({ segments: this.spill.segmentCount, bytes: this.spill.bytes }, 'replaying telemetry spill left from a previous run');
      setImmediate(() => void this.kick());
    }
  }

  /** Resolves once the readings are durable: written to the store, or fsynced to the spill. */
  write(readings: readonly Reading[]): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ readings, settled: (err) => (err ? reject(err) : resolve()) }));
  }

  /**
   * {@link write} without a promise: `entry.settled` is called once the readings are durable (null) or
   * refused (the error). The broker's ingest path hands its PUBLISH job itself, so a message costs no
   * promise or closure here.
   */
  enqueue(entry: Entry): void {
    if (this.closing) {
      // Settled later, never inside the caller's own call.
      const err = new AppError('TELEMETRY_STORE_UNAVAILABLE', { message: 'Telemetry writer is closed' });
      queueMicrotask(() => entry.settled(err));
      return;
    }
    const n = entry.readings.length;
    if (n === 0) {
      queueMicrotask(() => entry.settled(null));
      return;
    }
    if (this.pendingCount > 0 && this.pendingCount + n > this.opts.bufferMax) {
      // Memory is bounded: past bufferMax a write goes straight to the spill.
      void this.spillEntries([entry]).then(() => this.kick());
      return;
    }
    this.pending.push(entry);
    this.pendingCount += n;
    if (this.pendingCount >= this.opts.batchSize) void this.kick();
    else if (this.opts.flushWhenIdle === true && this.flights.idle) this.flushSoon();
    else this.armFlushTimer();
  }

  /** Writes (or, during an outage, spills) everything buffered; replays the spill if the store is up. */
  async flush(): Promise<void> {
    this.flushDue = true;
    await this.kick();
    await this.flights.settled();
  }

  /** Flushes what is buffered (spilling it if the store is down) and stops; the spill is replayed next start. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.flushTimer);
    clearImmediate(this.flushImmediate);
    clearTimeout(this.retryTimer);
    this.flushDue = true;
    await this.kick();
    await this.flights.settled();
    await this.spill.close();
  }

  stats(): TelemetryWriterStats {
    return {
      buffered: this.pendingCount + this.flights.readings,
      spilledBytes: this.spill.bytes,
      spillSegments: this.spill.segmentCount,
      writtenTotal: this.counts.written,
      failedWrites: this.counts.failed,
      droppedTotal: this.counts.dropped,
      retries: this.counts.retries,
      lastError: this.lastError,
      storeUp: this.storeUp,
    };
  }

  private armFlushTimer(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flushDue = true;
      void this.kick();
    }, this.opts.flushMs);
  }

  /** At the end of this event-loop turn, so everything parsed in it joins the batch. */
  private flushSoon(): void {
    this.flushImmediate ??= setImmediate(() => {
      this.flushImmediate = undefined;
      this.flushDue = true;
      void this.kick();
    });
  }

  /** Starts the pump unless it runs; resolves when it has run out of due work. */
  private kick(): Promise<void> {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
      // Work that arrived between the pump's last check and now.
      if (this.pendingDue() || (this.storeUp && !this.closing && this.spill.segmentCount > 0)) void this.kick();
    });
    return this.pumping;
  }

  private pendingDue(): boolean {
    return this.pendingCount > 0 && (this.flushDue || this.closing || this.pendingCount >= this.opts.batchSize);
  }

  private async pump(): Promise<void> {
    try {
      await this.pumpLoop();
    } catch (err) {
      // Unexpected (e.g. an unreadable spill segment): back off like an outage instead of spinning.
      this.log.error({ err }, 'telemetry writer pump failed');
      this.markDown(err);
    }
  }

  private async pumpLoop(): Promise<void> {
    for (;;) {
      if (this.pendingDue()) {
        if (this.storeUp && !this.flights.full) this.startFlight();
        else if (this.storeUp) await this.flights.nextSettle();
        else {
          // Failed flights are spilled first: the spill keeps the order readings were acknowledged in.
          await this.flights.settled();
          await this.spillEntries(this.takeBatch(Infinity));
        }
        continue;
      }
      if (this.pendingCount === 0) {
        this.flushDue = false;
        clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
      }
      if (this.closing) return this.flights.settled();
      if (this.storeUp && this.spill.segmentCount > 0) {
        await this.flights.settled();
        if (this.storeUp) await this.replayOldest();
        continue;
      }
      if (!this.storeUp && this.probeDue) {
        await this.flights.settled();
        this.probeDue = false;
        await this.probe();
        continue;
      }
      return;
    }
  }

  private takeBatch(max: number): Entry[] {
    let k = 0;
    let n = 0;
    while (n < max && k < this.pending.length) n += this.pending[k++]!.readings.length;
    this.pendingCount -= n;
    // Cut in one step: shifting entries one by one moved the rest of a long queue each time.
    if (k < this.pending.length) return this.pending.splice(0, k);
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  /** Takes a batch and writes it to the store without waiting; the queue settles it in order. */
  private startFlight(): void {
    const entries = this.takeBatch(this.opts.batchSize);
    const readings = entries.length === 1 ? entries[0]!.readings : flatten(entries);
    this.flights.start(entries, readings.length, this.writeToStore(readings), (err) => this.markDown(err));
    if (this.opts.flushWhenIdle === true) {
      // Group commit: what gathered while the store was busy is written as soon as it is free.
      void this.flights.nextSettle().then(() => {
        if (this.pendingCount > 0 && this.flights.idle && !this.closing) this.flushSoon();
      });
    }
  }

  /** Writes to the store; bad data is bisected to keep the good readings. Throws only on an outage. */
  private async writeToStore(readings: readonly Reading[]): Promise<void> {
    const t0 = this.clock.now();
    try {
      await this.store.write(readings);
    } catch (err) {
      if (!isRejected(err)) throw err;
      this.counts.failed += 1;
      this.metrics.failure('rejected');
      this.lastError = messageOf(err);
      const budget = { left: BISECT_BUDGET };
      const dropped = await this.bisect(readings, budget);
      this.counts.dropped += dropped;
      this.counts.written += readings.length - dropped;
      this.metrics.written(readings.length - dropped);
      this.log.warn({ err, readings: readings.length, dropped }, 'telemetry store rejected readings; dropped the bad ones');
      this.markUp();
      return;
    }
    const seconds = (this.clock.now() - t0) / 1000;
    this.counts.written += readings.length;
    this.metrics.written(readings.length);
    this.metrics.duration(seconds);
    this.opts.onWriteLatency?.(seconds, readings.length);
    this.markUp();
  }

  /** Halves a rejected batch until the bad readings are isolated; returns how many were dropped. */
  private async bisect(readings: readonly Reading[], budget: { left: number }): Promise<number> {
    if (readings.length <= 1 || budget.left <= 0) return readings.length;
    const mid = readings.length >> 1;
    let dropped = 0;
    for (const half of [readings.slice(0, mid), readings.slice(mid)]) {
      budget.left -= 1;
      try {
        await this.store.write(half);
      } catch (err) {
        if (!isRejected(err)) throw err;
        dropped += await this.bisect(half, budget);
      }
    }
    return dropped;
  }

  /** Appends entries to the spill (one fsync) and settles them: resolved if spilled, rejected if full. */
  private async spillEntries(entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    let accepted: boolean[];
    try {
      accepted = await this.spill.append(entries.map((e) => toSpillBlock(e.readings)));
    } catch (err) {
      this.log.error({ err }, 'telemetry spill append failed');
      settleAll(entries, new AppError('TELEMETRY_BUFFER_FULL', { message: `Telemetry spill failed: ${messageOf(err)}`, cause: err }));
      return;
    }
    const full = new AppError('TELEMETRY_BUFFER_FULL', { details: { spillMaxBytes: this.opts.spillMaxBytes } });
    entries.forEach((e, i) => settleAll([e], accepted[i] ? null : full));
  }

  /** Replays the oldest spill segment in batches; deleted only once all of it is in the store. */
  private async replayOldest(): Promise<void> {
    const name = await this.spill.oldest();
    if (name === undefined) return;
    const { readings, bad } = await this.spill.read(name);
    if (bad > 0) this.log.warn({ segment: name, bad }, 'skipped torn lines in a telemetry spill segment');
    for (let i = 0; i < readings.length; i += this.opts.batchSize) {
      try {
        await this.writeToStore(readings.slice(i, i + this.opts.batchSize));
      } catch (err) {
        this.markDown(err);
        return;
      }
    }
    await this.spill.remove(name);
  }

  /** After a retry delay: replay the spill (the real test of the store), or ping when there is none. */
  private async probe(): Promise<void> {
    this.counts.retries += 1;
    if (this.spill.segmentCount > 0) return this.replayOldest();
    try {
      await this.store.ping();
      this.markUp();
    } catch (err) {
      this.markDown(err);
    }
  }

  private markUp(): void {
    this.attempt = 0;
    if (this.storeUp) return;
    this.storeUp = true;
    this.log.info({ spilledBytes: this.spill.bytes }, 'telemetry store is back; replaying the spill');
  }

  private markDown(err: unknown): void {
    this.counts.failed += 1;
    this.metrics.failure('unavailable');
    this.lastError = messageOf(err);
    if (this.storeUp) this.log.warn({ err }, 'telemetry store unavailable; spilling readings to disk');
    this.storeUp = false;
    if (this.closing) return;
    // Exponential backoff with jitter (50–100 % of the step), capped, so many writers do not retry in step.
    const step = Math.min(this.opts.retryMaxMs ?? 5000, (this.opts.retryBaseMs ?? 100) * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.probeDue = true;
      void this.kick();
    }, step * (0.5 + Math.random() / 2));
  }
}
