import { booleanPointInPolygon, distance } from '@turf/turf';
import fc from 'fast-check';
import type { FeatureCollection } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_KINDS } from '../firmware-contracts/index.js';
import { loadDistrictsGeoJson } from './city.js';
import { kindCounts, parseMix, placeDevices, type PlacedDevice } from './placement.js';

let city: FeatureCollection;
beforeAll(async () => {
  city = await loadDistrictsGeoJson();
});

const districtOf = (id: string) => city.features.find((f) => (f.properties as { id: string }).id === id)!;
const isCore = (id: string) => (districtOf(id).properties as { urban_core: boolean }).urban_core;

describe('kindCounts', () => {
  it('adds up exactly and follows the weights', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 6, maxLength: 6 }), (total, w) => {
        fc.pre(w.some((x) => x > 0));
        const mix = Object.fromEntries(DEVICE_KINDS.map((k, i) => [k, w[i]!]));
        const counts = kindCounts(total, mix);
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(total);
        DEVICE_KINDS.forEach((k, i) => {
          if (w[i] === 0) expect(counts[k]).toBe(0);
        });
      }),
    );
  });

  it('parses --mix and refuses unknown kinds', () => {
    expect(parseMix('gas=3, bridge=1')).toEqual({ gas: 3, bridge: 1 });
    expect(() => parseMix('lava=3')).toThrow(/bad mix entry/);
    expect(() => parseMix('gas=x')).toThrow(/bad mix entry/);
  });
});

describe('placeDevices (Qingdao)', () => {
  let devices: PlacedDevice[];
  beforeAll(() => {
    devices = placeDevices(city, { devices: 3000, seed: 7 });
  });

  it('places exactly the devices asked for, with unique sim-<kind>-NNNNN ids and the default mix', () => {
    expect(devices).toHaveLength(3000);
    expect(new Set(devices.map((d) => d.id)).size).toBe(3000);
    for (const d of devices) expect(d.id).toMatch(new RegExp(`^sim-${d.kind}-\\d{5}$`));
    const counts = kindCounts(3000);
    for (const k of DEVICE_KINDS) expect(devices.filter((d) => d.kind === k)).toHaveLength(counts[k]);
  });

  it('puts every device inside the district it names; elevators only in the urban core', () => {
    for (const d of devices) {
      expect(booleanPointInPolygon([d.lon, d.lat], districtOf(d.district) as never), d.id).toBe(true);
      if (d.kind === 'elevator') expect(isCore(d.district)).toBe(true);
    }
    const core = devices.filter((d) => isCore(d.district)).length;
    expect(core / devices.length).toBeGreaterThan(0.5); // 4 dense districts carry most of the city
  });

  it('groups devices along mains: one asset per line, neighbours 80–250 m apart', () => {
    const byAsset = new Map<string, PlacedDevice[]>();
    for (const d of devices) byAsset.set(d.asset, [...(byAsset.get(d.asset) ?? []), d]);
    expect(byAsset.size).toBeLessThan(devices.length / 4);
    for (const group of byAsset.values()) {
      expect(new Set(group.map((d) => d.kind)).size).toBe(1);
      expect(new Set(group.map((d) => d.district)).size).toBe(1);
      if (!['gas', 'water', 'heat', 'drainage'].includes(group[0]!.kind)) continue;
      for (let i = 1; i < group.length; i++) {
        const m = distance([group[i - 1]!.lon, group[i - 1]!.lat], [group[i]!.lon, group[i]!.lat], { units: 'meters' });
        expect(m).toBeGreaterThan(75);
        expect(m).toBeLessThan(255);
      }
    }
    const bridges = new Set(devices.filter((d) => d.kind === 'bridge').map((d) => d.asset));
    expect(bridges.size).toBeGreaterThan(2);
    expect(bridges.size).toBeLessThan(20);
  });

  it('is deterministic from the seed', () => {
    expect(placeDevices(city, { devices: 3000, seed: 7 })).toEqual(devices);
    const other = placeDevices(city, { devices: 3000, seed: 8 });
    expect(other.map((d) => d.lon)).not.toEqual(devices.map((d) => d.lon));
  });

  it('keeps a device inside its district after rounding to 6 decimals (seed 2938071179, 8 water: found by the property below)', () => {
    for (const d of placeDevices(city, { devices: 8, seed: 2938071179, mix: { water: 1 }, prefix: 't' })) {
      expect(booleanPointInPolygon([d.lon, d.lat], districtOf(d.district) as never)).toBe(true);
    }
  });

  it('any seed, size and mix: exact count, all inside the city', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(...DEVICE_KINDS), (seed, n, only) => {
        const placed = placeDevices(city, { devices: n, seed, mix: { [only]: 1 }, prefix: 't' });
        expect(placed).toHaveLength(n);
        for (const d of placed) {
          expect(d.kind).toBe(only);
          expect(booleanPointInPolygon([d.lon, d.lat], districtOf(d.district) as never)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
