/**
 * Fitting a fence polygon into an autopilot's vertex limit (ArduPilot keeps at most 70 polygon points,
 * drone-ops.md "Contingencies"). The result must never be less safe than the input: an exclusion zone may
 * only grow, an inclusion area may only shrink, each by at least a safety buffer where it was simplified.
 * Douglas–Peucker reduces the ring, a mitred offset moves it by the tolerance, and an explicit check
 * (every original vertex on the right side, no edge crossing) accepts the candidate — the check is what
 * makes it safe, whatever the first two steps produce; a larger tolerance is tried when it fails.
 */
import { pointInRings } from '../geo/plane.js';
import { segmentsMeet } from '../geo/intersect.js';
import type { XY } from '../geo/types.js';

export type FitMode = 'grow' | 'shrink';

function signedArea(r: readonly XY[]): number {
  let a = 0;
  for (let i = 0; i < r.length; i++) {
    const p = r[i] as XY;
    const q = r[(i + 1) % r.length] as XY;
    a += p.x * q.y - q.x * p.y;
  }
  return a / 2;
}

function distToLine(p: XY, a: XY, b: XY): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len === 0) return Math.hypot(p.x - a.x, p.y - a.y);
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (len * len)));
  return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
}

/** Douglas–Peucker on an open polyline; keeps both ends. */
function simplifyLine(pts: readonly XY[], eps: number): XY[] {
  if (pts.length <= 2) return [...pts];
  const a = pts[0] as XY;
  const b = pts[pts.length - 1] as XY;
  let worst = 0;
  let at = 0;
  for (let i = 1; i < pts.length - 1; i++) {
    const d = distToLine(pts[i] as XY, a, b);
    if (d > worst) [worst, at] = [d, i];
  }
  if (worst <= eps) return [a, b];
  return [...simplifyLine(pts.slice(0, at + 1), eps).slice(0, -1), ...simplifyLine(pts.slice(at), eps)];
}

/** Douglas–Peucker on a closed ring: split at the vertex farthest from the first. */
function simplifyRing(ring: readonly XY[], eps: number): XY[] {
  const first = ring[0] as XY;
  let far = 0;
  for (let i = 1; i < ring.length; i++) if (Math.hypot((ring[i] as XY).x - first.x, (ring[i] as XY).y - first.y) > Math.hypot((ring[far] as XY).x - first.x, (ring[far] as XY).y - first.y)) far = i;
  const one = simplifyLine(ring.slice(0, far + 1), eps);
  const two = simplifyLine([...ring.slice(far), first], eps);
  return [...one.slice(0, -1), ...two.slice(0, -1)];
}

/** Moves every edge of a ring outward by `d` metres (inward when negative), mitred corners (clamped to 4 d). */
function offsetRing(ring: readonly XY[], d: number): XY[] {
  const ccw = signedArea(ring) > 0 ? 1 : -1;
  const normal = (a: XY, b: XY): XY => {
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    return { x: (ccw * (b.y - a.y)) / len, y: (ccw * -(b.x - a.x)) / len };
  };
  return ring.map((p, i) => {
    const prev = ring[(i - 1 + ring.length) % ring.length] as XY;
    const next = ring[(i + 1) % ring.length] as XY;
    const n1 = normal(prev, p);
    const n2 = normal(p, next);
    const mx = n1.x + n2.x;
    const my = n1.y + n2.y;
    const ml = Math.hypot(mx, my);
    if (ml < 1e-9) return { x: p.x + n1.x * d, y: p.y + n1.y * d };
    const cosHalf = (mx * n1.x + my * n1.y) / ml;
    const k = Math.min(4, 1 / Math.max(cosHalf, 1e-6)) * d;
    return { x: p.x + (mx / ml) * k, y: p.y + (my / ml) * k };
  });
}

function edgesCross(a: readonly XY[], b: readonly XY[]): boolean {
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (segmentsMeet(a[i] as XY, a[(i + 1) % a.length] as XY, b[j] as XY, b[(j + 1) % b.length] as XY)) return true;
    }
  }
  return false;
}

function isSimple(r: readonly XY[]): boolean {
  for (let i = 0; i < r.length; i++) {
    for (let j = i + 2; j < r.length; j++) {
      if (i === 0 && j === r.length - 1) continue;
      if (segmentsMeet(r[i] as XY, r[i + 1] as XY, r[j] as XY, r[(j + 1) % r.length] as XY)) return false;
    }
  }
  return true;
}

/** True when `inner` lies inside `outer` (vertices inside, no edge crossing, outer's vertices outside inner). */
export function ringWithin(inner: readonly XY[], outer: readonly XY[]): boolean {
  if (!inner.every((p) => pointInRings(p, [[...outer]]))) return false;
  if (outer.some((p) => pointInRings(p, [[...inner]]))) return false;
  return !edgesCross(inner, outer);
}

/**
 * `ring` with at most `maxPoints` vertices: unchanged when it already fits, else simplified and moved by
 * at least `bufferM` so that it contains the original (`grow`) or lies inside it (`shrink`).
 * Returns undefined when no tolerance up to 64 × the buffer gives a verified polygon.
 */
export function fitRing(ring: readonly XY[], maxPoints: number, mode: FitMode, bufferM: number): XY[] | undefined {
  if (ring.length <= maxPoints) return [...ring];
  for (let eps = Math.max(bufferM, 0.5); eps <= 64 * Math.max(bufferM, 0.5); eps *= 2) {
    const simple = simplifyRing(ring, eps);
    if (simple.length < 3 || simple.length > maxPoints) continue;
    const moved = offsetRing(simple, mode === 'grow' ? eps + bufferM : -(eps + bufferM));
    if (!isSimple(moved)) continue;
    if (mode === 'grow' ? ringWithin(ring, moved) : ringWithin(moved, ring)) return moved;
  }
  return undefined;
}
