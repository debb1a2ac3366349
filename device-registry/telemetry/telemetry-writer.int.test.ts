import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Reading } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import { startInflux, type InfluxServer } from '../../test/servers/influx.js';
import { createInfluxTelemetryStore } from './telemetry-store.influx.js';
import { TelemetryWriter, type TelemetryWriterStats } from './telemetry-writer.js';

const OUTAGE_MS = 30_000;
const DEVICES = Array.from({ length: 20 }, (_, i) => `gas-${String(i).padStart(3, '0')}.out_age`);
const T0 = 1_700_000_000_000;

describe('TelemetryWriter against a real InfluxDB that goes down for 30 s', () => {
  const spillDir = mkdtempSync(join(tmpdir(), 'cb-outage-spill-'));
  let influx: InfluxServer | undefined;
  afterAll(async () => {
    await influx?.stop();
    if (influx) rmSync(influx.dir, { recursive: true, force: true });
    rmSync(spillDir, { recursive: true, force: true });
  });

  it('acknowledges every write during the outage and loses none of them', async () => {
    influx = await startInflux();
    const store = await createInfluxTelemetryStore({ url: influx.url, db: 'outage', timeoutMs: 2000 });
    const w = new TelemetryWriter({
      store, log: silentLogger(), batchSize: 500, flushMs: 50, bufferMax: 20_000,
      spillDir, spillMaxBytes: 256 << 20, segmentBytes: 256 << 10, retryBaseMs: 100, retryMaxMs: 2000,
    });

    // Producer: every 20 ms one reading per device, each its own write() as the broker would issue them.
    const acked: Reading[] = [];
    const writes: Promise<void>[] = [];
    let maxAckMs = 0;
    let running = true;
    const producer = (async () => {
      for (let tick = 0; running; tick++) {
        for (const [d, deviceId] of DEVICES.entries()) {
          const r: Reading = {
            deviceId, kind: 'gas', ts: T0 + tick * 1000, metrics: { ch4_lel: (tick + d) % 100, cover_open: tick % 2 === 0 },
            district: d % 3 === 0 ? null : '370202', asset: null, receivedAt: Date.now(),
          };
          const t = Date.now();
          writes.push(w.write([r]).then(() => {
            maxAckMs = Math.max(maxAckMs, Date.now() - t);
            acked.push(r);
          }));
        }
        await delay(20); // pacing the load, not waiting for a condition
      }
    })();

    await vi.waitFor(() => expect(w.stats().writtenTotal).toBeGreaterThan(1000), { timeout: 20_000 });
    // Crash InfluxDB (SIGKILL, no clean shutdown) while readings keep coming.
    const exited = once(influx.child, 'exit');
    influx.child.kill('SIGKILL');
    await exited;
    await vi.waitFor(() => expect(w.stats().storeUp).toBe(false), { timeout: 10_000 });
    const ackedAtStop = acked.length;
    await delay(OUTAGE_MS);
    const during: TelemetryWriterStats = w.stats();
    const ackedDuringOutage = acked.length - ackedAtStop;

    influx = await startInflux({ dir: influx.dir, port: influx.port, rpcPort: influx.rpcPort });
    await vi.waitFor(() => expect(w.stats()).toMatchObject({ storeUp: true, spillSegments: 0 }), { timeout: 60_000, interval: 200 });
    running = false;
    await producer;
    const settled = await Promise.allSettled(writes);
    await w.close();

    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    expect(acked.length).toBe(writes.length);
    expect(during.storeUp).toBe(false);
    expect(during.spilledBytes).toBeGreaterThan(0);
    expect(during.failedWrites).toBeGreaterThan(0);
    expect(during.retries).toBeGreaterThan(0);
    expect(ackedDuringOutage).toBeGreaterThan(10_000); // ~1,000 readings/s kept being acknowledged
    expect(readdirSync(spillDir)).toEqual([]);

    // Every acknowledged reading is queryable after the restart: zero lost.
    let found = 0;
    for (const deviceId of DEVICES) {
      const expected = acked.filter((r) => r.deviceId === deviceId).map((r) => r.ts).sort((a, b) => a - b);
      const raw = await store.queryRaw({ deviceId, from: T0, to: T0 + 1e9, limit: 1e6 });
      expect(raw.ch4_lel?.map((p) => p.ts)).toEqual(expected);
      expect(raw.cover_open?.length).toBe(expected.length);
      found += raw.ch4_lel?.length ?? 0;
    }
    expect(found).toBe(acked.length);
    console.info(
      `outage test: ${acked.length} readings acknowledged (${ackedDuringOutage} during the ${OUTAGE_MS / 1000} s outage), ` +
        `${found} found after restart; max ack latency ${maxAckMs} ms; spill peak sample ${during.spilledBytes} bytes ` +
        `in ${during.spillSegments} segments; ${during.failedWrites} failed writes, ${w.stats().retries} retries`,
    );
  }, 180_000);
});
