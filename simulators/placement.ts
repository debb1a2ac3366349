/**
 * Where a simulated city's devices stand — pure and seeded. Utility sensors sit along "mains": random
 * polylines walked inside one district (a gas main, a water main, a heating loop, a drain line), a
 * sensor every 80–250 m, all sharing the main as their asset. Elevators cluster in buildings in the
 * dense urban core; bridges are few, each a short straight span carrying a dozen gauges.
 *
 * Districts come from `device-registry/city/qingdao-districts.geojson` (domain.md: 10 districts, 4 of
 * them `urban_core`), read by the caller and passed in.
 */
import { bbox, booleanPointInPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { DEVICE_KINDS, type DeviceKind } from '../firmware-contracts/index.js';
import { between, hash32, mulberry32, stringSeed, weightedIndex, type Rng } from './random.js';

export interface PlacedDevice {
  id: string;
  kind: DeviceKind;
  lon: number;
  lat: number;
  /** The main, building or bridge the device belongs to. */
  asset: string;
  /** District id the placement chose (the platform computes its own on provisioning). */
  district: string;
  name: string;
  /** Seed of this device's signal model. */
  seed: number;
}

export type KindMix = Partial<Record<DeviceKind, number>>;

/**
 * Default mix, shaped after Qingdao's reported inventory (domain.md: 6,500 km gas, 3,000 km water,
 * 3,500 heat stations, 2,000 km drainage, 5,000+ elevators, bridges).
 */
export const DEFAULT_MIX: Readonly<Record<DeviceKind, number>> = { gas: 30, water: 20, heat: 12, drainage: 16, elevator: 18, bridge: 4 };

export interface PlacementOptions {
  devices: number;
  seed: number;
  mix?: KindMix;
  /** The id prefix (default `sim`): ids look like `sim-gas-00042`. */
  prefix?: string;
}

interface Area {
  id: string;
  urbanCore: boolean;
  feature: Feature<Polygon | MultiPolygon>;
  box: [number, number, number, number];
}

const M_PER_DEG_LAT = 111_320;
const ASSET_NAME: Record<DeviceKind, string> = {
  gas: 'gas-main', water: 'water-main', heat: 'heat-loop', drainage: 'drain-line', elevator: 'building', bridge: 'bridge',
};

/** Splits `total` over the mix by largest remainder, so the counts add up exactly. */
export function kindCounts(total: number, mix: KindMix = DEFAULT_MIX): Record<DeviceKind, number> {
  const weights = DEVICE_KINDS.map((k) => Math.max(0, mix[k] ?? 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw new RangeError('the kind mix must give at least one kind a positive weight');
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return Object.fromEntries(DEVICE_KINDS.map((k, i) => [k, counts[i] ?? 0])) as Record<DeviceKind, number>;
}

function areas(districts: FeatureCollection): Area[] {
  return districts.features.flatMap((f) => {
    const g = f.geometry;
    if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') return [];
    const props = (f.properties ?? {}) as { id?: unknown; urban_core?: unknown };
    const feature = f as Feature<Polygon | MultiPolygon>;
    return [{ id: String(props.id ?? f.id ?? ''), urbanCore: props.urban_core === true, feature, box: bbox(feature) as [number, number, number, number] }];
  });
}

/** Tests the point as it will be published (6 decimals, ~0.1 m): the rounding must not carry it out of the district. */
function inside(a: Area, rawLon: number, rawLat: number): boolean {
  const [lon, lat] = [round6(rawLon), round6(rawLat)];
  const [w, s, e, n] = a.box;
  return lon >= w && lon <= e && lat >= s && lat <= n && booleanPointInPolygon([lon, lat], a.feature);
}

/** A uniform point inside the district (rejection sampling in its bounding box). */
function pointIn(rng: Rng, a: Area): [number, number] {
  const [w, s, e, n] = a.box;
  for (let i = 0; i < 10_000; i++) {
    const p: [number, number] = [between(rng, w, e), between(rng, s, n)];
    if (inside(a, p[0], p[1])) return p;
  }
  throw new RangeError(`district ${a.id} has no area to place devices in`);
}

/** Moves `m` metres from `p` along `heading` (radians from north), flat-earth at city scale. */
function step(p: readonly [number, number], m: number, heading: number): [number, number] {
  const dLat = (m * Math.cos(heading)) / M_PER_DEG_LAT;
  const dLon = (m * Math.sin(heading)) / (M_PER_DEG_LAT * Math.cos((p[1] * Math.PI) / 180));
  return [p[0] + dLon, p[1] + dLat];
}

/** Urban-core districts are denser: 4× the weight for mains, the only home of elevators. */
function districtWeights(list: Area[], kind: DeviceKind): number[] {
  if (kind === 'elevator') {
    const core = list.map((a) => (a.urbanCore ? 1 : 0));
    return core.some((w) => w > 0) ? core : list.map(() => 1);
  }
  return list.map((a) => (a.urbanCore ? 4 : 1));
}

interface Group {
  points: [number, number][];
  district: string;
}

/** A main: a wandering polyline inside one district, with gentle bends and the odd right-angle turn. */
function walkMain(rng: Rng, a: Area, want: number): Group {
  let p = pointIn(rng, a);
  let heading = rng() * 2 * Math.PI;
  const points: [number, number][] = [p];
  while (points.length < want) {
    const spacing = between(rng, 80, 250);
    let next: [number, number] | undefined;
    for (let tries = 0; tries < 8 && next === undefined; tries++) {
      const turn = rng() < 0.1 ? (rng() < 0.5 ? -1 : 1) * (Math.PI / 2) : between(rng, -0.3, 0.3);
      const h = tries === 0 ? heading + turn : rng() * 2 * Math.PI;
      const q = step(p, spacing, h);
      if (inside(a, q[0], q[1])) {
        next = q;
        heading = h;
      }
    }
    if (next === undefined) break; // boxed in by the district's edge: the main ends here
    points.push(next);
    p = next;
  }
  return { points, district: a.id };
}

/** A building's lifts: 2–6 shafts within a few metres. */
function building(rng: Rng, a: Area, want: number): Group {
  const c = pointIn(rng, a);
  const points = Array.from({ length: want }, () => {
    const q = step(c, between(rng, 0, 12), rng() * 2 * Math.PI);
    return inside(a, q[0], q[1]) ? q : c; // a building on the district's edge keeps its lifts inside
  });
  return { points, district: a.id };
}

/** A bridge: gauges evenly along a straight span of 300–1,500 m, every gauge inside the district. */
function bridgeSpan(rng: Rng, a: Area, want: number): Group {
  for (let tries = 0; ; tries++) {
    const start = pointIn(rng, a);
    const heading = rng() * 2 * Math.PI;
    // Shrinks as tries fail, so a sliver of a district still gets a (short) bridge.
    const length = between(rng, 300, 1_500) / (1 + tries / 50);
    const points = Array.from({ length: want }, (_, i) => step(start, (length * (i + 0.5)) / want, heading));
    if (points.every((q) => inside(a, q[0], q[1]))) return { points, district: a.id };
    if (tries >= 1_000) return { points: points.map(() => start), district: a.id };
  }
}

function groupSize(rng: Rng, kind: DeviceKind): number {
  if (kind === 'elevator') return Math.floor(between(rng, 2, 7));
  if (kind === 'bridge') return Math.floor(between(rng, 8, 25));
  return Math.floor(between(rng, 10, 41));
}

function makeGroup(rng: Rng, kind: DeviceKind, a: Area, want: number): Group {
  if (kind === 'elevator') return building(rng, a, want);
  if (kind === 'bridge') return bridgeSpan(rng, a, want);
  return walkMain(rng, a, want);
}

/** The signal-model seed of device `id` in a city seeded `citySeed` (also for devices read from a file). */
export const deviceSeed = (citySeed: number, id: string): number => hash32(citySeed, stringSeed(id));

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Places `devices` devices of the mix across the districts; the same options give the same city. */
export function placeDevices(districts: FeatureCollection, opts: PlacementOptions): PlacedDevice[] {
  const list = areas(districts);
  if (list.length === 0) throw new RangeError('no (Multi)Polygon districts to place devices in');
  const counts = kindCounts(opts.devices, opts.mix);
  const prefix = opts.prefix ?? 'sim';
  const out: PlacedDevice[] = [];
  for (const kind of DEVICE_KINDS) {
    // One stream per kind: changing the bridge count does not move every gas sensor.
    const rng = mulberry32(hash32(opts.seed, stringSeed(kind)));
    const weights = districtWeights(list, kind);
    let placed = 0;
    for (let g = 1; placed < counts[kind]; g++) {
      const a = list[weightedIndex(rng, weights)]!;
      const group = makeGroup(rng, kind, a, Math.min(groupSize(rng, kind), counts[kind] - placed));
      const asset = `${prefix}-${ASSET_NAME[kind]}-${pad(g, 4)}`;
      group.points.forEach(([lon, lat], i) => {
        const id = `${prefix}-${kind}-${pad(++placed, 5)}`;
        const name = `${ASSET_NAME[kind]} ${g} point ${i + 1}`;
        out.push({ id, kind, lon: round6(lon), lat: round6(lat), asset, district: group.district, name, seed: deviceSeed(opts.seed, id) });
      });
    }
  }
  return out;
}

/** Six decimals ≈ 0.1 m: more would be noise in a CSV. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Parses `gas=30,water=20,...` (the `--mix` option); unknown kinds or bad numbers throw RangeError. */
export function parseMix(text: string): KindMix {
  const mix: KindMix = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (!DEVICE_KINDS.includes(k as DeviceKind) || v === undefined || !Number.isFinite(n) || n < 0) {
      throw new RangeError(`bad mix entry ${JSON.stringify(part)}: expected kind=weight with kind one of ${DEVICE_KINDS.join(', ')}`);
    }
    mix[k as DeviceKind] = n;
  }
  return mix;
}
