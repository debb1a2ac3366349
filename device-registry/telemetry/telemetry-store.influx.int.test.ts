import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { Reading } from '../../kernel/events.js';
import { freePort } from '../../test/servers/free-port.js';
import { describeTelemetryStore } from './telemetry-store.conformance.js';
import { createInfluxTelemetryStore } from './telemetry-store.influx.js';

const url = inject('influxUrl');
const freshDb = () => `cb_test_${randomBytes(6).toString('hex')}`;

async function dropDb(db: string): Promise<void> {
  const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: `DROP DATABASE "${db}"` }) });
  expect(res.status).toBe(200);
}

function r(deviceId: string, ts: number, metrics: Reading['metrics']): Reading {
  return { deviceId, kind: 'gas', ts, metrics, district: null, asset: null, receivedAt: ts };
}

describeTelemetryStore('influxdb 1.x', async () => {
  const db = freshDb();
  const store = await createInfluxTelemetryStore({ url, db });
  return { store, cleanup: async () => { await store.close(); await dropDb(db); } };
});

describe('influxdb telemetry store (adapter specifics)', () => {
  it('creates its database, writes floats without the integer suffix', async () => {
    const db = freshDb();
    const store = await createInfluxTelemetryStore({ url: `${url}/`, db });
    const show = await (await fetch(`${url}/query?q=${encodeURIComponent('SHOW DATABASES')}`)).json() as { results: { series: { values: string[][] }[] }[] };
    expect(show.results[0]?.series[0]?.values.flat()).toContain(db);
    // An integer-looking value first, a fraction later: both must land in the same float field.
    await store.write([r('g', 1000, { ch4_lel: 3 })]);
    await store.write([r('g', 2000, { ch4_lel: 3.5 })]);
    expect((await store.queryRaw({ deviceId: 'g', from: 0, to: 3000 })).ch4_lel?.map((p) => p.value)).toEqual([3, 3.5]);
    await dropDb(db);
  });

  it('surfaces a 400 partial write as TELEMETRY_WRITE_FAILED with the server message, keeping the good points', async () => {
    const db = freshDb();
    const store = await createInfluxTelemetryStore({ url, db });
    await store.write([r('lift', 1000, { running: true })]);
    // `running` is a boolean field now: a number for it conflicts (same shard), the other point is stored.
    const err = await store.write([r('lift', 2000, { running: 5 }), r('lift', 3000, { floor: 2 })]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TELEMETRY_WRITE_FAILED' });
    expect((err as Error).message).toMatch(/partial write|conflict/);
    expect(await store.latest('lift')).toEqual({ running: { ts: 1000, value: true }, floor: { ts: 3000, value: 2 } });
    await dropDb(db);
  });

  it('aggregates boolean metrics as 0/1', async () => {
    const db = freshDb();
    const store = await createInfluxTelemetryStore({ url, db });
    await store.write([r('m', 0, { cover_open: true }), r('m', 10, { cover_open: false }), r('m', 20, { cover_open: true }), r('m', 120, { cover_open: false })]);
    expect(await store.queryAggregate({ deviceId: 'm', metric: 'cover_open', from: 0, to: 1000, everyMs: 100 })).toEqual([
      { ts: 0, mean: 2 / 3, min: 0, max: 1, count: 3 },
      { ts: 100, mean: 0, min: 0, max: 0, count: 1 },
    ]);
    await dropDb(db);
  });

  it('reports TELEMETRY_STORE_UNAVAILABLE when nothing listens, and starts anyway', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const store = await createInfluxTelemetryStore({ url: dead, db: 'x', timeoutMs: 2000 });
    await expect(store.ping()).rejects.toMatchObject({ code: 'TELEMETRY_STORE_UNAVAILABLE' });
    await expect(store.write([r('g', 1, { a: 1 })])).rejects.toMatchObject({ code: 'TELEMETRY_STORE_UNAVAILABLE' });
    await expect(store.latest('g')).rejects.toMatchObject({ code: 'TELEMETRY_STORE_UNAVAILABLE' });
  });
});
