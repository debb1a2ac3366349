/** Small pure helpers the scenario scripts share: seeded randomness, placement near an anchor, ids. */
import type { DeviceKind } from '../../firmware-contracts/index.js';
import { between, hash32, mulberry32, stringSeed, type Rng } from '../random.js';
import type { ScenarioDevice } from './types.js';

const M_PER_DEG_LAT = 111_320;

/** Where each scenario happens: one district centre each (device-registry/city/qingdao-districts.geojson), so
 * the scenarios of one run lie kilometres apart and never fall into each other's incidents (1 km grouping). */
export const ANCHORS = {
  shinan: { lon: 120.395966, lat: 36.070892 },
  shibei: { lon: 120.355026, lat: 36.083819 },
  laoshan: { lon: 120.467393, lat: 36.102569 },
  licang: { lon: 120.421236, lat: 36.160023 },
  chengyang: { lon: 120.389135, lat: 36.306833 },
  jimo: { lon: 120.447352, lat: 36.390847 },
  huangdao: { lon: 119.995518, lat: 35.875138 },
} as const;

export interface Kit {
  rng: Rng;
  /** Uniform in [lo, hi), rounded to `digits` decimals (payloads stay readable). */
  pick(lo: number, hi: number, digits?: number): number;
  /** A unique device id for this run: `sc-<tag>-<seed>-<runId>-<n>`. */
  id(tag: string, n: number): string;
  /** A point `east`/`north` metres from the anchor, nudged by up to `jitterM` (seeded). */
  near(anchor: { lon: number; lat: number }, east: number, north: number, jitterM?: number): { lon: number; lat: number };
  device(id: string, kind: DeviceKind, at: { lon: number; lat: number }, name: string, tags?: string[], asset?: string): ScenarioDevice;
}

export function kit(scenario: string, seed: number, runId: string): Kit {
  const rng = mulberry32(hash32(seed, stringSeed(scenario)));
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  return {
    rng,
    pick: (lo, hi, digits = 2) => round(between(rng, lo, hi), digits),
    id: (tag, n) => `sc-${tag}-${seed}-${runId}-${n}`,
    near(anchor, east, north, jitterM = 40) {
      const e = east + between(rng, -jitterM, jitterM);
      const n = north + between(rng, -jitterM, jitterM);
      const mPerDegLon = M_PER_DEG_LAT * Math.cos((anchor.lat * Math.PI) / 180);
      return { lon: round(anchor.lon + e / mPerDegLon, 6), lat: round(anchor.lat + n / M_PER_DEG_LAT, 6) };
    },
    device(id, kind, at, name, tags = [], asset) {
      return { id, kind, lon: at.lon, lat: at.lat, name, tags: ['scenario', ...tags], ...(asset === undefined ? {} : { asset }) };
    },
  };
}
