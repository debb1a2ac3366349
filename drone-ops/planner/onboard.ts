import { zoneActive, type Airspace } from '../airspace.js';
import { bufferedHull, convexHull } from '../geo/buffer.js';
import { distanceM, LocalPlane } from '../geo/enu.js';
import { segmentInsideAny } from '../geo/plane.js';
import { projectArea, projectFootprint } from '../geo/shapes.js';
import type { LonLat, LonLatAlt, PlanePolygon, Ring, XY } from '../geo/types.js';

/**
 * The fence and rally points a vehicle enforces on its own (drone-ops.md "On board"): the operation area
 * as inclusion, every zone active during the flight near it as an exclusion, rally points (the dock
 * first, then alternates), the ceiling and the lost-link action. ArduPilot holds at most 70 fence
 * points, so the fence is simplified conservatively: exclusions grow (buffered convex hulls, then
 * buffered boxes), the inclusion shrinks (a box around the flight that lies inside the area).
 */
export interface OnboardFence {
  inclusion: [number, number][][];
  exclusions: [number, number][][];
  rally: LonLatAlt[];
  maxAltM: number;
  lostLinkAction: 'rtl' | 'land';
}

export interface OnboardInput {
  airspace: Airspace;
  /** The flown path (plan.path) and when it flies. */
  path: LonLatAlt[];
  at: number;
  durationMs: number;
  fenceId?: string;
  /** Dock first, then alternates. */
  rally: LonLat[];
  lostLinkAction?: 'rtl' | 'land';
  /** Most fence vertices the autopilot takes (ArduPilot FENCE_TOTAL class: 70). */
  maxVertices?: number;
  /** Margin added around exclusions and kept inside the inclusion, m (default 20). */
  bufferM?: number;
  /** Zones farther than this from the flight are left out, m (default 3 km). */
  nearM?: number;
}

export function onboardFence(i: OnboardInput): OnboardFence {
  const plane = new LocalPlane(i.path[0] ?? i.rally[0] ?? { lon: 0, lat: 0 });
  const pts = i.path.map((p) => plane.toXY(p));
  const box = bounds(pts);
  const buffer = i.bufferM ?? 20;
  const budget = i.maxVertices ?? 70;
  const near = i.nearM ?? 3000;
  const shapes = i.airspace.noFlyZones
    .filter((z) => zoneActive(z, i.at, i.durationMs) && z.floorM < i.airspace.ceilingM)
    .map((z) => projectFootprint(plane, z.footprint))
    .filter((s) => s.bbox.maxX > box.minX - near && s.bbox.minX < box.maxX + near && s.bbox.maxY > box.minY - near && s.bbox.minY < box.maxY + near);
  let exclusions: Ring[] = shapes.map((s) => bufferedHull(s, buffer));
  const inclusion = inclusionRing(i, plane, pts, buffer, Math.max(4, budget - 4 * shapes.length));
  const used = (): number => exclusions.reduce((n, r) => n + r.length, inclusion?.length ?? 0);
  if (used() > budget) exclusions = exclusions.map((r) => (r.length > 8 ? convexHull(octagonish(r)) : r));
  if (used() > budget) exclusions = exclusions.map((r) => boxRing(bounds(r)));
  const toGeo = (r: Ring): [number, number][] => r.map((p) => plane.toLonLat(p)).map((g) => [g.lon, g.lat] as [number, number]);
  return {
    inclusion: inclusion ? [toGeo(inclusion)] : [],
    exclusions: exclusions.map(toGeo),
    rally: i.rally.map((r) => ({ lon: r.lon, lat: r.lat, altM: 0 })),
    maxAltM: i.airspace.ceilingM,
    lostLinkAction: i.lostLinkAction ?? 'rtl',
  };
}

/** Margin by which home must be nearer than an alternate from every planned point, m. */
export const RALLY_MARGIN_M = 100;

/**
 * The alternates worth putting on board as rally points: those that are farther than home (by
 * `marginM`) from every point of the planned path. An autopilot's RTL (a failsafe, a lost link) flies to
 * the nearest of home and its rally points (ArduPilot AP_Rally with RALLY_INCL_HOME, PX4 RTL_TYPE 0): an
 * alternate nearer than home anywhere on the plan would take a drone whose RTL starts there to a
 * neighbour's dock. Off the plan (a fly-away, a drift) the alternates still offer a nearer landing.
 */
export function rallyAlternates(path: readonly LonLat[], home: LonLat, alternates: readonly LonLat[], marginM = RALLY_MARGIN_M): LonLat[] {
  return alternates.filter((a) => path.every((p) => distanceM(p, a) > distanceM(p, home) + marginM));
}

/** The operation area's ring if it fits the budget, else the largest box around the flight inside it. */
function inclusionRing(i: OnboardInput, plane: LocalPlane, pts: XY[], buffer: number, budget: number): Ring | undefined {
  const areas = i.fenceId === undefined ? i.airspace.operationAreas : i.airspace.operationAreas.filter((a) => a.id === i.fenceId);
  const polys: PlanePolygon[] = areas.flatMap((a) => projectArea(plane, a.area));
  if (polys.length === 0) return undefined;
  const single = polys.length === 1 && polys[0]?.rings.length === 1 ? polys[0].rings[0] : undefined;
  if (single && single.length <= budget) return single;
  const b = bounds(pts);
  for (const grow of [2000, 1000, 500, 250, 100]) {
    const ring = boxRing({ minX: b.minX - grow, minY: b.minY - grow, maxX: b.maxX + grow, maxY: b.maxY + grow });
    const inner = boxRing({ minX: b.minX - grow - buffer, minY: b.minY - grow - buffer, maxX: b.maxX + grow + buffer, maxY: b.maxY + grow + buffer });
    if (inner.every((p, k) => segmentInsideAny(p, inner[(k + 1) % inner.length] as XY, polys))) return ring;
  }
  // The flight hugs the area's edge: the hull of the flight with the buffer (the ground watch has the exact area).
  return convexHull(pts.flatMap((p) => [-1, 1].flatMap((sx) => [-1, 1].map((sy) => ({ x: p.x + sx * buffer, y: p.y + sy * buffer })))));
}

/** Every other vertex pushed out to keep containment: a ring of about half the vertices around the same shape. */
function octagonish(r: Ring): XY[] {
  const b = bounds(r);
  const c = { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 };
  const R = Math.max(...r.map((p) => Math.hypot(p.x - c.x, p.y - c.y))) / Math.cos(Math.PI / 8);
  return Array.from({ length: 8 }, (_, k) => ({ x: c.x + R * Math.cos((k * Math.PI) / 4), y: c.y + R * Math.sin((k * Math.PI) / 4) }));
}

function bounds(pts: XY[]): { minX: number; minY: number; maxX: number; maxY: number } {
  return { minX: Math.min(...pts.map((p) => p.x)), minY: Math.min(...pts.map((p) => p.y)), maxX: Math.max(...pts.map((p) => p.x)), maxY: Math.max(...pts.map((p) => p.y)) };
}

function boxRing(b: { minX: number; minY: number; maxX: number; maxY: number }): Ring {
  return [{ x: b.minX, y: b.minY }, { x: b.maxX, y: b.minY }, { x: b.maxX, y: b.maxY }, { x: b.minX, y: b.maxY }];
}
