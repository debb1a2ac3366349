import { describe, expect, it } from 'vitest';
import { circleIntervals, classifyPoint, insideIntervals, ringArea, segmentInsideAny } from './plane.js';
import type { PlanePolygon } from './types.js';

const square: PlanePolygon = { rings: [[{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }, { x: 0, y: 100 }]] };
// A U shape: the notch is x 40–60, y 30–100.
const u: PlanePolygon = {
  rings: [[{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }, { x: 60, y: 100 }, { x: 60, y: 30 }, { x: 40, y: 30 }, { x: 40, y: 100 }, { x: 0, y: 100 }]],
};

describe('segment tests in the plane', () => {
  it('finds a crossing when both ends are outside', () => {
    const iv = insideIntervals({ x: -50, y: 50 }, { x: 150, y: 50 }, square);
    expect(iv).toHaveLength(1);
    expect(iv[0]?.t0).toBeCloseTo(0.25);
    expect(iv[0]?.t1).toBeCloseTo(0.75);
  });

  it('does not count a leg that runs along an edge or touches a corner', () => {
    expect(insideIntervals({ x: -50, y: 0 }, { x: 150, y: 0 }, square)).toEqual([]);
    expect(insideIntervals({ x: -50, y: 50 }, { x: 50, y: 150 }, square)).toEqual([]);
  });

  it('sees a leg leave a concave polygon although both ends are inside', () => {
    expect(segmentInsideAny({ x: 20, y: 80 }, { x: 80, y: 80 }, [u])).toBe(false);
    expect(segmentInsideAny({ x: 20, y: 20 }, { x: 80, y: 20 }, [u])).toBe(true);
    // Along the notch's floor: on the boundary, so inside.
    expect(segmentInsideAny({ x: 40, y: 30 }, { x: 60, y: 30 }, [u])).toBe(true);
  });

  it('treats adjacent polygons as one fence when a leg crosses their shared edge', () => {
    const right: PlanePolygon = { rings: [[{ x: 100, y: 0 }, { x: 200, y: 0 }, { x: 200, y: 100 }, { x: 100, y: 100 }]] };
    expect(segmentInsideAny({ x: 50, y: 50 }, { x: 150, y: 50 }, [square, right])).toBe(true);
    expect(segmentInsideAny({ x: 50, y: 50 }, { x: 250, y: 50 }, [square, right])).toBe(false);
  });

  it('classifies points with a boundary tolerance', () => {
    expect(classifyPoint({ x: 50, y: 50 }, square)).toBe('in');
    expect(classifyPoint({ x: 100.01, y: 50 }, square)).toBe('edge');
    expect(classifyPoint({ x: 101, y: 50 }, square)).toBe('out');
  });

  it('intersects legs with circles', () => {
    const iv = circleIntervals({ x: -20, y: 0 }, { x: 20, y: 0 }, { x: 0, y: 0 }, 10, 0);
    expect(iv[0]?.t0).toBeCloseTo(0.25);
    expect(iv[0]?.t1).toBeCloseTo(0.75);
    expect(circleIntervals({ x: -20, y: 10 }, { x: 20, y: 10 }, { x: 0, y: 0 }, 10)).toEqual([]);
    expect(circleIntervals({ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 0, y: 0 }, 10)).toEqual([{ t0: 0, t1: 1 }]);
  });

  it('gives counter-clockwise rings a positive area', () => {
    expect(ringArea(square.rings[0] ?? [])).toBeCloseTo(10_000);
  });
});
