import { circleToRing } from './plane.js';
import type { PlaneShape } from './shapes.js';
import type { Ring, XY } from './types.js';

/** Convex hull (Andrew's monotone chain), counter-clockwise, no repeated vertex. */
export function convexHull(points: XY[]): Ring {
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length < 3) return pts;
  const cross = (o: XY, a: XY, b: XY): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: XY[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as XY, lower[lower.length - 1] as XY, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: XY[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i] as XY;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as XY, upper[upper.length - 1] as XY, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * One convex ring containing a shape grown by `bufferM` on every side: a circle becomes a circumscribed
 * n-gon of radius r + buffer; polygons become the hull of their vertices each surrounded by an octagon
 * circumscribing a circle of the buffer radius. Conservative (concave parts are filled), with few
 * vertices: what a planner avoids with a margin and what an autopilot's fence can hold.
 */
export function bufferedHull(shape: PlaneShape, bufferM: number, n = 12): Ring {
  if (shape.kind === 'circle') return circleToRing(shape.c, shape.r + bufferM, n);
  const around: XY[] = [];
  const R = bufferM / Math.cos(Math.PI / 8);
  for (const poly of shape.polys) {
    for (const p of poly.rings[0] ?? []) {
      if (bufferM <= 0) around.push(p);
      else for (let k = 0; k < 8; k++) around.push({ x: p.x + R * Math.cos((k * Math.PI) / 4), y: p.y + R * Math.sin((k * Math.PI) / 4) });
    }
  }
  return convexHull(around);
}
