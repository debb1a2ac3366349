import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import type { Reading } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import type { TelemetryStore } from './telemetry-store.js';
import { createSqlTelemetryStore } from './telemetry-store.sql.js';
import { TelemetryWriter } from './telemetry-writer.js';

interface Call {
  readings: readonly Reading[];
  /** Lets the write into the real store and resolves it. */
  succeed(): void;
  /** Fails it as an outage. */
  fail(): void;
}

/** The real SQLite adapter behind a gate: every write waits until the test succeeds or fails it. */
class GatedStore implements TelemetryStore {
  readonly name = 'gated-sqlite';
  readonly calls: Call[] = [];
  open = false;
  constructor(readonly inner: TelemetryStore) {}
  write(readings: readonly Reading[]): Promise<void> {
    if (this.open) return this.inner.write(readings);
    return new Promise((resolve, reject) => {
      this.calls.push({
        readings,
        succeed: () => void this.inner.write(readings).then(resolve, reject),
        fail: () => reject(new AppError('TELEMETRY_STORE_UNAVAILABLE', { message: 'injected outage' })),
      });
    });
  }
  queryRaw = (q: Parameters<TelemetryStore['queryRaw']>[0]) => this.inner.queryRaw(q);
  queryRawMany = (q: Parameters<TelemetryStore['queryRawMany']>[0]) => this.inner.queryRawMany(q);
  queryAggregate = (q: Parameters<TelemetryStore['queryAggregate']>[0]) => this.inner.queryAggregate(q);
  latest = (id: string) => this.inner.latest(id);
  ping = () => Promise.resolve();
  close = () => this.inner.close();
}

const r = (i: number): Reading => ({ deviceId: 'd', kind: 'gas', ts: 1_000_000 + i, metrics: { v: i }, district: null, asset: null, receivedAt: 0 });
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

let dir: string;
let store: GatedStore;
let w: TelemetryWriter;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cb-writer-pipe-'));
  store = new GatedStore(createSqlTelemetryStore({ file: ':memory:' }));
  w = new TelemetryWriter({
    store, log: silentLogger(), batchSize: 10, flushMs: 60_000, bufferMax: 1000, maxInflightBatches: 4,
    spillDir: join(dir, 'spill'), spillMaxBytes: 1 << 20, retryBaseMs: 5, retryMaxMs: 20,
  });
});
afterEach(async () => {
  store.open = true;
  for (const c of store.calls.splice(0)) c.succeed();
  await w.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function stored(): Promise<number[]> {
  const raw = await store.inner.queryRaw({ deviceId: 'd', metric: 'v', from: 0, to: 2_000_000, limit: 1e6 });
  return (raw.v ?? []).map((p) => p.ts - 1_000_000);
}

/** Six writes of one full batch each; records the order their promises settle in. */
function sixBatches(): { settled: number[]; all: Promise<void[]> } {
  const settled: number[] = [];
  const ps = range(0, 6).map((b) => w.write(range(b * 10, b * 10 + 10).map(r)).then(() => void settled.push(b)));
  return { settled, all: Promise.all(ps) };
}

describe('TelemetryWriter: pipelined store writes', () => {
  it('keeps at most maxInflightBatches store writes under way, and starts the next as one settles', async () => {
    const { all } = sixBatches();
    await vi.waitFor(() => expect(store.calls).toHaveLength(4));
    expect(w.stats().buffered).toBe(60);
    store.calls[0]!.succeed();
    await vi.waitFor(() => expect(store.calls).toHaveLength(5));
    for (const c of store.calls.slice(1)) c.succeed();
    await vi.waitFor(() => expect(store.calls).toHaveLength(6));
    store.calls[5]!.succeed();
    await all;
    expect(await stored()).toEqual(range(0, 60));
  });

  it('settles batches in the order they were taken, whatever order the store answers in', async () => {
    const { settled, all } = sixBatches();
    await vi.waitFor(() => expect(store.calls).toHaveLength(4));
    for (const i of [3, 2, 1]) store.calls[i]!.succeed();
    await vi.waitFor(() => expect(w.stats().writtenTotal).toBe(30));
    expect(settled).toEqual([]); // the first batch is still being written: nothing after it is acknowledged
    store.calls[0]!.succeed();
    await vi.waitFor(() => expect(store.calls).toHaveLength(6));
    store.calls[5]!.succeed();
    store.calls[4]!.succeed();
    await all;
    expect(settled).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('spills a batch that failed while later ones succeeded, acknowledges all in order and loses none', async () => {
    const { settled, all } = sixBatches();
    await vi.waitFor(() => expect(store.calls).toHaveLength(4));
    store.calls[1]!.succeed();
    store.calls[3]!.succeed();
    await vi.waitFor(() => expect(w.stats().writtenTotal).toBe(20));
    store.calls[0]!.fail(); // then the store went down under the first and third batches
    store.calls[2]!.fail();
    await all;
    // The last two batches went straight to the spill: no store write of theirs was started.
    expect(store.calls.slice(4).flatMap((c) => c.readings.map((x) => x.ts - 1_000_000)).filter((i) => i >= 40)).toEqual([]);
    expect(settled).toEqual([0, 1, 2, 3, 4, 5]);
    expect(w.stats().spilledBytes).toBeGreaterThan(0);
    store.open = true;
    for (const c of store.calls.slice(4)) c.succeed(); // a replay that started while the gate was shut
    await vi.waitFor(() => expect(w.stats()).toMatchObject({ storeUp: true, spillSegments: 0 }), { timeout: 5000 });
    expect(await stored()).toEqual(range(0, 60));
  });

  it('group commit (flushWhenIdle): a lone reading is written at once; what arrives during a write is the next batch', async () => {
    const g = new TelemetryWriter({
      store, log: silentLogger(), batchSize: 1000, flushMs: 60_000, flushWhenIdle: true, bufferMax: 1000,
      spillDir: join(dir, 'spill-g'), spillMaxBytes: 1 << 20,
    });
    const first = g.write([r(0)]);
    await vi.waitFor(() => expect(store.calls).toHaveLength(1)); // not after flushMs (a minute)
    const rest = [1, 2, 3].map((i) => g.write([r(i)]));
    store.calls[0]!.succeed();
    await first;
    await vi.waitFor(() => expect(store.calls).toHaveLength(2));
    expect(store.calls[1]!.readings.map((x) => x.ts - 1_000_000)).toEqual([1, 2, 3]);
    store.calls[1]!.succeed();
    await Promise.all(rest);
    await g.close();
    expect(await stored()).toEqual([0, 1, 2, 3]);
  });
});
