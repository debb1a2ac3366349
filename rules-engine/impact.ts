/**
 * "The five automatics" of emergency command (domain.md): response level, impact area, response range
 * and nearby resources. Pure: the impact area is a GeoJSON circle (@turf/turf `circle`) around the
 * subject, sized by device kind and severity (table below, *defaults*), and the subjects inside it.
 */
import { circle } from '@turf/turf';
import { distanceM, responseLevel, type ResponseLevel, type Severity } from './severity.js';
import type { LonLat } from './signal.js';

/**
 * Impact radius in metres per kind and severity (*default*; docs/rules.md "Impact area"). Gas red 500 m
 * follows common evacuation practice for a methane leak near mains; water/bridge reach further along the
 * network or the road; an elevator is one building.
 */
export const IMPACT_RADIUS_M: Readonly<Record<string, Readonly<Record<Severity, number>>>> = {
  gas: { blue: 50, yellow: 100, orange: 200, red: 500 },
  water: { blue: 100, yellow: 200, orange: 300, red: 500 },
  heat: { blue: 50, yellow: 100, orange: 200, red: 300 },
  drainage: { blue: 50, yellow: 100, orange: 200, red: 300 },
  elevator: { blue: 20, yellow: 20, orange: 50, red: 50 },
  bridge: { blue: 100, yellow: 200, orange: 300, red: 500 },
  '*': { blue: 50, yellow: 100, orange: 200, red: 300 },
};

/** A device the impact analysis may list (registry data). */
export interface ImpactSubject {
  deviceId: string;
  kind: string;
  district: string | null;
  asset: string | null;
  location: LonLat | null;
}

export interface ImpactArea {
  responseLevel: ResponseLevel;
  center: LonLat;
  radiusM: number;
  /** GeoJSON Feature<Polygon> (RFC 7946), 32-step circle. */
  area: { type: 'Feature'; geometry: { type: 'Polygon'; coordinates: number[][][] }; properties: Record<string, unknown> };
  devices: Array<{ deviceId: string; kind: string; distanceM: number }>;
  assets: string[];
  districts: string[];
}

export function impactRadiusM(kind: string | null, severity: Severity): number {
  return (IMPACT_RADIUS_M[kind ?? '*'] ?? IMPACT_RADIUS_M['*']!)[severity];
}

/** Most devices listed inside one impact area (the rest are counted by districts and assets). */
const MAX_LISTED = 200;

/** Impact area around `center`; `candidates` are all known subjects (those inside are listed, nearest first). */
export function impactArea(
  kind: string | null, severity: Severity, center: LonLat, candidates: Iterable<ImpactSubject>, ownDistrict: string | null = null,
): ImpactArea {
  const radiusM = impactRadiusM(kind, severity);
  const poly = circle([center.lon, center.lat], radiusM, { units: 'meters', steps: 32, properties: { radiusM, severity } });
  const inside: Array<ImpactSubject & { distanceM: number }> = [];
  for (const s of candidates) {
    if (!s.location) continue;
    const d = distanceM(center, s.location);
    if (d <= radiusM) inside.push({ ...s, distanceM: Math.round(d) });
  }
  inside.sort((a, b) => a.distanceM - b.distanceM);
  const districts = new Set<string>();
  if (ownDistrict) districts.add(ownDistrict);
  const assets = new Set<string>();
  for (const s of inside) {
    if (s.district) districts.add(s.district);
    if (s.asset) assets.add(s.asset);
  }
  return {
    responseLevel: responseLevel(severity),
    center,
    radiusM,
    area: { type: 'Feature', geometry: { type: 'Polygon', coordinates: poly.geometry.coordinates }, properties: { radiusM, severity } },
    devices: inside.slice(0, MAX_LISTED).map((s) => ({ deviceId: s.deviceId, kind: s.kind, distanceM: s.distanceM })),
    assets: [...assets].sort(),
    districts: [...districts].sort(),
  };
}

/** A dock as a resource for an alert: available ones ranked by flight time, the rest with why not. */
export interface DockResource {
  dockId: string;
  distanceM: number;
  /** Flight time to the target (take-off climb + cruise), s; absent when the dock cannot fly. */
  flightTimeS?: number;
  /** Whether the dock could fly the inspection now (filled in by the composition root from drone-ops). */
  available?: boolean;
  /** Same as `flightTimeS` (the name the API documents). */
  etaS?: number;
  /** Why an unavailable dock cannot fly (`offline`, `busy`, `battery`, `wind`, `airspace`...). */
  reasons?: Array<{ code: string; message: string }>;
}

/** Nearest resources: sensors to cross-check, docks with a drone (drone-ops fills docks through the ResourceFinder). */
export interface ResourceMatch {
  sensors: Array<{ deviceId: string; kind: string; distanceM: number }>;
  docks: { available: 'unknown' | 'yes' | 'no'; items: DockResource[] };
}

/** Nearest `limit` subjects of `kind` within `maxM` of `center`, excluding `except` (pure). */
export function nearestOfKind(
  center: LonLat, kind: string | null, candidates: Iterable<ImpactSubject>, except: ReadonlySet<string>, limit = 5, maxM = 2_000,
): ResourceMatch['sensors'] {
  const out: ResourceMatch['sensors'] = [];
  for (const s of candidates) {
    if (!s.location || except.has(s.deviceId) || (kind !== null && s.kind !== kind)) continue;
    const d = distanceM(center, s.location);
    if (d <= maxM) out.push({ deviceId: s.deviceId, kind: s.kind, distanceM: Math.round(d) });
  }
  return out.sort((a, b) => a.distanceM - b.distanceM).slice(0, limit);
}
