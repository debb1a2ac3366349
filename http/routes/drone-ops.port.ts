/**
 * What the drone-ops routes need (the composition root adapts DroneOpsService to it, app/drone-ops.ts).
 * Views are plain JSON objects; refusals cross this boundary as AppErrors: GEOFENCE_VIOLATION and
 * PLAN_INFEASIBLE (422), AIRSPACE_CONFLICT (409, with the conflicting missions and the next free slot),
 * DOCK_UNAVAILABLE (409), *_NOT_FOUND (404).
 */
import type { DispatchBodyT, FerryBodyT, DockBodyT, DockReportBodyT, DroneBodyT, DroneTypeBodyT, MissionQueryT, TelemetryQueryT, PatrolBodyT, PatrolPatchBodyT, PlanBodyT, ScheduleBodyT, ZoneFeatureInT } from './drone-ops.schemas.js';

export type View = Record<string, unknown>;

export interface DroneOpsPort {
  /** Operation areas and no-fly zones as a FeatureCollection, with `ceilingM`. */
  airspace(): Promise<View>;
  /** Creates or replaces a no-fly zone; returns it as a Feature. */
  putZone(feature: ZoneFeatureInT): Promise<View>;
  /** Throws ZONE_NOT_FOUND. */
  deleteZone(id: string): Promise<void>;
  setCeiling(ceilingM: number): Promise<void>;
  listDroneTypes(): Promise<View[]>;
  putDroneType(t: DroneTypeBodyT): Promise<View>;
  listDocks(): Promise<View[]>;
  /** Throws DOCK_EXISTS. */
  createDock(input: DockBodyT): Promise<View>;
  /** Throws DOCK_NOT_FOUND. */
  getDock(id: string): Promise<View>;
  /** A dock's state report. Throws DOCK_NOT_FOUND. */
  reportDock(id: string, report: DockReportBodyT): Promise<View>;
  listDrones(): Promise<View[]>;
  /** Throws DRONE_EXISTS, DOCK_NOT_FOUND, DRONE_TYPE_NOT_FOUND. */
  createDrone(input: DroneBodyT): Promise<View>;
  /** Throws DRONE_NOT_FOUND. */
  getDrone(id: string): Promise<View>;
  /** The drone's telemetry history (position, battery, phase, mission item) in [from, to). Throws DRONE_NOT_FOUND. */
  droneTelemetry(id: string, q: TelemetryQueryT): Promise<View>;
  /** The plan outcome as a value (`ok`, missions or the refusal); nothing is stored. */
  validate(req: PlanBodyT): Promise<View>;
  /** Plans and stores (and schedules when `schedule` is given) the mission's sorties. */
  plan(req: PlanBodyT, by: string): Promise<View[]>;
  /** `by`, here and below: the authenticated person, written on the mission's history. */
  schedule(id: string, when: ScheduleBodyT, by: string): Promise<View>;
  /** Cancels before launch or aborts in flight. Throws MISSION_NOT_FOUND, MISSION_TRANSITION_INVALID. */
  cancel(id: string, by: string): Promise<View>;
  /** Breakpoint resume: a new mission from the last reached item of an aborted or failed one, scheduled now. */
  resume(id: string, by: string): Promise<View>;
  /** A page of missions (newest first) and how many match the filter. */
  listMissions(q: MissionQueryT): Promise<{ items: View[]; total: number }>;
  /** With its history. Throws MISSION_NOT_FOUND. */
  getMission(id: string): Promise<View>;
  /**
   * A ferry flight home for a drone landed away from its dock, planned and scheduled like a mission. Throws
   * DRONE_NOT_FOUND, DRONE_NOT_LANDED_AWAY, GEOFENCE_VIOLATION, PLAN_INFEASIBLE, AIRSPACE_CONFLICT.
   */
  ferry(droneId: string, req: FerryBodyT, by: string): Promise<View>;
  /** Emergency point inspection from the nearest available dock. Throws DOCK_UNAVAILABLE. */
  dispatch(req: DispatchBodyT, by: string): Promise<View>;
  /** The mission as a QGroundControl `.plan` file, with the fence and rally points its launch sends. Throws MISSION_NOT_FOUND. */
  qgcPlan(id: string): Promise<View>;
  /** A `.plan` file → a `waypoints` plan body, its check, the file's fence and a warning per part not kept. Throws QGC_PLAN_INVALID, QGC_PLAN_NO_DOCK, DOCK_NOT_FOUND. */
  importQgcPlan(file: unknown, opts: { dockId?: string }): Promise<View>;
  listPatrols(): Promise<View[]>;
  createPatrol(input: PatrolBodyT): Promise<View>;
  /** Pause/resume, or a new name, cron, zone or area (validated like a new patrol). Throws PATROL_NOT_FOUND, PLAN_REFUSED-class refusals, VALIDATION_FAILED. */
  updatePatrol(id: string, patch: PatrolPatchBodyT): Promise<View>;
  /** Throws PATROL_NOT_FOUND. */
  deletePatrol(id: string): Promise<void>;
}
