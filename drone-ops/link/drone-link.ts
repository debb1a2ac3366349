/**
 * The DroneLink port (issue #4 part 6): what the mission lifecycle needs from a vehicle link. The real
 * adapter speaks MAVLink 2 (`drone-ops/mavlink/`, mission protocol and COMMAND_LONG, drone-ops.md);
 * `fake-link.ts` is an in-memory vehicle for tests and the embedded platform.
 */
import type { MissionItem } from '../planner/mission.js';
import type { LonLatAlt } from '../geo/types.js';

/** Flight phase as derived from EXTENDED_SYS_STATE / HEARTBEAT (landed state, mode). */
export type FlightPhase = 'on_ground' | 'taking_off' | 'in_flight' | 'returning' | 'landing';

/** What a link reports, per drone. */
export type DroneLinkEvent =
  /** GLOBAL_POSITION_INT + BATTERY_STATUS, merged. */
  | { type: 'telemetry'; droneId: string; at: number; position: LonLatAlt; batteryPct: number }
  /** MISSION_CURRENT / MISSION_ITEM_REACHED: the item the vehicle is flying to (or has reached). */
  | { type: 'progress'; droneId: string; at: number; seq: number; total: number }
  | { type: 'phase'; droneId: string; at: number; phase: FlightPhase }
  /** Landed and disarmed at the dock: the flight is over. */
  | { type: 'landed'; droneId: string; at: number; batteryPct: number }
  /** The vehicle reported a failure (STATUSTEXT severity ≤ ERROR, failsafe, link lost). */
  | { type: 'failure'; droneId: string; at: number; reason: string };

export interface DroneLink {
  /**
   * Uploads a mission (MAVLink mission protocol, mission_type 0) and resolves when the vehicle
   * acknowledged it (MISSION_ACK ACCEPTED). Rejects with an AppError (e.g. MAVLINK_TIMEOUT) otherwise.
   */
  upload(droneId: string, items: MissionItem[]): Promise<void>;
  /** Arms, takes off and starts the uploaded mission (MAV_CMD_MISSION_START); resolves on COMMAND_ACK. */
  start(droneId: string): Promise<void>;
  /** Abort: return to launch now (MAV_CMD_NAV_RETURN_TO_LAUNCH); resolves on COMMAND_ACK. */
  returnToLaunch(droneId: string): Promise<void>;
  /** Subscribes to events of every drone on the link; returns the unsubscribe function. */
  on(listener: (e: DroneLinkEvent) => void): () => void;
}
