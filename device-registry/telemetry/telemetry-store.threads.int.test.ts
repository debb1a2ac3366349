import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import type { Reading } from '../../kernel/events.js';
import { createLogger } from '../../kernel/logger.js';
import { freePort } from '../../test/servers/free-port.js';
import { describeTelemetryStore } from './telemetry-store.conformance.js';
import { createInfluxTelemetryStore } from './telemetry-store.influx.js';
import { createSqlTelemetryStore } from './telemetry-store.sql.js';
import { withWriteThreads, type StoreSpec } from './telemetry-store.threads.js';

// The same port, with its writes in worker threads (CITYBRAIN_INGEST_WORKERS): one conformance suite.
const url = inject('influxUrl');
const log = createLogger({ level: 'silent' });

async function influxWithThreads(db: string, threads: number, at = url) {
  const spec: StoreSpec = { kind: 'influx', options: { url: at, db, timeoutMs: 2000 } };
  return withWriteThreads(await createInfluxTelemetryStore(spec.options), spec, threads, log);
}

describeTelemetryStore('influxdb 1.x, writes in 2 worker threads', async () => {
  const db = `cb_test_${randomBytes(6).toString('hex')}`;
  const store = await influxWithThreads(db, 2);
  return { store, cleanup: () => store.close() };
});

describeTelemetryStore('sqlite file, writes in a worker thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-tthr-'));
  const spec: StoreSpec = { kind: 'sqlite', file: join(dir, 'telemetry.sqlite') };
  const store = withWriteThreads(createSqlTelemetryStore({ file: spec.file }), spec, 1, log);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const r = (ts: number, metrics: Reading['metrics']): Reading => ({ deviceId: 'g', kind: 'gas', ts, metrics, district: null, asset: null, receivedAt: ts });

describe('telemetry write threads (specifics)', () => {
  it('passes the store error codes through: an outage is TELEMETRY_STORE_UNAVAILABLE, bad data TELEMETRY_WRITE_FAILED', async () => {
    const down = await influxWithThreads('cb_down', 1, `http://127.0.0.1:${await freePort()}`);
    const outage = await down.write([r(1, { ch4_lel: 1 })]).catch((e: unknown) => e);
    expect(isAppError(outage) && outage.code).toBe('TELEMETRY_STORE_UNAVAILABLE');
    await down.close();

    const db = `cb_test_${randomBytes(6).toString('hex')}`;
    const store = await influxWithThreads(db, 1);
    await store.write([r(1000, { ch4_lel: 1 })]);
    // A boolean into a float field: InfluxDB answers 400 "partial write", the store's TELEMETRY_WRITE_FAILED.
    const bad = await store.write([r(2000, { ch4_lel: true })]).catch((e: unknown) => e);
    expect(isAppError(bad) && bad.code).toBe('TELEMETRY_WRITE_FAILED');
    expect((await store.queryRaw({ deviceId: 'g', from: 0, to: 3000 })).ch4_lel?.map((p) => p.value)).toEqual([1]);
    await store.close();
  });

  it('a thread that dies fails its writes as TELEMETRY_STORE_UNAVAILABLE (not durable: the writer spills them), and the next write gets a new thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-tthr-'));
    const file = join(dir, 'telemetry.sqlite');
    const main = createSqlTelemetryStore({ file });
    // The thread cannot open its store (a directory where the file should be), so it exits at start.
    const broken = withWriteThreads(main, { kind: 'sqlite', file: dir }, 1, log);
    const err = await broken.write([r(1, { ch4_lel: 1 })]).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('TELEMETRY_STORE_UNAVAILABLE');
    const err2 = await broken.write([r(2, { ch4_lel: 2 })]).catch((e: unknown) => e);
    expect(isAppError(err2) && err2.code).toBe('TELEMETRY_STORE_UNAVAILABLE');
    await broken.close();
    const again = createSqlTelemetryStore({ file }); // close() closed the main store too: reopened to look
    expect(await again.latest('g')).toEqual({});
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
