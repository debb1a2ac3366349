/**
 * Independent geometry for the city-day test: its own equirectangular projection, even-odd
 * point-in-polygon, segment crossing and polygon overlap. It shares no code with the planner (no
 * drone-ops/geo, no turf), so a bug there cannot hide a violation here.
 */

export type Ring = [number, number][];

/** Metres east/north of `o` (equirectangular: good to well under 1 % over a city). */
export function metres(o: { lon: number; lat: number }, p: { lon: number; lat: number }): { x: number; y: number } {
  const k = Math.PI / 180;
  return { x: (p.lon - o.lon) * k * 6_371_000 * Math.cos(o.lat * k), y: (p.lat - o.lat) * k * 6_371_000 };
}

/** Even-odd rule over every ring of a polygon (holes included), on [lon, lat] pairs. */
export function insideRings(p: { lon: number; lat: number }, rings: Ring[]): boolean {
  let c = false;
  for (const ring of rings) {
    for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
      const [xa, ya] = ring[a]!;
      const [xb, yb] = ring[b]!;
      if (ya > p.lat !== yb > p.lat && p.lon < ((xb - xa) * (p.lat - ya)) / (yb - ya) + xa) c = !c;
    }
  }
  return c;
}

export interface ZoneShape {
  circle?: { lon: number; lat: number; r: number };
  rings?: Ring[];
}

/** Strictly inside the zone's footprint (a circle by distance, a polygon by the even-odd rule). */
export function insideZone(p: { lon: number; lat: number }, z: ZoneShape): boolean {
  if (z.circle) {
    const d = metres(z.circle, p);
    return Math.hypot(d.x, d.y) < z.circle.r;
  }
  return insideRings(p, z.rings ?? []);
}

function cross(o: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** Proper or touching crossing of segments ab and cd (plane coordinates). */
export function segmentsCross(a: { x: number; y: number }, b: { x: number; y: number }, c: { x: number; y: number }, d: { x: number; y: number }): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (p: { x: number; y: number }, q: { x: number; y: number }, r: { x: number; y: number }): boolean => Math.min(p.x, q.x) <= r.x && r.x <= Math.max(p.x, q.x) && Math.min(p.y, q.y) <= r.y && r.y <= Math.max(p.y, q.y);
  return (d1 === 0 && on(c, d, a)) || (d2 === 0 && on(c, d, b)) || (d3 === 0 && on(a, b, c)) || (d4 === 0 && on(a, b, d));
}

/** Two simple polygons (outer rings, [lon, lat]) overlap: an edge crossing, or one inside the other. */
export function polygonsOverlap(p: Ring, q: Ring): boolean {
  const o = { lon: p[0]![0], lat: p[0]![1] };
  const P = p.map(([lon, lat]) => metres(o, { lon, lat }));
  const Q = q.map(([lon, lat]) => metres(o, { lon, lat }));
  for (let i = 0; i < P.length; i++) {
    for (let j = 0; j < Q.length; j++) {
      if (segmentsCross(P[i]!, P[(i + 1) % P.length]!, Q[j]!, Q[(j + 1) % Q.length]!)) return true;
    }
  }
  return insideRings({ lon: q[0]![0], lat: q[0]![1] }, [p]) || insideRings({ lon: p[0]![0], lat: p[0]![1] }, [q]);
}

/** Least distance (m) from a circle's centre to a polyline, sampled every few metres. */
export function clearanceM(route: { lon: number; lat: number }[], c: { lon: number; lat: number }): number {
  let best = Infinity;
  for (let i = 0; i + 1 < route.length; i++) {
    const a = metres(c, route[i]!);
    const b = metres(c, route[i + 1]!);
    const n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 2));
    for (let s = 0; s <= n; s++) best = Math.min(best, Math.hypot(a.x + ((b.x - a.x) * s) / n, a.y + ((b.y - a.y) * s) / n));
  }
  return best;
}
