import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bbox, booleanPointInPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { AppError } from '../kernel/errors.js';

/** A district as devices and alerts refer to it. */
export interface DistrictRef {
  /** Administrative division code, e.g. `370202`. */
  id: string;
  name_en: string;
  name_zh: string;
}

export interface District extends DistrictRef {
  urban_core: boolean;
  /** [lon, lat] of a representative point. */
  center: [number, number] | null;
}

type Area = Feature<Polygon | MultiPolygon>;

interface Entry {
  ref: Readonly<DistrictRef>;
  district: Readonly<District>;
  box: [number, number, number, number];
  feature: Area;
}

/** The shipped sample city: Qingdao's 10 districts (domain.md). */
export const QINGDAO_DISTRICTS_FILE = fileURLToPath(new URL('./city/qingdao-districts.geojson', import.meta.url));

/**
 * Location → district. A bounding-box test rules out most districts before the exact
 * point-in-polygon test (turf), which is what makes it cheap enough to run per device on import.
 * A point on a shared border belongs to the first district in file order.
 */
export class DistrictIndex {
  private readonly entries: Entry[];

  constructor(private readonly collection: FeatureCollection) {
    this.entries = collection.features.map((f, i) => toEntry(f, i));
    const ids = new Set<string>();
    for (const e of this.entries) {
      if (ids.has(e.ref.id)) throw new AppError('CONFIG_INVALID', { message: `Duplicate district id ${e.ref.id}` });
      ids.add(e.ref.id);
    }
  }

  /** Parses a GeoJSON FeatureCollection of (Multi)Polygon districts; throws CONFIG_INVALID when it is not one. */
  static fromGeoJSON(source: string | unknown): DistrictIndex {
    let value: unknown = source;
    if (typeof source === 'string') {
      try {
        value = JSON.parse(source);
      } catch (cause) {
        throw new AppError('CONFIG_INVALID', { message: 'District file is not JSON', cause });
      }
    }
    const fc = value as Partial<FeatureCollection> | null;
    if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
      throw new AppError('CONFIG_INVALID', { message: 'District file must be a GeoJSON FeatureCollection' });
    }
    return new DistrictIndex(fc as FeatureCollection);
  }

  /** The district containing (lon, lat), or null (sea, outside the city). */
  locate(lon: number, lat: number): DistrictRef | null {
    for (const e of this.entries) {
      const [w, s, east, n] = e.box;
      if (lon < w || lon > east || lat < s || lat > n) continue;
      if (booleanPointInPolygon([lon, lat], e.feature)) return e.ref;
    }
    return null;
  }

  list(): District[] {
    return this.entries.map((e) => e.district);
  }

  get(id: string): District | undefined {
    return this.entries.find((e) => e.ref.id === id)?.district;
  }

  /** The collection as loaded (served by `GET /api/v1/districts`). */
  toGeoJSON(): FeatureCollection {
    return this.collection;
  }
}

function toEntry(f: Feature, i: number): Entry {
  const g = f.geometry as Polygon | MultiPolygon | null | undefined;
  const p = (f.properties ?? {}) as Record<string, unknown>;
  if (f.type !== 'Feature' || (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') || typeof p.id !== 'string' || p.id === '') {
    throw new AppError('CONFIG_INVALID', { message: `District feature ${i} needs a (Multi)Polygon geometry and a string properties.id` });
  }
  const ref = Object.freeze({ id: p.id, name_en: str(p.name_en, p.id), name_zh: str(p.name_zh, str(p.name_en, p.id)) });
  const c = p.center;
  const center: [number, number] | null =
    Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number' ? [c[0], c[1]] : null;
  const district = Object.freeze({ ...ref, urban_core: p.urban_core === true, center });
  const [w = 0, s = 0, e = 0, n = 0] = bbox(g);
  return { ref, district, box: [w, s, e, n], feature: f as Area };
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' && v !== '' ? v : fallback;
}

/** Loads districts from a GeoJSON file (default: the shipped Qingdao sample). */
export async function loadDistricts(file: string = QINGDAO_DISTRICTS_FILE): Promise<DistrictIndex> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new AppError('CONFIG_INVALID', { message: `Cannot read district file ${file}`, cause });
  }
  return DistrictIndex.fromGeoJSON(text);
}
