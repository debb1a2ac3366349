import type { LonLat, LonLatAlt } from '../geo/types.js';
import type { Route, RoutePoint } from './types.js';

export interface PointOptions {
  altM: number;
  /** Orbit the target at this radius (MAV_CMD_NAV_LOITER_TURNS); absent = hover over it. */
  orbitRadiusM?: number;
  /** Turns of the orbit (default 1). */
  turns?: number;
  /** Seconds to hover over the target when not orbiting (default 30). */
  hoverS?: number;
  /** Pictures of the target (camera protocol, MAV_CMD_IMAGE_START_CAPTURE) once over it; 0 or absent = none. */
  captureImages?: number;
}

/** Point inspection: fly to the target at a safe altitude, orbit or hover, then return (added by the mission). */
export function planPoint(target: LonLat, opts: PointOptions): Route {
  const p: RoutePoint = { lon: target.lon, lat: target.lat, altM: opts.altM };
  if (opts.orbitRadiusM !== undefined && opts.orbitRadiusM > 0) p.orbit = { radiusM: opts.orbitRadiusM, turns: opts.turns ?? 1 };
  else p.holdS = opts.hoverS ?? 30;
  // Two seconds apart: the usual lower bound of a camera's interval (common.xml IMAGE_START_CAPTURE param2).
  if (opts.captureImages !== undefined && opts.captureImages > 0) p.capture = { images: Math.round(opts.captureImages), intervalS: 2 };
  return { kind: 'point', points: [p] };
}

/** A list of waypoints flown in order. */
export function planWaypoints(list: (LonLatAlt & { holdS?: number })[]): Route {
  return { kind: 'waypoints', points: list.map((p) => ({ lon: p.lon, lat: p.lat, altM: p.altM, ...(p.holdS ? { holdS: p.holdS } : {}) })) };
}
