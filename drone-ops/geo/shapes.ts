import type { LocalPlane } from './enu.js';
import { bboxOfRings, circleIntervals, classifyPoint, insideIntervals, type Interval } from './plane.js';
import type { BBox, Footprint, GeoArea, LonLat, PlanePolygon, Ring, XY } from './types.js';

/** GeoJSON ring ([lon, lat] positions, closed) → plane ring without the repeated closing vertex. */
export function projectRing(plane: LocalPlane, coords: number[][]): Ring {
  const ring: Ring = [];
  for (const c of coords) {
    const lon = c[0];
    const lat = c[1];
    if (lon === undefined || lat === undefined) continue;
    ring.push(plane.toXY({ lon, lat }));
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length > 1 && first && last && first.x === last.x && first.y === last.y) ring.pop();
  return ring;
}

/** A GeoJSON Polygon or MultiPolygon → one plane polygon per part. */
export function projectArea(plane: LocalPlane, area: GeoArea): PlanePolygon[] {
  const parts = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  return parts.map((rings) => ({ rings: rings.map((r) => projectRing(plane, r)).filter((r) => r.length >= 3) }));
}

export function unprojectRing(plane: LocalPlane, ring: Ring): number[][] {
  const out = ring.map((p) => {
    const g = plane.toLonLat(p);
    return [g.lon, g.lat];
  });
  const first = out[0];
  if (first) out.push([...first]);
  return out;
}

/** A footprint projected into a plane: exact circles are kept as circles. */
export type PlaneShape = { kind: 'polygons'; polys: PlanePolygon[]; bbox: BBox } | { kind: 'circle'; c: XY; r: number; bbox: BBox };

export function projectFootprint(plane: LocalPlane, fp: Footprint): PlaneShape {
  if (fp.type === 'Circle') {
    const c = plane.toXY(fp.center);
    const r = fp.radiusM;
    return { kind: 'circle', c, r, bbox: { minX: c.x - r, minY: c.y - r, maxX: c.x + r, maxY: c.y + r } };
  }
  const polys = projectArea(plane, fp);
  return { kind: 'polygons', polys, bbox: bboxOfRings(polys.flatMap((p) => p.rings)) };
}

/** Intervals of segment a→b that are strictly inside the shape. */
export function shapeIntervals(a: XY, b: XY, shape: PlaneShape): Interval[] {
  if (shape.kind === 'circle') return circleIntervals(a, b, shape.c, shape.r);
  return shape.polys.flatMap((p) => insideIntervals(a, b, p));
}

export function pointInShape(p: XY, shape: PlaneShape): boolean {
  if (shape.kind === 'circle') return Math.hypot(p.x - shape.c.x, p.y - shape.c.y) < shape.r;
  return shape.polys.some((poly) => classifyPoint(p, poly) === 'in');
}

/** A reasonable plane origin for an area: the centre of its lon/lat bounding box. */
export function areaCentre(area: GeoArea): LonLat {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  const parts = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  for (const rings of parts) {
    for (const ring of rings) {
      for (const c of ring) {
        const lon = c[0] ?? 0;
        const lat = c[1] ?? 0;
        minLon = Math.min(minLon, lon);
        maxLon = Math.max(maxLon, lon);
        minLat = Math.min(minLat, lat);
        maxLat = Math.max(maxLat, lat);
      }
    }
  }
  return { lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2 };
}
