import type { Reading } from '../../kernel/events.js';

/** One write waiting to be durable (the broker's `SinkEntry`: its PUBLISH job, or a `write()` promise). */
export interface Entry {
  readonly readings: readonly Reading[];
  /** Called once: null when the readings are durable, else why they are not. */
  settled(err: Error | null): void;
}

/**
 * Settles entries in order. Synchronous callbacks (the broker sends PUBACKs from them): one that throws must
 * not strand the entries after it, so its error is raised again on its own, as an uncaught one would be.
 */
export function settleAll(entries: readonly Entry[], err: Error | null): void {
  for (const e of entries) {
    try {
      e.settled(err);
    } catch (thrown) {
      queueMicrotask(() => {
        throw thrown;
      });
    }
  }
}

/** A batch being written to the store. */
interface Flight {
  entries: Entry[];
  count: number;
  /** `failed`: the store is down; the entries are spilled when the flight reaches the head. */
  outcome: 'writing' | 'done' | 'failed';
}

/**
 * The telemetry writer's store writes under way, at most `max` at once, settled strictly in the order they
 * were started: a batch that finished early waits for those before it (MQTT 3.1.1 §4.6 [MQTT-4.6.0-2]:
 * PUBACKs in the order the PUBLISHes came, and a PUBACK waits for its `write()`), and a failed one is handed
 * to `spill` — which settles its entries — before any later batch is resolved.
 */
export class FlightQueue {
  private readonly flights: Flight[] = [];
  private settling: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];
  /** Readings in the flights (in memory, not yet durable). */
  readings = 0;

  constructor(
    private readonly max: number,
    private readonly spill: (entries: Entry[]) => Promise<void>,
  ) {}

  /** No store write under way. */
  get idle(): boolean {
    return this.flights.length === 0;
  }

  get full(): boolean {
    return this.flights.length >= this.max;
  }

  /** Tracks `write` (the store write of `entries`, `count` readings); `onFail` runs as soon as it fails. */
  start(entries: Entry[], count: number, write: Promise<void>, onFail: (err: unknown) => void): void {
    const flight: Flight = { entries, count, outcome: 'writing' };
    this.flights.push(flight);
    this.readings += count;
    void write
      .then(
        () => (flight.outcome = 'done'),
        (err: unknown) => {
          flight.outcome = 'failed';
          onFail(err);
        },
      )
      .finally(() => {
        this.settling = this.settling.then(() => this.settleHead());
      });
  }

  /** Resolves when the oldest flight has settled. */
  nextSettle(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when no flight is left. */
  async settled(): Promise<void> {
    while (this.flights.length > 0) await this.nextSettle();
  }

  private async settleHead(): Promise<void> {
    for (let head = this.flights[0]; head !== undefined && head.outcome !== 'writing'; head = this.flights[0]) {
      if (head.outcome === 'failed') await this.spill(head.entries);
      this.flights.shift();
      this.readings -= head.count;
      // Out of the queue first: what the callbacks write next sees the store as free (group commit).
      if (head.outcome === 'done') settleAll(head.entries, null);
      for (const w of this.waiters.splice(0)) w();
    }
  }
}

/** The readings of several `write()` calls as one batch, without intermediate arrays. */
export function flatten(entries: readonly Entry[]): Reading[] {
  let n = 0;
  for (const e of entries) n += e.readings.length;
  const out = new Array<Reading>(n);
  let i = 0;
  for (const e of entries) for (const r of e.readings) out[i++] = r;
  return out;
}
