/**
 * Issue #2: "an InfluxDB outage of 30 s with zero acknowledged readings lost" — end to end.
 * Real devices publish QoS 1 over MQTT to the whole platform (INFLUX_URL set); InfluxDB is killed for
 * 30 s and started again on the same port and data dir. Every reading whose PUBACK the device received
 * must be in InfluxDB afterwards, and the devices never notice beyond slower acknowledgements.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { startInflux, type InfluxServer } from '../servers/influx.js';
import { bootPlatform, connectDevice, provision } from './helpers.js';

const OUTAGE_MS = 30_000;

// Also with the telemetry writes in worker threads (CITYBRAIN_INGEST_WORKERS): a PUBACK still means durable.
describe.each(['0', '2'])('InfluxDB outage through the whole platform (CITYBRAIN_INGEST_WORKERS=%s)', (workers) => {
  let influx: InfluxServer | undefined;
  let p: Platform | undefined;
  afterAll(async () => {
    await p?.stop();
    await influx?.stop();
  });

  it('loses none of the readings it acknowledged while InfluxDB was down for 30 s', async () => {
    influx = await startInflux();
    const db = `outage_${randomBytes(3).toString('hex')}`;
    p = await bootPlatform({ INFLUX_URL: influx.url, INFLUX_DB: db, CITYBRAIN_INGEST_WORKERS: workers });
    const devices = await Promise.all([0, 1, 2, 3, 4].map((i) => provision(p!, `wm-out-${i}`, 'water', 120.38 + i * 0.01, 36.07)));
    const clients = await Promise.all(devices.map((d) => connectDevice(p!, d)));

    const acked = new Map<string, number[]>(devices.map((d) => [d.id, []]));
    const base = Date.now() - 3_600_000;
    let running = true;
    let seq = 0;
    const publishers = clients.map(async (c, i) => {
      const id = devices[i]!.id;
      while (running) {
        const ts = base + seq++;
        await c.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ ts, metrics: { pressure_mpa: 0.3 } }), { qos: 1 });
        acked.get(id)!.push(ts); // PUBACK received: the platform promised this reading is durable
        await delay(5); // pacing the load, not waiting for a condition
      }
    });

    await delay(2_000); // two seconds of normal load before the outage
    const before = [...acked.values()].reduce((n, a) => n + a.length, 0);
    await influx.stop(); // InfluxDB goes away
    const downAt = Date.now();
    await vi.waitFor(() => expect(p!.writer.stats().storeUp).toBe(false), { timeout: 10_000 });
    await delay(OUTAGE_MS - (Date.now() - downAt)); // the outage lasts 30 s by definition
    const during = [...acked.values()].reduce((n, a) => n + a.length, 0) - before;
    expect(p.writer.stats().spilledBytes).toBeGreaterThan(0);

    influx = await startInflux({ dir: influx.dir, port: influx.port, rpcPort: influx.rpcPort }); // back, same data
    await delay(2_000); // load continues while the writer replays the spill
    running = false;
    await Promise.all(publishers);
    await Promise.all(clients.map((c) => c.endAsync()));
    await vi.waitFor(() => {
      const s = p!.writer.stats();
      expect(s.storeUp).toBe(true);
      expect(s.spilledBytes).toBe(0);
      expect(s.buffered).toBe(0);
    }, { timeout: 60_000, interval: 250 });

    expect(during).toBeGreaterThan(1_000); // devices kept publishing (and being acknowledged) during the outage
    for (const [id, tss] of acked) {
      const stored = await p.store.queryRaw({ deviceId: id, metric: 'pressure_mpa', from: base, to: base + seq + 1, limit: 1_000_000 });
      const got = new Set((stored.pressure_mpa ?? []).map((x) => x.ts));
      const missing = tss.filter((ts) => !got.has(ts));
      expect(missing, `${id}: ${missing.length} of ${tss.length} acknowledged readings missing`).toEqual([]);
    }
  });
});
