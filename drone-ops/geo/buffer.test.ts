import { describe, expect, it } from 'vitest';
import { bufferedHull, convexHull } from './buffer.js';
import { LocalPlane } from './enu.js';
import { projectFootprint } from './shapes.js';
import { ORIGIN, polygonM } from '../testing/fixtures.js';

/** Independent distance from a point to a ring's edges (no shared helper). */
function minDist(p: { x: number; y: number }, ring: { x: number; y: number }[]): number {
  let best = Infinity;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy));
  }
  return best;
}

describe('convexHull and bufferedHull', () => {
  it('hulls points counter-clockwise', () => {
    expect(convexHull([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }, { x: 0, y: 2 }])).toEqual([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 2 }, { x: 0, y: 2 }]);
  });

  it('keeps every vertex of a concave polygon at least the buffer inside the ring', () => {
    const plane = new LocalPlane(ORIGIN);
    const shape = projectFootprint(plane, polygonM([[0, 0], [400, 0], [400, 400], [200, 100], [0, 400]]));
    const ring = bufferedHull(shape, 50);
    for (const v of shape.kind === 'polygons' ? shape.polys[0]!.rings[0]! : []) expect(minDist(v, ring)).toBeGreaterThanOrEqual(45);
    expect(ring.length).toBeLessThanOrEqual(5 * 8);
  });

  it('circumscribes a buffered circle', () => {
    const ring = bufferedHull({ kind: 'circle', c: { x: 0, y: 0 }, r: 100, bbox: { minX: -100, minY: -100, maxX: 100, maxY: 100 } }, 20, 12);
    expect(ring).toHaveLength(12);
    expect(minDist({ x: 0, y: 0 }, ring)).toBeCloseTo(120, 3);
  });
});
