import { bboxOfRings, bboxOverlap, distToRings, insideIntervals, ringArea, segmentInsideAny } from '../geo/plane.js';
import type { BBox, PlanePolygon, Ring, XY } from '../geo/types.js';

/**
 * The free space of a planner in the plane: inside the fence polygon, outside every avoided polygon.
 * `connect` finds legs between two free points that stay free: straight when possible, else a walk
 * along the fence boundary (single-ring fence, nothing avoided) or a shortest path over the visibility
 * graph of reflex fence vertices and obstacle vertices (lazy A*).
 */
export class FreeSpace {
  private readonly avoidBoxes: BBox[];

  constructor(
    readonly fence: PlanePolygon,
    readonly avoid: PlanePolygon[],
  ) {
    this.avoidBoxes = avoid.map((p) => bboxOfRings(p.rings));
  }

  /** True when the whole leg a→b stays inside the fence and out of every avoided polygon. */
  segFree(a: XY, b: XY): boolean {
    if (!segmentInsideAny(a, b, [this.fence])) return false;
    const box: BBox = { minX: Math.min(a.x, b.x), minY: Math.min(a.y, b.y), maxX: Math.max(a.x, b.x), maxY: Math.max(a.y, b.y) };
    for (let i = 0; i < this.avoid.length; i++) {
      if (!bboxOverlap(box, this.avoidBoxes[i] as BBox)) continue;
      if (insideIntervals(a, b, this.avoid[i] as PlanePolygon).length > 0) return false;
    }
    return true;
  }

  /** Intermediate points (excluding a, including b) of a free path from a to b; straight if none found. */
  connect(a: XY, b: XY): XY[] {
    if (this.segFree(a, b)) return [b];
    const outer = this.fence.rings[0];
    if (outer && this.fence.rings.length === 1 && this.avoid.length === 0 && distToRings(a, [outer]) < 1e-3 && distToRings(b, [outer]) < 1e-3) {
      return this.shortcut([a, ...ringWalk(outer, a, b), b]).slice(1);
    }
    return this.visibilityPath(a, b) ?? [b];
  }

  /** Greedy string pulling: from each point jump to the farthest later point reachable in a free leg. */
  private shortcut(walk: XY[], look = 48): XY[] {
    const out: XY[] = [walk[0] as XY];
    let i = 0;
    while (i < walk.length - 1) {
      let j = Math.min(walk.length - 1, i + look);
      while (j > i + 1 && !this.segFree(walk[i] as XY, walk[j] as XY)) j--;
      out.push(walk[j] as XY);
      i = j;
    }
    return out;
  }

  private visibilityPath(a: XY, b: XY): XY[] | undefined {
    const nodes: XY[] = [a, b, ...reflexVertices(this.fence), ...this.avoid.flatMap((p) => p.rings.flat())];
    const n = nodes.length;
    const g = new Float64Array(n).fill(Infinity);
    const prev = new Int32Array(n).fill(-1);
    const closed = new Uint8Array(n);
    const h = (i: number): number => dist(nodes[i] as XY, b);
    g[0] = 0;
    for (;;) {
      let cur = -1;
      let best = Infinity;
      for (let i = 0; i < n; i++) {
        const f = (g[i] as number) + h(i);
        if (!closed[i] && f < best) {
          best = f;
          cur = i;
        }
      }
      if (cur < 0) return undefined;
      if (cur === 1) break;
      closed[cur] = 1;
      const p = nodes[cur] as XY;
      for (let j = 0; j < n; j++) {
        if (closed[j] || j === cur) continue;
        const cand = (g[cur] as number) + dist(p, nodes[j] as XY);
        if (cand < (g[j] as number) && this.segFree(p, nodes[j] as XY)) {
          g[j] = cand;
          prev[j] = cur;
        }
      }
    }
    const path: XY[] = [];
    for (let k = 1; k > 0; k = prev[k] as number) path.unshift(nodes[k] as XY);
    return path;
  }
}

function dist(a: XY, b: XY): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function nearestEdge(ring: Ring, p: XY): number {
  let best = Infinity;
  let k = 0;
  for (let i = 0; i < ring.length; i++) {
    const d = distToRings(p, [[ring[i] as XY, ring[(i + 1) % ring.length] as XY]]);
    if (d < best) {
      best = d;
      k = i;
    }
  }
  return k;
}

/** Vertices strictly between a and b along the ring, in the shorter of the two directions. */
function ringWalk(ring: Ring, a: XY, b: XY): XY[] {
  const n = ring.length;
  const ka = nearestEdge(ring, a);
  const kb = nearestEdge(ring, b);
  const fwd: XY[] = [];
  for (let k = (ka + 1) % n; ; k = (k + 1) % n) {
    fwd.push(ring[k] as XY);
    if (k === kb || fwd.length > n) break;
  }
  const back: XY[] = [];
  for (let k = ka; ; k = (k - 1 + n) % n) {
    if (k === kb) break;
    back.push(ring[k] as XY);
    if (back.length > n) break;
  }
  if (ka === kb) return [];
  return pathLen(a, fwd, b) <= pathLen(a, back, b) ? fwd : back;
}

function pathLen(a: XY, mid: XY[], b: XY): number {
  let s = 0;
  let p = a;
  for (const q of mid) {
    s += dist(p, q);
    p = q;
  }
  return s + dist(p, b);
}

/** Concave corners of the outer ring plus every hole vertex: the only places a shortest path bends. */
function reflexVertices(poly: PlanePolygon): XY[] {
  const out: XY[] = [];
  poly.rings.forEach((ring, r) => {
    if (r > 0) {
      out.push(...ring);
      return;
    }
    const o = Math.sign(ringArea(ring));
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const p = ring[(i - 1 + n) % n] as XY;
      const c = ring[i] as XY;
      const q = ring[(i + 1) % n] as XY;
      const cr = (c.x - p.x) * (q.y - c.y) - (c.y - p.y) * (q.x - c.x);
      if (cr * o < 0) out.push(c);
    }
  });
  return out;
}
