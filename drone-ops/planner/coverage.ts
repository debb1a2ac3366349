import { LocalPlane } from '../geo/enu.js';
import { circleToRing } from '../geo/plane.js';
import { areaCentre, projectArea, projectFootprint } from '../geo/shapes.js';
import type { Footprint, GeoArea, GeoPolygon, PlanePolygon, Ring, XY } from '../geo/types.js';
import { FreeSpace } from './free-space.js';
import type { Route, RoutePoint } from './types.js';

/**
 * Area coverage after QGroundControl's Survey: in a local tangent plane, parallel transects `spacingM`
 * apart at grid angle `angleDeg` (degrees clockwise from north, QGC's convention), clipped to the
 * polygon (even-odd scanline, so concave shapes give several segments per line) minus avoided zones,
 * flown boustrophedon. Consecutive segments on neighbouring lines are chained while the straight
 * connecting leg stays in free space; otherwise a new run starts and the connection follows the
 * fence boundary or a visibility-graph path, so every leg stays inside the polygon and out of zones.
 * `turnaroundM` extends each transect beyond its ends (outside the polygon, as QGC does).
 */
export interface CoverageOptions {
  spacingM: number;
  angleDeg: number;
  altM: number;
  turnaroundM?: number;
  /** Footprints to keep out of (e.g. `zonesToAvoid(airspace, ...)`); circles are avoided with a margin. */
  avoid?: Footprint[];
}

interface Seg {
  u0: number;
  u1: number;
  used: boolean;
}

interface Line {
  v: number;
  segs: Seg[];
}

export function planCoverage(polygon: GeoPolygon, opts: CoverageOptions): Route {
  if (!(opts.spacingM > 0)) throw new RangeError('spacingM must be > 0');
  const plane = new LocalPlane(areaCentre(polygon));
  const fence = projectArea(plane, polygon)[0] ?? { rings: [] };
  const avoid = (opts.avoid ?? []).flatMap((fp) => avoidPolygons(plane, fp));
  const th = (opts.angleDeg * Math.PI) / 180;
  const d: XY = { x: Math.sin(th), y: Math.cos(th) }; // along the transect
  const nrm: XY = { x: Math.cos(th), y: -Math.sin(th) }; // across (offset direction)
  const toUV = (p: XY): XY => ({ x: p.x * d.x + p.y * d.y, y: p.x * nrm.x + p.y * nrm.y });
  const toXY = (u: number, v: number): XY => ({ x: u * d.x + v * nrm.x, y: u * d.y + v * nrm.y });
  const fenceUV = fence.rings.map((r) => r.map(toUV));
  const avoidUV = avoid.map((p) => p.rings.map((r) => r.map(toUV)));
  const lines = scanLines(fenceUV, avoidUV, opts.spacingM);
  const space = new FreeSpace(fence, avoid);
  const xy = orderRuns(lines, space, toXY, opts.turnaroundM ?? 0);
  const points: RoutePoint[] = xy.pts.map((p) => ({ ...plane.toLonLat(p), altM: opts.altM }));
  const transects = xy.transects.map(([a, b]) => ({ from: plane.toLonLat(a), to: plane.toLonLat(b) }));
  return { kind: 'coverage', points, transects };
}

/** Each part of a (multi)polygon planned on its own: flying between islands would leave the fence. */
export function planCoverageParts(area: GeoArea, opts: CoverageOptions): Route[] {
  const parts = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  return parts.map((coordinates) => planCoverage({ type: 'Polygon', coordinates }, opts));
}

function avoidPolygons(plane: LocalPlane, fp: Footprint): PlanePolygon[] {
  const shape = projectFootprint(plane, fp);
  // The polygon contains the circle with 0.5 m to spare: the airspace check tests the exact circle.
  if (shape.kind === 'circle') return [{ rings: [circleToRing(shape.c, shape.r + 0.5)] }];
  return shape.polys;
}

/** Intervals [u0, u1] where the horizontal line at v is inside the rings (even-odd). */
function lineIntervals(rings: Ring[], v: number): [number, number][] {
  const us: number[] = [];
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[j] as XY;
      const b = ring[i] as XY;
      // Half-open rule: a line through a vertex counts the vertex once (or twice at an extremum).
      if ((a.y <= v && v < b.y) || (b.y <= v && v < a.y)) us.push(a.x + ((v - a.y) * (b.x - a.x)) / (b.y - a.y));
    }
  }
  us.sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let k = 0; k + 1 < us.length; k += 2) out.push([us[k] as number, us[k + 1] as number]);
  return out;
}

function subtract(base: [number, number][], cut: [number, number][]): [number, number][] {
  let cur = base;
  for (const [c0, c1] of cut) {
    const next: [number, number][] = [];
    for (const [a, b] of cur) {
      if (c1 <= a || c0 >= b) next.push([a, b]);
      else {
        if (c0 > a) next.push([a, c0]);
        if (c1 < b) next.push([c1, b]);
      }
    }
    cur = next;
  }
  return cur;
}

function scanLines(fence: Ring[], avoid: Ring[][], s: number): Line[] {
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const r of fence) for (const p of r) {
    vmin = Math.min(vmin, p.y);
    vmax = Math.max(vmax, p.y);
  }
  if (!Number.isFinite(vmin)) return [];
  // Lines centred on the polygon's extent: n lines spaced s, the outer ones within s/2 of the edges.
  const n = Math.max(1, Math.ceil((vmax - vmin) / s));
  const v0 = (vmin + vmax) / 2 - ((n - 1) * s) / 2;
  const lines: Line[] = [];
  for (let k = 0; k < n; k++) {
    const v = v0 + k * s;
    let iv = lineIntervals(fence, v);
    for (const rings of avoid) iv = subtract(iv, lineIntervals(rings, v));
    const segs = iv.filter(([a, b]) => b - a > 1e-6).map(([u0, u1]) => ({ u0, u1, used: false }));
    lines.push({ v, segs });
  }
  return lines;
}

function orderRuns(lines: Line[], space: FreeSpace, toXY: (u: number, v: number) => XY, turn: number): { pts: XY[]; transects: [XY, XY][] } {
  const pts: XY[] = [];
  const transects: [XY, XY][] = [];
  let last: XY | undefined;
  let forward = true;
  for (;;) {
    let li = lines.findIndex((l) => l.segs.some((s) => !s.used));
    if (li < 0) break;
    let seg = (lines[li] as Line).segs.find((s) => !s.used) as Seg;
    if (last) {
      // Start a new run at whichever end of its first segment is nearer.
      const a = toXY(seg.u0, (lines[li] as Line).v);
      const b = toXY(seg.u1, (lines[li] as Line).v);
      forward = Math.hypot(a.x - last.x, a.y - last.y) <= Math.hypot(b.x - last.x, b.y - last.y);
    }
    for (;;) {
      seg.used = true;
      const v = (lines[li] as Line).v;
      const start = toXY(forward ? seg.u0 : seg.u1, v);
      const end = toXY(forward ? seg.u1 : seg.u0, v);
      const dir = forward ? 1 : -1;
      if (turn > 0) {
        // QGC turnaround: straight legs between the extended ends, outside the polygon by design.
        pts.push(toXY((forward ? seg.u0 : seg.u1) - dir * turn, v), start, end, toXY((forward ? seg.u1 : seg.u0) + dir * turn, v));
      } else {
        pts.push(...(last ? space.connect(last, start) : [start]), end);
      }
      transects.push([start, end]);
      last = end;
      forward = !forward;
      const next = lines[li + 1];
      if (!next) break;
      const cur = seg;
      const cand = next.segs.find((s) => !s.used && s.u0 < cur.u1 && cur.u0 < s.u1 && space.segFree(end, toXY(forward ? s.u0 : s.u1, next.v)));
      if (!cand) break;
      seg = cand;
      li += 1;
    }
  }
  return { pts, transects };
}
