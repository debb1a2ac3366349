import { bboxOfRings, bboxOverlap, circleToRing, pointInRings } from './plane.js';
import type { PlaneShape } from './shapes.js';
import type { PlanePolygon, Ring, XY } from './types.js';

/** Do the closed segments p1p2 and q1q2 meet (touching and collinear overlap count)? */
export function segmentsMeet(p1: XY, p2: XY, q1: XY, q2: XY): boolean {
  const d1 = orient(q1, q2, p1);
  const d2 = orient(q1, q2, p2);
  const d3 = orient(p1, p2, q1);
  const d4 = orient(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 === 0 && onSeg(q1, q2, p1)) || (d2 === 0 && onSeg(q1, q2, p2)) || (d3 === 0 && onSeg(p1, p2, q1)) || (d4 === 0 && onSeg(p1, p2, q2));
}

function orient(a: XY, b: XY, c: XY): number {
  return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

function onSeg(a: XY, b: XY, p: XY): boolean {
  return Math.min(a.x, b.x) <= p.x && p.x <= Math.max(a.x, b.x) && Math.min(a.y, b.y) <= p.y && p.y <= Math.max(a.y, b.y);
}

/** Closed polygons intersect: an edge of one meets an edge of the other, or one lies inside the other. */
export function polygonsIntersect(a: PlanePolygon, b: PlanePolygon): boolean {
  if (!bboxOverlap(bboxOfRings(a.rings), bboxOfRings(b.rings))) return false;
  for (const ra of a.rings) {
    for (const rb of b.rings) {
      if (ringsMeet(ra, rb)) return true;
    }
  }
  const a0 = a.rings[0]?.[0];
  const b0 = b.rings[0]?.[0];
  return (a0 !== undefined && pointInRings(a0, b.rings)) || (b0 !== undefined && pointInRings(b0, a.rings));
}

function ringsMeet(ra: Ring, rb: Ring): boolean {
  for (let i = 0, j = ra.length - 1; i < ra.length; j = i++) {
    const p1 = ra[j] as XY;
    const p2 = ra[i] as XY;
    const minX = Math.min(p1.x, p2.x);
    const maxX = Math.max(p1.x, p2.x);
    const minY = Math.min(p1.y, p2.y);
    const maxY = Math.max(p1.y, p2.y);
    for (let k = 0, l = rb.length - 1; k < rb.length; l = k++) {
      const q1 = rb[l] as XY;
      const q2 = rb[k] as XY;
      if (Math.max(q1.x, q2.x) < minX || Math.min(q1.x, q2.x) > maxX || Math.max(q1.y, q2.y) < minY || Math.min(q1.y, q2.y) > maxY) continue;
      if (segmentsMeet(p1, p2, q1, q2)) return true;
    }
  }
  return false;
}

/** Footprints intersect. Circles are exact against circles, and conservative (circumscribed 24-gon) against polygons. */
export function shapesIntersect(a: PlaneShape, b: PlaneShape): boolean {
  if (!bboxOverlap(a.bbox, b.bbox)) return false;
  if (a.kind === 'circle' && b.kind === 'circle') return Math.hypot(a.c.x - b.c.x, a.c.y - b.c.y) <= a.r + b.r;
  const pa = shapePolygons(a);
  const pb = shapePolygons(b);
  return pa.some((x) => pb.some((y) => polygonsIntersect(x, y)));
}

export function shapePolygons(s: PlaneShape): PlanePolygon[] {
  return s.kind === 'circle' ? [{ rings: [circleToRing(s.c, s.r)] }] : s.polys;
}
