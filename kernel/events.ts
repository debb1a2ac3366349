/**
 * Domain values that cross module boundaries on the event bus.
 * Kept here (the shared kernel) so that modules depend on the kernel, not on each other.
 */

/** One accepted telemetry sample, validated by its contract and enriched from the registry. */
export interface Reading {
  deviceId: string;
  /** Device kind (`gas`, `water`, `heat`, `drainage`, `elevator`, `bridge`). */
  kind: string;
  /** Sample time, epoch ms (device `ts`, or server receive time when the device sent none). */
  ts: number;
  /** Device sequence number, when sent. */
  seq?: number;
  metrics: Record<string, number | boolean>;
  /** District id (administrative code) the device stands in, or null outside every district. */
  district: string | null;
  asset: string | null;
  /** Server receive time, epoch ms. */
  receivedAt: number;
  /** Extra InfluxDB tags beside device/kind/district/asset (points that are not device readings, e.g. alerts). */
  tags?: Record<string, string>;
  /** String fields (InfluxDB only; the SQL store keeps `metrics` alone). */
  text?: Record<string, string>;
}

/** A device event (`devices/{id}/events`), e.g. elevator `trapped`. */
export interface DeviceEvent {
  deviceId: string;
  kind: string;
  ts: number;
  type: string;
  data: Record<string, unknown>;
  district: string | null;
  asset: string | null;
  receivedAt: number;
}

/** A named contract violation by one device (bad payload, out-of-range value...). */
export interface ViolationRecord {
  deviceId: string;
  /** Violation code from the firmware contract (e.g. `OUT_OF_RANGE`, `MALFORMED_JSON`). */
  code: string;
  message: string;
  topic: string;
  at: number;
  /** Field or metric the violation is about, when there is one. */
  path?: string;
}

export interface PresenceChange {
  deviceId: string;
  online: boolean;
  at: number;
  /** Why: `connect`, `disconnect`, `will`, `status`, `revoked`, `timeout`. */
  reason: string;
  fw?: string;
}

export type SeverityName = 'blue' | 'yellow' | 'orange' | 'red';

/**
 * An alert lifecycle change, emitted on the bus only AFTER the alert is persisted. The alert is the
 * rules-engine's stored Alert (JSON); the kernel names just the fields notifiers route on.
 */
export interface AlertNotice {
  alert: {
    id: string;
    ruleId: string;
    subject: string;
    status: string;
    severity: SeverityName;
    message: string;
    [key: string]: unknown;
  };
  /** Audit action: `opened`, `upgraded`, `reopened`, `acknowledged`, `assigned`, `commented`, `dispatched`, `resolved`, `closed`, `escalated`... */
  action: string;
  at: number;
}

/**
 * Mission lifecycle (drone-ops.md): planned → scheduled → preflight → uploading → in_flight → returning →
 * completed | aborted | failed; `refused` = could not be scheduled (airspace conflict, a patrol firing
 * whose plan was refused), never flew.
 */
export type MissionStatus = 'planned' | 'scheduled' | 'preflight' | 'uploading' | 'in_flight' | 'returning' | 'completed' | 'aborted' | 'failed' | 'refused';

/** A mission changed status (emitted after the change and its history row are stored). */
export interface MissionChange {
  missionId: string;
  dockId: string;
  droneId: string;
  from: MissionStatus | null;
  to: MissionStatus;
  at: number;
  /** Why, e.g. `pre-empted by mission m-7`, `upload failed: NACK`. */
  note?: string;
  kind: string;
  priority: number;
  patrolId?: string;
  alertId?: string;
}

/** A drone's state as reported by its link (position, battery, flight phase, mission progress). */
export interface DroneStateChange {
  droneId: string;
  dockId: string;
  at: number;
  phase: 'docked' | 'taking_off' | 'in_flight' | 'returning' | 'landed';
  missionId?: string;
  position?: { lon: number; lat: number; altM: number };
  batteryPct?: number;
  /** MISSION_CURRENT sequence number while flying a mission. */
  missionSeq?: number;
}

/**
 * A drone's camera took a picture (MAVLink CAMERA_IMAGE_CAPTURED): where and when, and the URL the
 * vehicle serves it at; `linkHost` is the vehicle's own address on its MAVLink link.
 */
export interface DroneImage {
  droneId: string;
  dockId: string;
  missionId?: string;
  at: number;
  index: number;
  cameraId: number;
  takenAt: string | null;
  position: { lon: number; lat: number; altM: number };
  ok: boolean;
  url: string;
  linkHost: string;
  /** The camera's own host, from the definition URI of its CAMERA_INFORMATION, when it has one. */
  cameraHost?: string;
}

/** The registry facts other modules cache about a device (a subset of the registry's Device). */
export interface DeviceFacts {
  id: string;
  kind: string;
  name: string | null;
  location: { lon: number; lat: number };
  district: string | null;
  asset: string | null;
  tags: string[];
}

/**
 * A device was created, updated or deleted in the registry: caches (the alert service's subjects)
 * follow this instead of reading the database on a reading's hot path.
 */
export interface DeviceChange {
  deviceId: string;
  change: 'created' | 'updated' | 'deleted';
  /** The device after the change; null when deleted. */
  device: DeviceFacts | null;
  at: number;
}

/**
 * A response task (work order) was created or changed (response/), emitted after it is stored. The kernel
 * names just the fields the stream and notifiers route on; the rest is the task as the API shows it.
 */
export interface TaskNotice {
  task: {
    id: string;
    alertId: string;
    unitId: string;
    state: string;
    district: string | null;
    [key: string]: unknown;
  };
  action: 'created' | 'updated';
  at: number;
}

/** The typed event map of the in-process bus. Later modules add their events here. */
export interface BusEvents {
  reading: Reading;
  deviceEvent: DeviceEvent;
  violation: ViolationRecord;
  presence: PresenceChange;
  deviceRevoked: { deviceId: string; at: number };
  deviceChanged: DeviceChange;
  /** A new alert was opened (persisted first). */
  alertRaised: AlertNotice;
  /** An existing alert changed (upgrade, ack, assign, comment, resolve, close, escalate, reopen). */
  alertChanged: AlertNotice;
  /** A mission changed status (drone-ops). */
  missionChanged: MissionChange;
  /** A drone reported state over its link (drone-ops). */
  droneState: DroneStateChange;
  /** A drone's camera took a picture (drone-ops). */
  droneImage: DroneImage;
  /** A response task was created or changed (response/). */
  taskChanged: TaskNotice;
}
