import type { LonLat, LonLatAlt } from '../geo/types.js';

/** One point of a planned route. */
export interface RoutePoint extends LonLatAlt {
  /** Seconds to hold (hover) at the point. */
  holdS?: number;
  /** Orbit the point instead of passing it (MAV_CMD_NAV_LOITER_TURNS). */
  orbit?: { radiusM: number; turns: number };
  /** Take pictures once there (MAV_CMD_IMAGE_START_CAPTURE after the point): how many, and seconds apart. */
  capture?: { images: number; intervalS: number };
}

export type RouteKind = 'coverage' | 'corridor' | 'point' | 'waypoints' | 'sortie' | 'ferry';

/** What a planner returns: the work part of a flight, without take-off, transit and return. */
export interface Route {
  kind: RouteKind;
  points: RoutePoint[];
  /** Survey lines (coverage and corridor): each flown from `from` to `to`, in flight order. */
  transects?: { from: LonLat; to: LonLat }[];
}
