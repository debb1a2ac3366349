/** Requests and outcomes of the DroneOpsService (GeoJSON geometries in, as the HTTP API takes them). */
import type { PathViolation } from '../airspace.js';
import type { DockCandidate, DockRejection } from '../dock-choice.js';
import type { GeoPolygon } from '../geo/types.js';
import type { Route } from '../planner/types.js';
import type { MissionPlan, MissionRecord } from '../store/types.js';

export interface LineString {
  type: 'LineString';
  /** [lon, lat] or, for waypoints, [lon, lat, altM] (metres above take-off). */
  coordinates: number[][];
}
export interface Point {
  type: 'Point';
  coordinates: number[];
}

/** What to fly (QGroundControl Survey / Corridor Scan, point inspection, waypoint list). */
export type Pattern =
  | { kind: 'coverage'; area: GeoPolygon; spacingM: number; angleDeg?: number; altM: number; turnaroundM?: number }
  | { kind: 'corridor'; line: LineString; widthM: number; spacingM: number; altM: number }
  | { kind: 'point'; target: Point; altM: number; orbitRadiusM?: number; turns?: number; hoverS?: number; captureImages?: number }
  | { kind: 'waypoints'; path: LineString; holdS?: number };

export type PriorityName = 'patrol' | 'inspection' | 'emergency';

export interface PlanRequest {
  dockId: string;
  pattern: Pattern;
  /** Epoch ms the flight would start (time-windowed zones are checked for it); default now. */
  startAt?: number;
  priority?: PriorityName;
  /** Operation area (district id) the flight must stay in; default: the union of all areas. */
  fenceId?: string;
  patrolId?: string;
  alertId?: string;
}

/** Where on the flown path a leg lies: take-off climb, transit from the dock, the route, transit back, descent. */
export type LegSegment = 'takeoff' | 'transit_out' | 'route' | 'transit_back' | 'landing';

export interface LegViolation extends PathViolation {
  sortie: number;
  segment: LegSegment;
  from: [number, number, number];
  to: [number, number, number];
}

export interface PlannedSortie {
  route: Route;
  plan: MissionPlan;
  /** Offset of this sortie's start from the first one's, ms (flight + dock turnaround before it). */
  offsetMs: number;
}

export type PlanRefusal =
  | { ok: false; reason: 'geofence'; message: string; violations: LegViolation[] }
  | { ok: false; reason: 'energy'; message: string; requiredS?: number; usableS?: number; shortfallS?: number; atIndex?: number; requiredPct?: number; batteryPct?: number };

export type PlanOutcome = { ok: true; sorties: PlannedSortie[] } | PlanRefusal;

/** When to launch: now, at a time, or when conditions hold (checked at launch; retried otherwise). */
export interface ScheduleWhen {
  at?: number;
  conditions?: LaunchConditions;
  /** Who asks, for the mission's history: the person's username (HTTP), else `system` / `scheduler`. */
  actor?: string;
}

export interface LaunchConditions {
  /** The drone's battery must be at least this, percent. */
  minBatteryPct?: number;
  /** Daily window "HH:MM"–"HH:MM" in `tz` (default Asia/Shanghai); may wrap midnight. */
  window?: { start: string; end: string; tz?: string };
  /** Wind at the dock at most this (on top of the drone type's own limit), m/s. */
  maxWindMps?: number;
}

export interface ConflictRefusal {
  ok: false;
  reason: 'conflict';
  message: string;
  conflictsWith: { missionId: string; priority: number }[];
  /** Earliest start (epoch ms) at which the same flight would fit. */
  nextFreeSlot?: number;
  /** A dispatch: every dock and slot tried, with its reason. */
  tried?: { dockId: string; at: string; reason: string; nextFreeSlot?: number }[];
}

export type ScheduleOutcome = { ok: true; mission: MissionRecord; preempted: string[] } | ConflictRefusal | PlanRefusal;

export interface DispatchRequest {
  lon: number;
  lat: number;
  alertId?: string;
  priority: 'emergency' | 'inspection';
  /** Inspection altitude (default 60 m). */
  altM?: number;
  /** Hover over the target (default 60 s). */
  hoverS?: number;
  /** Pictures of the target once over it (default 3; 0 = none): the alert's inspection evidence. */
  captureImages?: number;
}

export type DispatchOutcome =
  | {
      ok: true;
      mission: MissionRecord;
      /** The dock that flies it; `etaS` is the planner's (commanded speed), not the ranking's estimate. */
      dock: DockCandidate;
      rejected: DockRejection[];
      preempted: string[];
      /** Docks or slots tried before this one, with why they could not take it. */
      tried?: { dockId: string; at: string; reason: string; nextFreeSlot?: number }[];
      /** Set when no dock could fly now and the earliest free slot was taken (epoch ms). */
      delayedUntil?: number;
    }
  | { ok: false; reason: 'no_dock'; message: string; rejected: DockRejection[] }
  | ConflictRefusal
  | PlanRefusal;

/** Docks for a point inspection (DroneOpsService.rankDocks): available ones by ETA, the rest by distance with reasons. */
export interface DockRanking {
  chosen?: DockCandidate;
  ranked: DockCandidate[];
  rejected: (DockRejection & { distanceM: number })[];
}
