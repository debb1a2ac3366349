import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reading } from '../../kernel/events.js';
import type { TelemetryStore } from './telemetry-store.js';

export interface TelemetryStoreHarness {
  store: TelemetryStore;
  cleanup: () => Promise<void>;
}

/** An hour boundary, so buckets of 1 min / 10 min line up with the epoch as the port promises. */
const T0 = Math.floor(1_700_000_000_000 / 3_600_000) * 3_600_000;

function reading(deviceId: string, ts: number, metrics: Reading['metrics'], extra: Partial<Reading> = {}): Reading {
  return { deviceId, kind: 'gas', ts, metrics, district: '370202', asset: null, receivedAt: ts, ...extra };
}

/**
 * The conformance suite of the TelemetryStore port (aedes-persistence style): each adapter's test
 * file calls it with a factory that returns a fresh, empty store and a cleanup.
 */
export function describeTelemetryStore(name: string, make: () => Promise<TelemetryStoreHarness>): void {
  describe(`TelemetryStore: ${name}`, () => {
    let h: TelemetryStoreHarness;
    let store: TelemetryStore;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('answers ping, and an empty store answers empty queries', async () => {
      await store.ping();
      expect(await store.queryRaw({ deviceId: 'nobody', from: 0, to: T0 * 2 })).toEqual({});
      expect(await store.queryAggregate({ deviceId: 'nobody', metric: 'x', from: 0, to: T0 * 2, everyMs: 60_000 })).toEqual([]);
      expect(await store.latest('nobody')).toEqual({});
    });

    it('accepts an empty write', async () => {
      await store.write([]);
      expect(await store.latest('gas-1')).toEqual({});
    });

    it('queries raw points in [from, to), per metric or all, oldest first, with a limit', async () => {
      const rs = [5, 1, 3, 0, 4, 2].map((i) => reading('gas-1', T0 + i * 1000, { ch4_lel: i * 1.5, temp_c: 20 + i }));
      await store.write(rs);
      const one = await store.queryRaw({ deviceId: 'gas-1', metric: 'ch4_lel', from: T0 + 1000, to: T0 + 4000 });
      expect(one).toEqual({
        ch4_lel: [
          { ts: T0 + 1000, value: 1.5 },
          { ts: T0 + 2000, value: 3 },
          { ts: T0 + 3000, value: 4.5 },
        ],
      });
      const all = await store.queryRaw({ deviceId: 'gas-1', from: T0, to: T0 + 6000 });
      expect(Object.keys(all).sort()).toEqual(['ch4_lel', 'temp_c']);
      expect(all.temp_c?.map((p) => p.ts)).toEqual([0, 1, 2, 3, 4, 5].map((i) => T0 + i * 1000));
      const limited = await store.queryRaw({ deviceId: 'gas-1', from: T0, to: T0 + 6000, limit: 2 });
      expect(limited.ch4_lel).toEqual([
        { ts: T0, value: 0 },
        { ts: T0 + 1000, value: 1.5 },
      ]);
      expect(limited.temp_c).toHaveLength(2);
      expect(await store.queryRaw({ deviceId: 'gas-1', metric: 'nope', from: T0, to: T0 + 6000 })).toEqual({});
    });

    it('queries many devices over one range at once, per device and metric, with a limit per series', async () => {
      expect(await store.queryRawMany({ deviceIds: [], from: 0, to: T0 * 2 })).toEqual({});
      expect(await store.queryRawMany({ deviceIds: ['nobody'], from: 0, to: T0 * 2 })).toEqual({});
      await store.write([
        ...[2, 0, 1].map((i) => reading('gas-1', T0 + i * 1000, { ch4_lel: i, temp_c: 20 + i })),
        ...[0, 1].map((i) => reading("gas-'2\\b", T0 + i * 1000 + 500, { ch4_lel: 10 + i })),
        reading('lift-1', T0, { running: true }, { kind: 'elevator' }),
        reading('other', T0, { ch4_lel: 99 }),
        reading('gas-1', T0 + 9000, { ch4_lel: 9 }),
      ]);
      const ids = ['gas-1', "gas-'2\\b", 'lift-1', 'missing'];
      const all = await store.queryRawMany({ deviceIds: ids, from: T0, to: T0 + 3000 });
      expect(all).toEqual({
        'gas-1': {
          ch4_lel: [0, 1, 2].map((i) => ({ ts: T0 + i * 1000, value: i })),
          temp_c: [0, 1, 2].map((i) => ({ ts: T0 + i * 1000, value: 20 + i })),
        },
        "gas-'2\\b": { ch4_lel: [{ ts: T0 + 500, value: 10 }, { ts: T0 + 1500, value: 11 }] },
        'lift-1': { running: [{ ts: T0, value: true }] },
      });
      const one = await store.queryRawMany({ deviceIds: ids, metric: 'ch4_lel', from: T0, to: T0 + 3000, limit: 1 });
      expect(one).toEqual({ 'gas-1': { ch4_lel: [{ ts: T0, value: 0 }] }, "gas-'2\\b": { ch4_lel: [{ ts: T0 + 500, value: 10 }] } });
      // The same answer as one queryRaw per device.
      for (const id of ids) expect(all[id] ?? {}).toEqual(await store.queryRaw({ deviceId: id, from: T0, to: T0 + 3000 }));
    });

    it('round-trips booleans as booleans', async () => {
      await store.write([
        reading('lift-1', T0, { running: true, door_open: false, floor: 3 }, { kind: 'elevator' }),
        reading('lift-1', T0 + 1000, { running: false, door_open: true, floor: 4 }, { kind: 'elevator' }),
      ]);
      const raw = await store.queryRaw({ deviceId: 'lift-1', from: T0, to: T0 + 2000 });
      expect(raw.running).toEqual([
        { ts: T0, value: true },
        { ts: T0 + 1000, value: false },
      ]);
      expect(raw.door_open?.map((p) => p.value)).toEqual([false, true]);
      expect(raw.floor?.map((p) => p.value)).toEqual([3, 4]);
      const latest = await store.latest('lift-1');
      expect(latest.door_open).toEqual({ ts: T0 + 1000, value: true });
      expect(latest.floor).toEqual({ ts: T0 + 1000, value: 4 });
    });

    it('stores a rewritten batch once (idempotent), and a rewrite of the same point overwrites it', async () => {
      const batch = Array.from({ length: 50 }, (_, i) => reading('water-7', T0 + i * 1000, { pressure_mpa: 0.3 + i / 100 }));
      await store.write(batch);
      await store.write(batch);
      const raw = await store.queryRaw({ deviceId: 'water-7', metric: 'pressure_mpa', from: T0, to: T0 + 60_000 });
      expect(raw.pressure_mpa).toHaveLength(50);
      await store.write([reading('water-7', T0, { pressure_mpa: 1.25 })]);
      const again = await store.queryRaw({ deviceId: 'water-7', metric: 'pressure_mpa', from: T0, to: T0 + 1 });
      expect(again.pressure_mpa).toEqual([{ ts: T0, value: 1.25 }]);
    });

    it('aggregates mean/min/max/count per aligned bucket and omits empty buckets', async () => {
      const minute = 60_000;
      // Bucket 0: 1, 2, 6 — bucket 1 empty — bucket 2: 10 — bucket 3: 4, 8. Plus one point outside [from, to).
      const pts: [number, number][] = [
        [0, 1], [15_000, 2], [59_999, 6], [2 * minute + 30_000, 10], [3 * minute, 4], [3 * minute + 1, 8], [4 * minute, 100],
      ];
      await store.write(pts.map(([dt, v]) => reading('br-1', T0 + dt, { strain_ue: v }, { kind: 'bridge' })));
      const buckets = await store.queryAggregate({ deviceId: 'br-1', metric: 'strain_ue', from: T0, to: T0 + 4 * minute, everyMs: minute });
      expect(buckets.map((b) => b.ts)).toEqual([T0, T0 + 2 * minute, T0 + 3 * minute]);
      expect(buckets.map((b) => b.count)).toEqual([3, 1, 2]);
      expect(buckets.map((b) => b.min)).toEqual([1, 10, 4]);
      expect(buckets.map((b) => b.max)).toEqual([6, 10, 8]);
      expect(buckets[0]?.mean).toBeCloseTo(3, 9);
      expect(buckets[2]?.mean).toBeCloseTo(6, 9);
      const wide = await store.queryAggregate({ deviceId: 'br-1', metric: 'strain_ue', from: T0, to: T0 + 10 * minute, everyMs: 10 * minute });
      expect(wide).toHaveLength(1);
      expect(wide[0]).toMatchObject({ ts: T0, count: 7, min: 1, max: 100 });
    });

    it('returns the latest value of every metric', async () => {
      await store.write([
        reading('heat-2', T0 + 2000, { supply_temp_c: 72 }, { kind: 'heat' }),
        reading('heat-2', T0, { supply_temp_c: 70, return_temp_c: 50 }, { kind: 'heat' }),
        reading('heat-2', T0 + 1000, { supply_temp_c: 71, return_temp_c: 51.5 }, { kind: 'heat' }),
      ]);
      expect(await store.latest('heat-2')).toEqual({
        supply_temp_c: { ts: T0 + 2000, value: 72 },
        return_temp_c: { ts: T0 + 1000, value: 51.5 },
      });
    });

    it('keeps devices apart (even when one id is a prefix of another)', async () => {
      await store.write([reading('gas-1', T0, { ch4_lel: 1 }), reading('gas-10', T0, { ch4_lel: 10 }), reading('gas-10', T0 + 1, { ch4_lel: 11 })]);
      const a = await store.queryRaw({ deviceId: 'gas-1', from: T0, to: T0 + 10 });
      expect(a).toEqual({ ch4_lel: [{ ts: T0, value: 1 }] });
      expect((await store.latest('gas-10')).ch4_lel).toEqual({ ts: T0 + 1, value: 11 });
      expect(await store.queryAggregate({ deviceId: 'gas-1', metric: 'ch4_lel', from: T0, to: T0 + 10, everyMs: 1000 })).toEqual([
        { ts: T0, mean: 1, min: 1, max: 1, count: 1 },
      ]);
    });

    it('stores ids and tags that need escaping or quoting, and null district/asset', async () => {
      const ids = ['gas-01.a_b', "odd id,with=chars 'q' \"dq\"", 'gas-1\' OR device =~ /.*/ --'];
      await store.write([
        reading(ids[0]!, T0, { ch4_lel: 1 }, { district: null, asset: null }),
        reading(ids[1]!, T0, { ch4_lel: 2, 'odd metric,=x': 3 }, { district: 'd 1,x=y', asset: 'pipe "A"' }),
        reading(ids[2]!, T0, { ch4_lel: 4 }),
      ]);
      expect(await store.queryRaw({ deviceId: ids[0]!, from: T0, to: T0 + 1 })).toEqual({ ch4_lel: [{ ts: T0, value: 1 }] });
      expect(await store.queryRaw({ deviceId: ids[1]!, from: T0, to: T0 + 1 })).toEqual({
        ch4_lel: [{ ts: T0, value: 2 }],
        'odd metric,=x': [{ ts: T0, value: 3 }],
      });
      expect(await store.latest(ids[2]!)).toEqual({ ch4_lel: { ts: T0, value: 4 } });
      // An injection attempt in the id matches nothing else.
      expect(await store.latest("gas-01.a_b' OR '1'='1")).toEqual({});
    });

    it('writes a large batch (20k points) in one call', async () => {
      const n = 20_000;
      const batch = Array.from({ length: n }, (_, i) => reading('br-big', T0 + i * 10, { accel_mg: i % 97 }, { kind: 'bridge' }));
      await store.write(batch);
      const agg = await store.queryAggregate({ deviceId: 'br-big', metric: 'accel_mg', from: T0, to: T0 + n * 10, everyMs: 3_600_000 });
      expect(agg.reduce((s, b) => s + b.count, 0)).toBe(n);
      const raw = await store.queryRaw({ deviceId: 'br-big', metric: 'accel_mg', from: T0, to: T0 + n * 10, limit: n });
      expect(raw.accel_mg).toHaveLength(n);
      expect(raw.accel_mg?.[n - 1]).toEqual({ ts: T0 + (n - 1) * 10, value: (n - 1) % 97 });
    }, 60_000);
  });
}
