/**
 * The DroneLink port: what the mission lifecycle needs from a vehicle link. The real adapter speaks
 * MAVLink 2 (`drone-ops/mavlink/`, mission protocol and COMMAND_LONG, drone-ops.md); `fake-link.ts` is an
 * in-memory vehicle for tests and the embedded platform. Both pass `drone-link.conformance.ts`.
 */
import type { MissionItem } from '../planner/mission.js';
import type { LonLatAlt } from '../geo/types.js';
import type { DroneImage } from '../../kernel/events.js';

/** The flight stack a drone runs; it decides modes, arming and the mission's item 0 (drone-ops.md). */
export type Autopilot = 'ardupilot' | 'px4';

/** Flight phase as derived from EXTENDED_SYS_STATE / HEARTBEAT (landed state, mode). */
export type FlightPhase = 'on_ground' | 'taking_off' | 'in_flight' | 'returning' | 'landing';

/** What the vehicle must enforce on board before a flight (drone-ops.md "Contingencies", "On board"). */
export interface OnboardSafety {
  /** Inclusion polygons (operation area / district): exterior rings [lon, lat][], closed or not. */
  inclusion: [number, number][][];
  /** Exclusion polygons: every no-fly zone active during the flight. */
  exclusions: [number, number][][];
  /** Rally points: the dock first, then alternates (altitude metres above home). */
  rally: LonLatAlt[];
  /** Maximum altitude above home, m (the ceiling). */
  maxAltM: number;
  /** What the vehicle does on its own when the ground link is lost. */
  lostLinkAction: 'rtl' | 'land';
}

/** Which upload the vehicle refused (MAV_MISSION_TYPE 0, 1, 2). */
export type UploadKind = 'mission' | 'fence' | 'rally';

/** What a link reports, per drone. */
export type DroneLinkEvent =
  /** GLOBAL_POSITION_INT + BATTERY_STATUS (+ HEARTBEAT mode), merged. */
  | { type: 'telemetry'; droneId: string; at: number; position: LonLatAlt; batteryPct: number; headingDeg?: number; groundSpeedMps?: number; mode?: string }
  /** MISSION_CURRENT / MISSION_ITEM_REACHED: the item reached, in the numbering of the uploaded items. */
  | { type: 'progress'; droneId: string; at: number; seq: number; total: number }
  /** Phase changes; `returning` for RTL mode and for the final leg home (mission RTL item, returnVia route). */
  | { type: 'phase'; droneId: string; at: number; phase: FlightPhase }
  /**
   * Landed and disarmed: the flight is over (also without EXTENDED_SYS_STATE: disarmed + altitude ≈ 0).
   * `position`: where the vehicle reports it touched down (its dock, or an alternate site).
   */
  | { type: 'landed'; droneId: string; at: number; batteryPct: number; position?: LonLatAlt }
  /** The vehicle reported a failure (STATUSTEXT severity ≤ ERROR, autopilot mismatch); a lost link is a `link` event. */
  | { type: 'failure'; droneId: string; at: number; reason: string }
  /** The ground link: `lost` after the autopilot's failsafe time without HEARTBEAT; `restored` after that is not a failure. */
  | { type: 'link'; droneId: string; at: number; state: 'lost' | 'restored' }
  /** A mode change to RTL/LAND we did not command: the autopilot's own failsafe (wind, battery, fence, GCS loss). */
  | { type: 'failsafe'; droneId: string; at: number; reason: string; mode?: string }
  /** The vehicle refused an upload (MISSION_ACK ≠ ACCEPTED, or it never answered). */
  | { type: 'uploadRefused'; droneId: string; at: number; missionType: UploadKind; reason: string }
  /** A camera took a picture (CAMERA_IMAGE_CAPTURED); `linkHost` is the vehicle's own address on the link. */
  | { type: 'image'; droneId: string; at: number; image: DroneImageReport };

/** One picture as the camera reported it (MAVLink camera protocol): kernel/events.ts DroneImage without who and when. */
export type DroneImageReport = Omit<DroneImage, 'droneId' | 'dockId' | 'missionId' | 'at'>;

export interface DroneLink {
  /**
   * Uploads the geofence (mission_type 1) and rally points (mission_type 2) and sets the lost-link and
   * fence-action parameters (ArduPilot FENCE_ENABLE/FENCE_ACTION/FS_GCS_ENABLE; PX4 GF_ACTION/NAV_DLL_ACT).
   * Call it before every launch. Rejects with AppError FENCE_REFUSED (vehicle NACK, too many vertices
   * after simplification, …): the caller must then not launch.
   */
  prepare(droneId: string, safety: OnboardSafety): Promise<void>;
  /**
   * Uploads a mission (MAVLink mission protocol, mission_type 0) and resolves when the vehicle
   * acknowledged it (MISSION_ACK ACCEPTED). `items` start at seq 0 with the first real item (take-off);
   * the MAVLink adapter adds ArduPilot's home item 0 itself (not for PX4). A leading home placeholder
   * (NAV_WAYPOINT in MAV_FRAME_GLOBAL at seq 0) is tolerated and replaced. Rejects with an AppError
   * (MAVLINK_TIMEOUT, MAVLINK_NACK, AUTOPILOT_MISMATCH) and emits `uploadRefused`.
   */
  upload(droneId: string, items: MissionItem[]): Promise<void>;
  /** Mode handling per autopilot, arm, start the uploaded mission (ArduPilot: GUIDED → arm → MISSION_START). */
  start(droneId: string): Promise<void>;
  /**
   * Flies a planned, checked return route while airborne: uploads `route` (waypoints at their altitudes,
   * then NAV_LAND at the last point, with DO_CHANGE_SPEED `speedMps`) as a new mission and flies it from
   * its first item. Phases report `returning`, then `landing`.
   */
  returnVia(droneId: string, route: LonLatAlt[], speedMps: number): Promise<void>;
  /** Holds position (ArduPilot LOITER, PX4 AUTO.LOITER) while a conflict is resolved; resolves on COMMAND_ACK. */
  hold(droneId: string): Promise<void>;
  /** Subscribes to events of every drone on the link; returns the unsubscribe function. */
  on(listener: (e: DroneLinkEvent) => void): () => void;
}
