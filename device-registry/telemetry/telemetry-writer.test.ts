import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import type { Reading } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import { toSpillBlock } from './telemetry-spill.js';
import type { TelemetryStore } from './telemetry-store.js';
import { createSqlTelemetryStore } from './telemetry-store.sql.js';
import { TelemetryWriter, type TelemetryWriterOptions } from './telemetry-writer.js';

/** The real SQLite adapter with failures injected: `down` = outage, `bad` readings = rejected like a partial write. */
class FlakyStore implements TelemetryStore {
  readonly name = 'flaky-sqlite';
  down = false;
  writes = 0;
  constructor(readonly inner: TelemetryStore) {}
  async write(readings: readonly Reading[]): Promise<void> {
    this.writes += 1;
    if (this.down) throw new AppError('TELEMETRY_STORE_UNAVAILABLE', { message: 'injected outage' });
    const good = readings.filter((r) => r.metrics.bad === undefined);
    await this.inner.write(good);
    if (good.length < readings.length) throw new AppError('TELEMETRY_WRITE_FAILED', { message: 'partial write: injected' });
  }
  queryRaw = (q: Parameters<TelemetryStore['queryRaw']>[0]) => this.inner.queryRaw(q);
  queryRawMany = (q: Parameters<TelemetryStore['queryRawMany']>[0]) => this.inner.queryRawMany(q);
  queryAggregate = (q: Parameters<TelemetryStore['queryAggregate']>[0]) => this.inner.queryAggregate(q);
  latest = (id: string) => this.inner.latest(id);
  async ping(): Promise<void> {
    if (this.down) throw new AppError('TELEMETRY_STORE_UNAVAILABLE', { message: 'injected outage' });
  }
  close = () => this.inner.close();
}

const r = (i: number, metrics: Reading['metrics'] = { v: i }): Reading => ({
  deviceId: 'd', kind: 'gas', ts: 1_000_000 + i, metrics, district: null, asset: null, receivedAt: 1_000_000 + i,
});

let dir: string;
let store: FlakyStore;
const writers: TelemetryWriter[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cb-writer-'));
  store = new FlakyStore(createSqlTelemetryStore({ file: ':memory:' }));
});
afterEach(async () => {
  store.down = false;
  for (const w of writers.splice(0)) await w.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function writer(o: Partial<TelemetryWriterOptions> = {}, s: TelemetryStore = store): TelemetryWriter {
  const w = new TelemetryWriter({
    store: s, log: silentLogger(), batchSize: 10, flushMs: 60_000, bufferMax: 1000,
    spillDir: join(dir, 'spill'), spillMaxBytes: 1 << 20, retryBaseMs: 5, retryMaxMs: 20, ...o,
  });
  writers.push(w);
  return w;
}

async function stored(): Promise<number[]> {
  const raw = await store.inner.queryRaw({ deviceId: 'd', metric: 'v', from: 0, to: 2_000_000, limit: 1e6 });
  return (raw.v ?? []).map((p) => p.ts - 1_000_000);
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const spillFiles = () => readdirSync(join(dir, 'spill'));

describe('TelemetryWriter', () => {
  it('batches by size: full batches are written at once, the rest waits', async () => {
    const w = writer();
    const ps = range(0, 25).map((i) => w.write([r(i)]));
    await Promise.all(ps.slice(0, 20));
    expect(store.writes).toBe(2);
    expect(w.stats()).toMatchObject({ buffered: 5, writtenTotal: 20, storeUp: true });
    await w.flush();
    await Promise.all(ps);
    expect(store.writes).toBe(3);
    expect(await stored()).toEqual(range(0, 25));
  });

  it('batches by time: a partial batch is written after flushMs', async () => {
    const w = writer({ batchSize: 1000, flushMs: 20 });
    await Promise.all([w.write([r(1)]), w.write([r(2), r(3)])]);
    expect(store.writes).toBe(1);
    expect(await stored()).toEqual([1, 2, 3]);
  });

  it('spills to disk during an outage (writes still resolve), then replays in order and deletes the spill', async () => {
    const w = writer();
    store.down = true;
    const ps = range(0, 35).map((i) => w.write([r(i)]));
    await w.flush();
    await Promise.all(ps);
    const s = w.stats();
    expect(s).toMatchObject({ storeUp: false, buffered: 0, writtenTotal: 0, lastError: 'injected outage' });
    expect(s.spilledBytes).toBeGreaterThan(0);
    expect(s.spillSegments).toBeGreaterThanOrEqual(1);
    expect(s.failedWrites).toBeGreaterThanOrEqual(1);
    expect(await stored()).toEqual([]);
    store.down = false;
    await vi.waitFor(() => expect(w.stats()).toMatchObject({ storeUp: true, spillSegments: 0, spilledBytes: 0 }), { timeout: 5000 });
    expect(w.stats().retries).toBeGreaterThanOrEqual(1);
    expect(await stored()).toEqual(range(0, 35));
    expect(spillFiles()).toEqual([]);
  });

  it('retries with backoff rather than spinning while the store is down', async () => {
    const w = writer({ retryBaseMs: 40, retryMaxMs: 40, batchSize: 1 });
    store.down = true;
    const t0 = Date.now();
    await w.write([r(1)]);
    await w.flush();
    await vi.waitFor(() => expect(w.stats().retries).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    // Each retry waits 50–100 % of 40 ms.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 20);
    expect(store.writes).toBeLessThanOrEqual(w.stats().retries + 2);
  });

  it('rejects with TELEMETRY_BUFFER_FULL once the spill budget is spent, and keeps what it acknowledged', async () => {
    const w = writer({ spillMaxBytes: 1500, batchSize: 1 });
    store.down = true;
    const outcomes = await Promise.allSettled(range(0, 40).map((i) => w.write([r(i)])));
    const acked = range(0, 40).filter((i) => outcomes[i]?.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(acked.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'TELEMETRY_BUFFER_FULL' });
    expect(w.stats().spilledBytes).toBeLessThanOrEqual(1500);
    store.down = false;
    await vi.waitFor(() => expect(w.stats().spillSegments).toBe(0), { timeout: 5000 });
    expect(await stored()).toEqual(acked);
  });

  it('sends writes past bufferMax straight to the spill, and replays them', async () => {
    const w = writer({ bufferMax: 5, batchSize: 100 });
    const first = range(0, 5).map((i) => w.write([r(i)]));
    await w.write([r(5), r(6), r(7)]); // over bufferMax: durable in the spill right away
    expect(w.stats().buffered).toBe(5);
    await w.flush();
    await Promise.all(first);
    expect(w.stats().spillSegments).toBe(0);
    expect(await stored()).toEqual(range(0, 8));
  });

  it('replays a spill left by a previous process at start, skipping a torn last line', async () => {
    const a = writer();
    store.down = true;
    const ps = range(0, 12).map((i) => a.write([r(i)]));
    await a.flush();
    await Promise.all(ps);
    await a.close(); // shut down during the outage: readings stay in the spill
    // And a segment as a crash leaves it: complete lines, then half a line that was never acknowledged.
    const seg = join(dir, 'spill', 'spill-000000000900.jsonl');
    writeFileSync(seg, toSpillBlock([r(100), r(101)]));
    appendFileSync(seg, JSON.stringify(r(102)).slice(0, 20));
    expect(spillFiles().length).toBeGreaterThanOrEqual(2);
    store.down = false;
    const b = writer();
    await vi.waitFor(() => expect(b.stats().spillSegments).toBe(0), { timeout: 5000 });
    expect(await stored()).toEqual([...range(0, 12), 100, 101]);
    expect(spillFiles()).toEqual([]);
  });

  it('close() writes what is buffered and refuses later writes', async () => {
    const w = writer({ batchSize: 1000 });
    const ps = range(0, 50).map((i) => w.write([r(i)]));
    await w.close();
    await Promise.all(ps);
    expect(await stored()).toEqual(range(0, 50));
    await expect(w.write([r(99)])).rejects.toMatchObject({ code: 'TELEMETRY_STORE_UNAVAILABLE' });
  });

  it('close() during an outage spills what is buffered instead of losing it', async () => {
    const w = writer({ batchSize: 1000 });
    store.down = true;
    const ps = range(0, 7).map((i) => w.write([r(i)]));
    await w.close();
    await Promise.all(ps);
    expect(w.stats().spillSegments).toBe(1);
    expect(spillFiles()).toHaveLength(1);
  });

  it('drops only the readings the store rejects as bad data (bisecting), without retrying forever', async () => {
    const w = writer();
    const batch = range(0, 10).map((i) => (i === 3 || i === 7 ? r(i, { v: i, bad: 1 }) : r(i)));
    await Promise.all(batch.map((x) => w.write([x])));
    expect(w.stats()).toMatchObject({ storeUp: true, droppedTotal: 2, writtenTotal: 8, failedWrites: 1, spillSegments: 0 });
    expect(w.stats().lastError).toMatch(/partial write/);
    expect(await stored()).toEqual(range(0, 10).filter((i) => i !== 3 && i !== 7));
  });

  it('reports to a Prometheus registry and a latency hook', async () => {
    const registry = new Registry();
    const seen: number[] = [];
    const w = writer({ metrics: registry, onWriteLatency: (s, n) => seen.push(n) });
    await Promise.all(range(0, 10).map((i) => w.write([r(i)])));
    store.down = true;
    const p = w.write([r(50)]);
    await w.flush();
    await p;
    const text = await registry.metrics();
    expect(text).toMatch(/citybrain_telemetry_written_total\{writer="telemetry"\} 10/);
    expect(text).toMatch(/citybrain_telemetry_write_failures_total\{writer="telemetry",reason="unavailable"\} [1-9]/);
    expect(text).toMatch(/citybrain_telemetry_spill_bytes\{writer="telemetry"\} [1-9]/);
    expect(text).toMatch(/citybrain_telemetry_buffer_depth\{writer="telemetry"\} 0/);
    expect(text).toMatch(/citybrain_telemetry_write_duration_seconds_count\{writer="telemetry"\} 1/);
    expect(text).toMatch(/citybrain_telemetry_store_up\{writer="telemetry"\} 0/);
    expect(seen).toEqual([10]);
  });
});
