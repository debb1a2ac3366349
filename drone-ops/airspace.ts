import { AppError } from '../kernel/errors.js';
import { LocalPlane } from './geo/enu.js';
import { bboxOfRings, bboxOverlap, segmentInsideAny } from './geo/plane.js';
import { projectArea, projectFootprint, shapeIntervals, type PlaneShape } from './geo/shapes.js';
import type { BBox, Footprint, GeoArea, LonLat, LonLatAlt, PlanePolygon, XY } from './geo/types.js';

/**
 * Airspace as a value: operation areas (district fences), no-fly zones with altitude bands and optional
 * time windows, and a global ceiling. Altitudes of paths and zone bands share one datum: metres above
 * the take-off / ground level (MAVLink GLOBAL_RELATIVE_ALT), adequate for a flat urban core.
 */

/** Interim Regulations on UAV Flight Management (2024): controlled airspace above 120 m true altitude. */
export const DEFAULT_CEILING_M = 120;

/** A half-open window [startMs, endMs) in epoch milliseconds. */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

export interface NoFlyZone {
  id: string;
  name?: string;
  footprint: Footprint;
  floorM: number;
  ceilingM: number;
  /** When present, the zone is active only inside these windows; absent means always active. */
  windows?: TimeWindow[];
  properties?: Record<string, unknown>;
}

export interface OperationArea {
  id: string;
  name?: string;
  area: GeoArea;
}

export interface Airspace {
  operationAreas: OperationArea[];
  noFlyZones: NoFlyZone[];
  ceilingM: number;
}

export function createAirspace(input: Partial<Airspace> = {}): Airspace {
  return {
    operationAreas: input.operationAreas ?? [],
    noFlyZones: input.noFlyZones ?? [],
    ceilingM: input.ceilingM ?? DEFAULT_CEILING_M,
  };
}

/** District features (id, name_en, geometry) → operation areas. */
export function operationAreasFromDistricts(fc: {
  features: { properties: { id: string; name_en?: string } | null; geometry: GeoArea }[];
}): OperationArea[] {
  return fc.features.map((f, i) => ({
    id: f.properties?.id ?? String(i),
    ...(f.properties?.name_en === undefined ? {} : { name: f.properties.name_en }),
    area: f.geometry,
  }));
}

/**
 * SAMPLE clearance zone around Qingdao Jiaodong international airport (≈ 36.36 N, 120.09 E): a 10 km
 * circle, ground to 10 km. Sample only — not the official clearance protection boundary.
 */
export const SAMPLE_JIAODONG_AIRPORT_ZONE: NoFlyZone = {
  id: 'sample-jiaodong-airport',
  name: 'Jiaodong airport clearance zone (SAMPLE)',
  footprint: { type: 'Circle', center: { lon: 120.09, lat: 36.36 }, radiusM: 10_000 },
  floorM: 0,
  ceilingM: 10_000,
  properties: { sample: true, note: 'sample, not an official boundary' },
};

export function zoneActive(zone: NoFlyZone, at: number, durationMs: number): boolean {
  if (!zone.windows || zone.windows.length === 0) return true;
  const end = at + Math.max(0, durationMs);
  return zone.windows.some((w) => (durationMs > 0 ? w.startMs < end && at < w.endMs : w.startMs <= at && at < w.endMs));
}

export type ViolationKind = 'outside_fence' | 'no_fly_zone' | 'above_ceiling';

export interface PathViolation {
  leg: number;
  kind: ViolationKind;
  zoneId?: string;
  message: string;
}

export type PathCheck = { ok: true } | { ok: false; violations: PathViolation[] };

export interface CheckOptions {
  /** Epoch ms when the path starts; time-windowed zones are tested against [at, at + durationMs). */
  at: number;
  durationMs: number;
  /** The operation area the path must stay in; absent = the union of all operation areas. */
  fenceId?: string;
}

interface PreparedZone {
  zone: NoFlyZone;
  shape: PlaneShape;
}

/**
 * Validates every leg (segment, not only its vertices) of a path: inside the fence, outside every
 * active no-fly zone whose altitude band the leg's altitude reaches over the part inside the zone,
 * and at or below the ceiling. A one-point path is checked as one zero-length leg.
 * @throws AppError VALIDATION_FAILED when `fenceId` names no operation area.
 */
export function checkPath(airspace: Airspace, path: LonLatAlt[], opts: CheckOptions): PathCheck {
  if (path.length === 0) return { ok: true };
  const plane = new LocalPlane(pathCentre(path));
  const fence = prepareFence(airspace, plane, opts.fenceId);
  const zones: PreparedZone[] = airspace.noFlyZones
    .filter((z) => zoneActive(z, opts.at, opts.durationMs))
    .map((zone) => ({ zone, shape: projectFootprint(plane, zone.footprint) }));
  const pts = path.map((p) => plane.toXY(p));
  const violations: PathViolation[] = [];
  const legs = Math.max(1, path.length - 1);
  for (let i = 0; i < legs; i++) {
    const a = path[i] as LonLatAlt;
    const b = path[Math.min(i + 1, path.length - 1)] as LonLatAlt;
    const pa = pts[i] as XY;
    const pb = pts[Math.min(i + 1, pts.length - 1)] as XY;
    const top = Math.max(a.altM, b.altM);
    if (top > airspace.ceilingM) {
      violations.push({ leg: i, kind: 'above_ceiling', message: `leg ${i} reaches ${round(top)} m, above the ${airspace.ceilingM} m ceiling` });
    }
    if (fence && !segmentInsideAny(pa, pb, fence.polys)) {
      violations.push({ leg: i, kind: 'outside_fence', message: `leg ${i} leaves operation area ${fence.label}` });
    }
    for (const v of legZoneViolations(i, pa, pb, a.altM, b.altM, zones)) violations.push(v);
  }
  return violations.length === 0 ? { ok: true } : { ok: false, violations };
}

function legZoneViolations(i: number, pa: XY, pb: XY, altA: number, altB: number, zones: PreparedZone[]): PathViolation[] {
  const out: PathViolation[] = [];
  const legBox: BBox = { minX: Math.min(pa.x, pb.x), minY: Math.min(pa.y, pb.y), maxX: Math.max(pa.x, pb.x), maxY: Math.max(pa.y, pb.y) };
  const len = Math.hypot(pb.x - pa.x, pb.y - pa.y);
  for (const { zone, shape } of zones) {
    if (!bboxOverlap(legBox, shape.bbox)) continue;
    for (const iv of shapeIntervals(pa, pb, shape)) {
      // Altitude varies linearly along the leg: the band test uses the part inside the footprint.
      const z0 = altA + (altB - altA) * iv.t0;
      const z1 = altA + (altB - altA) * iv.t1;
      if (Math.min(z0, z1) < zone.ceilingM && Math.max(z0, z1) > zone.floorM) {
        out.push({
          leg: i,
          kind: 'no_fly_zone',
          zoneId: zone.id,
          message: `leg ${i} enters no-fly zone ${zone.name ?? zone.id} (${zone.floorM}–${zone.ceilingM} m) from ${round(iv.t0 * len)} m to ${round(iv.t1 * len)} m along the leg`,
        });
        break;
      }
    }
  }
  return out;
}

function prepareFence(airspace: Airspace, plane: LocalPlane, fenceId: string | undefined): { polys: PlanePolygon[]; label: string } | undefined {
  if (fenceId === undefined) {
    if (airspace.operationAreas.length === 0) return undefined;
    return { polys: airspace.operationAreas.flatMap((a) => projectArea(plane, a.area)), label: '(any)' };
  }
  const area = airspace.operationAreas.find((a) => a.id === fenceId);
  if (!area) throw new AppError('VALIDATION_FAILED', { message: `Unknown operation area ${fenceId}`, details: { fenceId } });
  return { polys: projectArea(plane, area.area), label: area.name ?? area.id };
}

function pathCentre(path: LonLat[]): LonLat {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const p of path) {
    minLon = Math.min(minLon, p.lon);
    maxLon = Math.max(maxLon, p.lon);
    minLat = Math.min(minLat, p.lat);
    maxLat = Math.max(maxLat, p.lat);
  }
  return { lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2 };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The bounding box of an area in a plane (used by planners and the intent index). */
export function areaBBox(plane: LocalPlane, area: GeoArea): BBox {
  return bboxOfRings(projectArea(plane, area).flatMap((p) => p.rings));
}

/**
 * Footprints of the zones a flight at [0, altM] must avoid during [at, at + durationMs): for planners'
 * `avoid` option.
 */
export function zonesToAvoid(airspace: Airspace, opts: { at: number; durationMs: number; altM: number }): Footprint[] {
  return airspace.noFlyZones
    .filter((z) => zoneActive(z, opts.at, opts.durationMs) && z.floorM < opts.altM && z.ceilingM > 0)
    .map((z) => z.footprint);
}

/**
 * The part of an airspace that matters around some points: operation areas and zones whose lon/lat box
 * comes within `marginM` of theirs. Checking a flight against it gives the same answer as against the
 * whole airspace for any path within the margin (a path beyond it is outside every kept area: a breach,
 * the conservative answer), at a fraction of the cost for a city with detailed district outlines.
 */
export function airspaceNear(airspace: Airspace, points: LonLat[], marginM: number): Airspace {
  if (points.length === 0) return airspace;
  const dLat = marginM / 111_000;
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const dLon = dLat / Math.max(0.01, Math.cos(((Math.min(...lats) + Math.max(...lats)) / 2) * (Math.PI / 180)));
  const box = { w: Math.min(...lons) - dLon, e: Math.max(...lons) + dLon, s: Math.min(...lats) - dLat, n: Math.max(...lats) + dLat };
  const near = (b: { w: number; e: number; s: number; n: number }): boolean => b.w <= box.e && box.w <= b.e && b.s <= box.n && box.s <= b.n;
  return {
    ...airspace,
    operationAreas: airspace.operationAreas.filter((a) => near(lonLatBox(a.area))),
    noFlyZones: airspace.noFlyZones.filter((z) => near(footprintLonLatBox(z.footprint))),
  };
}

function lonLatBox(area: GeoArea): { w: number; e: number; s: number; n: number } {
  const pts = area.type === 'Polygon' ? area.coordinates.flat() : area.coordinates.flat(2);
  return { w: Math.min(...pts.map((p) => p[0] ?? 0)), e: Math.max(...pts.map((p) => p[0] ?? 0)), s: Math.min(...pts.map((p) => p[1] ?? 0)), n: Math.max(...pts.map((p) => p[1] ?? 0)) };
}

function footprintLonLatBox(fp: Footprint): { w: number; e: number; s: number; n: number } {
  if (fp.type !== 'Circle') return lonLatBox(fp);
  const dLat = fp.radiusM / 111_000;
  const dLon = dLat / Math.max(0.01, Math.cos((fp.center.lat * Math.PI) / 180));
  return { w: fp.center.lon - dLon, e: fp.center.lon + dLon, s: fp.center.lat - dLat, n: fp.center.lat + dLat };
}
