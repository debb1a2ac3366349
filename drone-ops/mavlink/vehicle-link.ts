import type { EventBus } from '../../kernel/bus.js';
import type { AppError } from '../../kernel/errors.js';
import type { MissionItem } from '../planner/mission.js';
import type { FlightMode } from './commands.js';
import type { ParamWrite } from './onboard.js';
import type { DroneState, LinkHealth } from './state.js';
import type { SignatureVerdict } from './signing.js';
import type { CameraInfo, CapturedImage } from './camera.js';

export interface UploadResult {
  /** The opaque id the vehicle returned in MISSION_ACK (0 = the vehicle does not report one). */
  opaqueId: number;
  /** Items or counts sent again after a loss (0 on a clean link). */
  resends: number;
}

export interface LinkEvents {
  /** Every telemetry change (a new DroneState value). */
  state: DroneState;
  health: { from: LinkHealth; to: LinkHealth };
  reached: { seq: number };
  /** CAMERA_IMAGE_CAPTURED (any component of the vehicle: autopilot-attached or MAVLink camera), with the link's peer host. */
  image: CapturedImage & { linkHost: string; cameraHost?: string };
  /** CAMERA_INFORMATION answered (or `null`: the vehicle refused MAV_CMD_REQUEST_MESSAGE for it, no camera). */
  camera: { info: CameraInfo | null };
  statustext: { severity: number; text: string };
  /** Re-sends (lost items, requests or ACKs) since the last such event, at most once per health check. */
  retry: { kind: 'upload' | 'command' | 'param'; count: number };
  /** A frame dropped by the signing policy. */
  rejected: { verdict: Exclude<SignatureVerdict, 'accepted'>; msgid: number };
  /** MISSION_CURRENT names a plan id other than the one we uploaded (ArduPilot uploads are not atomic). */
  'mission-mismatch': { expected: number; reported: number };
  /** The HEARTBEAT names another autopilot than the one registered: uploads and commands now fail. */
  'autopilot-mismatch': { registered: string; reported: string };
}

/**
 * One vehicle's MAVLink session (per-vehicle API). The fleet-level `DroneLink` port of
 * drone-ops/link is implemented over these by `MavlinkDroneLink` (fleet-link.ts). Every command resolves when the vehicle
 * acknowledges it with MAV_RESULT_ACCEPTED and rejects with an AppError: MAVLINK_TIMEOUT after the
 * retries, MAVLINK_NACK with the vehicle's reason, MAVLINK_LINK_LOST when the link is gone.
 */
export interface VehicleLink {
  /** The latest telemetry picture. */
  readonly state: DroneState;
  readonly events: EventBus<LinkEvents>;
  /** Open the transport, start the GCS heartbeat and wait for the vehicle's first HEARTBEAT. */
  connect(): Promise<void>;
  /** Upload a mission (mission_type 0) as MISSION_ITEM_INT; replaces the vehicle's mission. */
  uploadMission(items: readonly MissionItem[]): Promise<UploadResult>;
  /** Upload fence items (mission_type 1): polygon vertices, circles, return point. */
  uploadFence(items: readonly MissionItem[]): Promise<UploadResult>;
  /** Upload rally points (mission_type 2). */
  uploadRally(items: readonly MissionItem[]): Promise<UploadResult>;
  /** MAV_CMD_COMPONENT_ARM_DISARM param1 = 1. */
  arm(): Promise<void>;
  disarm(): Promise<void>;
  /** MAV_CMD_NAV_TAKEOFF to `altM` metres above home. */
  takeoff(altM: number): Promise<void>;
  /** MAV_CMD_MISSION_START from the first item. */
  startMission(): Promise<void>;
  land(): Promise<void>;
  /** MAV_CMD_DO_SET_MODE with the custom mode of the vehicle's autopilot. */
  setMode(mode: FlightMode): Promise<void>;
  /** PARAM_SET, resolved when PARAM_VALUE echoes the value (encoded per autopilot). */
  setParam(w: ParamWrite): Promise<void>;
  /** MAV_CMD_SET_MESSAGE_INTERVAL: stream `msgid` every `intervalUs` µs. */
  requestMessageInterval(msgid: number, intervalUs: number): Promise<void>;
  /** The registered autopilot, else the one its HEARTBEAT names. */
  readonly autopilot: 'ardupilot' | 'px4' | 'generic';
  /** AUTOPILOT_MISMATCH once a HEARTBEAT named another autopilot than the registered one. */
  readonly mismatch: AppError | undefined;
  /**
   * The vehicle's camera as CAMERA_INFORMATION describes it (asked with MAV_CMD_REQUEST_MESSAGE each time
   * the link comes up); null when the vehicle has none, undefined until it answered.
   */
  readonly camera: CameraInfo | null | undefined;
  /** Re-sends of uploads, commands and parameter writes so far. */
  readonly retries: number;
  close(): Promise<void>;
}
