import type { BBox, PlanePolygon, Ring, XY } from './types.js';

/**
 * Planar geometry in a local tangent plane (metres). Segment tests split a leg at every point where it
 * meets a polygon edge and classify each piece by its midpoint, so a leg that crosses a polygon with
 * both ends outside is caught, and a leg that only touches or runs along an edge is not.
 */

/** Boundary tolerance in metres: a point this close to an edge counts as on it. */
export const EDGE_EPS_M = 0.05;

export function bboxOfRings(rings: Ring[]): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of rings) {
    for (const p of ring) {
      if (p.x < minX) minX = p.x;
      if (p.y < minY) minY = p.y;
      if (p.x > maxX) maxX = p.x;
      if (p.y > maxY) maxY = p.y;
    }
  }
  return { minX, minY, maxX, maxY };
}

export function bboxOverlap(a: BBox, b: BBox, margin = 0): boolean {
  return a.minX <= b.maxX + margin && b.minX <= a.maxX + margin && a.minY <= b.maxY + margin && b.minY <= a.maxY + margin;
}

/** Even-odd point-in-polygon over all rings (outer ring plus holes). */
export function pointInRings(p: XY, rings: Ring[]): boolean {
  let inside = false;
  for (const ring of rings) {
    const n = ring.length;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const a = ring[i] as XY;
      const b = ring[j] as XY;
      if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
    }
  }
  return inside;
}

export function distToSegment(p: XY, a: XY, b: XY): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

export function distToRings(p: XY, rings: Ring[]): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const d = distToSegment(p, ring[j] as XY, ring[i] as XY);
      if (d < best) best = d;
    }
  }
  return best;
}

export type PointClass = 'in' | 'out' | 'edge';

/** Where a point lies relative to a polygon, with `eps` metres of boundary tolerance. */
export function classifyPoint(p: XY, poly: PlanePolygon, eps = EDGE_EPS_M): PointClass {
  if (distToRings(p, poly.rings) <= eps) return 'edge';
  return pointInRings(p, poly.rings) ? 'in' : 'out';
}

function cross(ax: number, ay: number, bx: number, by: number): number {
  return ax * by - ay * bx;
}

/** Parameters t ∈ [0, 1] (sorted, with 0 and 1) where segment a→b meets any edge of the rings. */
export function segmentCuts(a: XY, b: XY, rings: Ring[], out: number[] = [0, 1]): number[] {
  const rx = b.x - a.x;
  const ry = b.y - a.y;
  const rr = rx * rx + ry * ry;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const q = ring[j] as XY;
      const q2 = ring[i] as XY;
      const sx = q2.x - q.x;
      const sy = q2.y - q.y;
      const qpx = q.x - a.x;
      const qpy = q.y - a.y;
      const den = cross(rx, ry, sx, sy);
      if (Math.abs(den) < 1e-12 * (rr + sx * sx + sy * sy)) {
        // Parallel: if collinear, the overlap ends are cuts.
        if (rr > 0 && Math.abs(cross(qpx, qpy, rx, ry)) < 1e-9 * rr) {
          pushClamped(out, (qpx * rx + qpy * ry) / rr);
          pushClamped(out, ((q2.x - a.x) * rx + (q2.y - a.y) * ry) / rr);
        }
        continue;
      }
      const t = cross(qpx, qpy, sx, sy) / den;
      const u = cross(qpx, qpy, rx, ry) / den;
      if (t >= -1e-9 && t <= 1 + 1e-9 && u >= -1e-9 && u <= 1 + 1e-9) pushClamped(out, t);
    }
  }
  return out.sort((x, y) => x - y);
}

function pushClamped(out: number[], t: number): void {
  if (t > 0 && t < 1) out.push(t);
}

export interface Interval {
  t0: number;
  t1: number;
}

/**
 * The pieces of segment a→b whose midpoints satisfy `keep` (given the piece midpoint), merged.
 * `cuts` must come from segmentCuts over every ring that `keep` looks at.
 */
export function pieces(a: XY, b: XY, cuts: number[], keep: (m: XY) => boolean): Interval[] {
  const res: Interval[] = [];
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  const minDt = len > 0 ? 1e-6 / len : 1;
  for (let k = 0; k + 1 < cuts.length; k++) {
    const t0 = cuts[k] as number;
    const t1 = cuts[k + 1] as number;
    if (t1 - t0 < minDt && cuts.length > 2) continue;
    const tm = (t0 + t1) / 2;
    if (!keep({ x: a.x + (b.x - a.x) * tm, y: a.y + (b.y - a.y) * tm })) continue;
    const last = res[res.length - 1];
    if (last && Math.abs(last.t1 - t0) <= minDt) last.t1 = t1;
    else res.push({ t0, t1 });
  }
  return res;
}

/** Intervals of a→b strictly inside the polygon (deeper than eps): where a leg enters a zone. */
export function insideIntervals(a: XY, b: XY, poly: PlanePolygon, eps = EDGE_EPS_M): Interval[] {
  const cuts = segmentCuts(a, b, poly.rings);
  return pieces(a, b, cuts, (m) => classifyPoint(m, poly, eps) === 'in');
}

/** Intervals of a→b strictly inside a circle of radius r (shrunk by eps) around c. */
export function circleIntervals(a: XY, b: XY, c: XY, r: number, eps = EDGE_EPS_M): Interval[] {
  const rr = r - eps;
  if (rr <= 0) return [];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const fx = a.x - c.x;
  const fy = a.y - c.y;
  const qa = dx * dx + dy * dy;
  if (qa === 0) return fx * fx + fy * fy < rr * rr ? [{ t0: 0, t1: 1 }] : [];
  const qb = 2 * (fx * dx + fy * dy);
  const qc = fx * fx + fy * fy - rr * rr;
  const disc = qb * qb - 4 * qa * qc;
  if (disc <= 0) return [];
  const s = Math.sqrt(disc);
  const t0 = Math.max(0, (-qb - s) / (2 * qa));
  const t1 = Math.min(1, (-qb + s) / (2 * qa));
  return t1 > t0 ? [{ t0, t1 }] : [];
}

/** True when the whole segment a→b lies inside the union of the polygons (edges count as inside). */
export function segmentInsideAny(a: XY, b: XY, polys: PlanePolygon[], eps = EDGE_EPS_M): boolean {
  const cuts: number[] = [0, 1];
  for (const p of polys) segmentCuts(a, b, p.rings, cuts);
  cuts.sort((x, y) => x - y);
  const outside = pieces(a, b, cuts, (m) => !polys.some((p) => classifyPoint(m, p, eps) !== 'out'));
  if (outside.length > 0) return false;
  // A zero-length leg has one piece; its endpoints must be inside too.
  return polys.some((p) => classifyPoint(a, p, eps) !== 'out') && polys.some((p) => classifyPoint(b, p, eps) !== 'out');
}

/** Circle → polygon that contains the circle (vertices at r / cos(π/n)), for planners that avoid it. */
export function circleToRing(c: XY, r: number, n = 24): Ring {
  const R = r / Math.cos(Math.PI / n);
  const ring: Ring = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push({ x: c.x + R * Math.cos(a), y: c.y + R * Math.sin(a) });
  }
  return ring;
}

export function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[i] as XY;
    const q = ring[j] as XY;
    s += (q.x + p.x) * (q.y - p.y);
  }
  return -s / 2;
}
