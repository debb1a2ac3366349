import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTelemetryStore } from './telemetry-store.conformance.js';
import { createSqlTelemetryStore } from './telemetry-store.sql.js';

describeTelemetryStore('sqlite :memory:', async () => {
  const store = createSqlTelemetryStore({ file: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describeTelemetryStore('sqlite file (WAL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-tsql-'));
  const store = createSqlTelemetryStore({ file: join(dir, 'telemetry.sqlite') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite telemetry store (adapter specifics)', () => {
  it('keeps data across reopen, in its own file, with WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-tsql-'));
    const file = join(dir, 'sub', 'telemetry.sqlite');
    const a = createSqlTelemetryStore({ file });
    await a.write([{ deviceId: 'g', kind: 'gas', ts: 5, metrics: { ch4_lel: 2, cover_open: true }, district: null, asset: null, receivedAt: 5 }]);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await a.close();
    const b = createSqlTelemetryStore({ file });
    expect(await b.latest('g')).toEqual({ ch4_lel: { ts: 5, value: 2 }, cover_open: { ts: 5, value: true } });
    await b.close();
    await expect(b.ping()).rejects.toMatchObject({ code: 'TELEMETRY_STORE_UNAVAILABLE' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips non-finite numbers instead of failing the batch', async () => {
    const s = createSqlTelemetryStore({ file: ':memory:' });
    await s.write([{ deviceId: 'g', kind: 'gas', ts: 1, metrics: { a: Number.NaN, b: 1 }, district: null, asset: null, receivedAt: 1 }]);
    expect(await s.latest('g')).toEqual({ b: { ts: 1, value: 1 } });
    await expect(s.queryAggregate({ deviceId: 'g', metric: 'b', from: 0, to: 2, everyMs: 0 })).rejects.toMatchObject({ code: 'QUERY_INVALID' });
    await s.close();
  });
});
