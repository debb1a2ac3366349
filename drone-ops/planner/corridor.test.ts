import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPath, createAirspace } from '../airspace.js';
import { LocalPlane } from '../geo/enu.js';
import type { XY } from '../geo/types.js';
import { ll } from '../testing/fixtures.js';
import { corridorOffsets, corridorPolygon, planCorridor } from './corridor.js';

describe('corridorOffsets', () => {
  it('places transects at w/2 − s/2 − i·s, ceil(w/s) of them (QGC)', () => {
    expect(corridorOffsets(100, 25)).toEqual([37.5, 12.5, -12.5, -37.5]);
    expect(corridorOffsets(100, 30)).toEqual([35, 5, -25, -55]);
  });

  it('flies one centre transect when the corridor is narrow', () => {
    expect(corridorOffsets(20, 30)).toEqual([0]);
    expect(corridorOffsets(30, 30)).toEqual([0]);
    expect(corridorOffsets(0, 30)).toEqual([0]);
  });
});

describe('planCorridor', () => {
  it('lays transects parallel to a straight line at the right signed offsets, alternating direction', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 200, max: 5000, noNaN: true }),
        fc.double({ min: 10, max: 200, noNaN: true }),
        fc.double({ min: 5, max: 60, noNaN: true }),
        (bearing, len, widthM, spacingM) => {
          const a: XY = { x: 0, y: 0 };
          const b: XY = { x: len * Math.sin(bearing), y: len * Math.cos(bearing) };
          const line = [ll(a.x, a.y), ll(b.x, b.y)];
          const route = planCorridor(line, { widthM, spacingM, altM: 50 });
          const plane = new LocalPlane({ lon: (line[0]!.lon + line[1]!.lon) / 2, lat: (line[0]!.lat + line[1]!.lat) / 2 });
          const [pa, pb] = line.map((p) => plane.toXY(p)) as [XY, XY];
          const ux = (pb.x - pa.x) / Math.hypot(pb.x - pa.x, pb.y - pa.y);
          const uy = (pb.y - pa.y) / Math.hypot(pb.x - pa.x, pb.y - pa.y);
          const expected = corridorOffsets(widthM, spacingM);
          const t = route.transects ?? [];
          expect(t).toHaveLength(expected.length);
          t.forEach((tr, i) => {
            const f = plane.toXY(tr.from);
            const g = plane.toXY(tr.to);
            // Signed offset to the left of the line, at both ends (parallel), and the direction alternates.
            const off = (p: XY): number => ux * (p.y - pa.y) - uy * (p.x - pa.x);
            expect(off(f)).toBeCloseTo(expected[i] as number, 3);
            expect(off(g)).toBeCloseTo(expected[i] as number, 3);
            expect(Math.sign((g.x - f.x) * ux + (g.y - f.y) * uy)).toBe(i % 2 === 0 ? 1 : -1);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('offsets each leg of a bent line parallel to its centre segment, inside the corridor polygon', () => {
    const line = [ll(0, 0), ll(1000, 0), ll(1600, 700), ll(1600, 1500)];
    const route = planCorridor(line, { widthM: 80, spacingM: 20, altM: 50 });
    const plane = new LocalPlane({ lon: 120.38, lat: 36.1 });
    const c = line.map((p) => plane.toXY(p));
    const offsets = corridorOffsets(80, 20);
    expect(route.points).toHaveLength(offsets.length * c.length);
    offsets.forEach((d, k) => {
      let pts = route.points.slice(k * c.length, (k + 1) * c.length).map((p) => plane.toXY(p));
      if (k % 2 === 1) pts = pts.reverse();
      for (let j = 0; j + 1 < c.length; j++) {
        const a = c[j] as XY;
        const b = c[j + 1] as XY;
        const L = Math.hypot(b.x - a.x, b.y - a.y);
        const off = (p: XY): number => ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)) / L;
        expect(off(pts[j] as XY)).toBeCloseTo(d, 3);
        expect(off(pts[j + 1] as XY)).toBeCloseTo(d, 3);
      }
    });
    const airspace = createAirspace({ operationAreas: [{ id: 'c', area: corridorPolygon(line, 80) }] });
    expect(checkPath(airspace, route.points, { at: 0, durationMs: 0, fenceId: 'c' })).toEqual({ ok: true });
  });
});
