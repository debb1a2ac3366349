/**
 * Stored drone-ops records and the DroneOpsStore port (issue #4): no-fly zones and airspace settings,
 * drone types, docks, drones, missions with their history, patrols and reserved intents.
 * One Kysely adapter serves SQLite and PostgreSQL; `store.conformance.ts` is the suite both pass.
 */
import type { DroneStateChange, MissionStatus } from '../../kernel/events.js';
import type { NoFlyZone } from '../airspace.js';
import type { Intent } from '../deconfliction.js';
import type { DockStatus } from '../dock-choice.js';
import type { DroneType } from '../energy.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import type { MissionItem } from '../planner/mission.js';
import type { RouteKind } from '../planner/types.js';

export type { MissionStatus };

export interface DockRecord {
  id: string;
  name: string | null;
  location: LonLat;
  /** District id the dock stands in (its default operation area), or null. */
  district: string | null;
  status: DockStatus;
  /** The drone assigned to this dock, when one is registered. */
  droneId: string | null;
  /** Latest weather from the dock's station. */
  windMps: number | null;
  rain: boolean;
  /** Epoch ms of the latest dock report. */
  reportedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface DroneRecord {
  id: string;
  name: string | null;
  typeId: string;
  dockId: string;
  batteryPct: number;
  phase: DroneStateChange['phase'];
  /** Latest position from telemetry (live while flying; the dock when docked). */
  position: LonLatAlt | null;
  /** Latest heading from telemetry, degrees from north. */
  headingDeg?: number | null;
  /** Epoch ms of the telemetry sample that set battery, position and heading. */
  telemetryAt?: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The flyable part of a planned mission (MISSION_ITEM_INT list, flown path and estimates). */
export interface MissionPlan {
  items: MissionItem[];
  path: (LonLatAlt & { holdS?: number })[];
  lengthM: number;
  durationS: number;
  batteryPct: number;
  energyWh?: number;
}

export interface MissionRecord {
  id: string;
  kind: RouteKind;
  status: MissionStatus;
  priority: number;
  dockId: string;
  droneId: string;
  /** Sorties of one plan share a group id (the first sortie's id); `sortie` is 1-based. */
  groupId: string;
  sortie: number;
  sorties: number;
  patrolId: string | null;
  alertId: string | null;
  /** The plan request as given (pattern and options), kept for re-planning and display. */
  request: Record<string, unknown>;
  plan: MissionPlan;
  /** Scheduled launch time, epoch ms (null = immediate or not scheduled). */
  runAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Latest MISSION_CURRENT seq while flying. */
  progressSeq: number | null;
  note: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface MissionHistoryEntry {
  seq: number;
  from: MissionStatus | null;
  to: MissionStatus;
  at: number;
  note: string | null;
  /**
   * Who made the step: the person's username for an HTTP action (schedule, cancel, dispatch...), else
   * `scheduler` (launch jobs, patrol firings), `vehicle` (what the drone reported) or `system` (ground checks).
   */
  actor: string;
}

/** The actor of an automatic history step (see MissionHistoryEntry.actor). */
export type AutoActor = 'system' | 'scheduler' | 'vehicle';

export interface PatrolRecord {
  id: string;
  name: string | null;
  dockId: string;
  /** The plan request each firing plans (same shape as a mission request). */
  request: Record<string, unknown>;
  cron: string;
  tz: string;
  createdAt: number;
  /** Paused: kept, but not scheduled (no firings) until resumed. */
  paused: boolean;
}

export type PatrolChanges = Partial<Pick<PatrolRecord, 'name' | 'request' | 'cron' | 'tz' | 'paused'>>;

export interface StoredIntent extends Intent {
  /** End of the intent's last volume, epoch ms (expired intents are pruned). */
  endMs: number;
}

export interface MissionFilter {
  status?: MissionStatus[];
  dockId?: string;
  patrolId?: string;
  limit?: number;
  /** Missions to skip, newest first (paging). */
  offset?: number;
}

export type DockChanges = Partial<Pick<DockRecord, 'name' | 'status' | 'droneId' | 'windMps' | 'rain' | 'reportedAt'>>;
export type DroneChanges = Partial<Pick<DroneRecord, 'batteryPct' | 'phase' | 'position' | 'dockId' | 'headingDeg' | 'telemetryAt'>>;
export type MissionChanges = Partial<Pick<MissionRecord, 'runAt' | 'startedAt' | 'finishedAt' | 'progressSeq' | 'note'>>;

export interface DroneOpsStore {
  /** All no-fly zones, by id. */
  listZones(): Promise<NoFlyZone[]>;
  /** Creates or replaces a zone. */
  putZone(zone: NoFlyZone, at: number): Promise<void>;
  deleteZone(id: string): Promise<boolean>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  /** Creates or replaces a drone type. */
  putDroneType(type: DroneType): Promise<void>;
  listDroneTypes(): Promise<DroneType[]>;

  /** @throws AppError DOCK_EXISTS */
  insertDock(dock: DockRecord): Promise<void>;
  getDock(id: string): Promise<DockRecord | undefined>;
  listDocks(): Promise<DockRecord[]>;
  updateDock(id: string, changes: DockChanges, at: number): Promise<DockRecord | undefined>;

  /** @throws AppError DRONE_EXISTS */
  insertDrone(drone: DroneRecord): Promise<void>;
  getDrone(id: string): Promise<DroneRecord | undefined>;
  listDrones(): Promise<DroneRecord[]>;
  updateDrone(id: string, changes: DroneChanges, at: number): Promise<DroneRecord | undefined>;

  /** Stores new missions (status as given) with their first history row (by `actor`, default system), in one transaction. */
  insertMissions(missions: MissionRecord[], actor?: string): Promise<void>;
  getMission(id: string): Promise<MissionRecord | undefined>;
  /** Newest first. */
  listMissions(filter?: MissionFilter): Promise<MissionRecord[]>;
  /** How many missions match the filter (its limit and offset aside). */
  countMissions(filter?: MissionFilter): Promise<number>;
  /**
   * Atomic status change: applies only when the current status is one of `from` (compare-and-set),
   * records a history row and returns the updated mission; undefined when the status did not match.
   */
  transition(id: string, from: readonly MissionStatus[], to: MissionStatus, at: number, opts?: { note?: string; changes?: MissionChanges; actor?: string }): Promise<MissionRecord | undefined>;
  /** Changes fields other than the status (no history row). */
  updateMission(id: string, changes: MissionChanges, at: number): Promise<MissionRecord | undefined>;
  /** History rows oldest first. */
  history(id: string): Promise<MissionHistoryEntry[]>;

  /** @throws AppError VALIDATION_FAILED when the id exists */
  insertPatrol(patrol: PatrolRecord): Promise<void>;
  getPatrol(id: string): Promise<PatrolRecord | undefined>;
  listPatrols(): Promise<PatrolRecord[]>;
  /** Applies `changes`; the updated patrol, or undefined when unknown. */
  updatePatrol(id: string, changes: PatrolChanges): Promise<PatrolRecord | undefined>;
  deletePatrol(id: string): Promise<boolean>;

  /** Creates or replaces a reserved intent (embedded deconfliction persists through this). */
  saveIntent(intent: StoredIntent): Promise<void>;
  deleteIntent(id: string): Promise<boolean>;
  listIntents(): Promise<StoredIntent[]>;
}
