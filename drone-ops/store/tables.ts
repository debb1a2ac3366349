/** Row types of the drone-ops tables and their mapping to records. */
import type { Kysely } from 'kysely';
import type { DockStatus } from '../dock-choice.js';
import type { DockRecord, DroneRecord, MissionRecord, MissionStatus } from './types.js';

export interface DocksTable {
  id: string;
  name: string | null;
  lon: number;
  lat: number;
  district: string | null;
  status: string;
  drone_id: string | null;
  wind_mps: number | null;
  rain: number;
  reported_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DronesTable {
  id: string;
  name: string | null;
  type_id: string;
  dock_id: string;
  battery_pct: number;
  phase: string;
  position: string | null;
  heading_deg: number | null;
  telemetry_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface MissionsTable {
  id: string;
  kind: string;
  status: string;
  priority: number;
  dock_id: string;
  drone_id: string;
  group_id: string;
  sortie: number;
  sorties: number;
  patrol_id: string | null;
  alert_id: string | null;
  request: string;
  plan: string;
  run_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  progress_seq: number | null;
  note: string | null;
  created_at: number;
  updated_at: number;
}

export interface HistoryTable {
  mission_id: string;
  seq: number;
  from_status: string | null;
  to_status: string;
  at: number;
  note: string | null;
  actor: string | null;
}

export interface DroneOpsTables {
  drone_zones: { id: string; body: string; updated_at: number };
  drone_settings: { key: string; value: string };
  drone_types: { id: string; body: string };
  docks: DocksTable;
  drones: DronesTable;
  missions: MissionsTable;
  mission_history: HistoryTable;
  patrols: { id: string; name: string | null; dock_id: string; request: string; cron: string; tz: string; created_at: number; paused: number };
  drone_intents: { id: string; body: string; end_ms: number };
}

export type Db = Kysely<DroneOpsTables>;

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function dockFromRow(r: DocksTable): DockRecord {
  return {
    id: r.id,
    name: r.name,
    location: { lon: r.lon, lat: r.lat },
    district: r.district,
    status: r.status as DockStatus,
    droneId: r.drone_id,
    windMps: r.wind_mps,
    rain: Number(r.rain) === 1,
    reportedAt: num(r.reported_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function dockToRow(d: DockRecord): DocksTable {
  return {
    id: d.id,
    name: d.name,
    lon: d.location.lon,
    lat: d.location.lat,
    district: d.district,
    status: d.status,
    drone_id: d.droneId,
    wind_mps: d.windMps,
    rain: d.rain ? 1 : 0,
    reported_at: d.reportedAt,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

export function droneFromRow(r: DronesTable): DroneRecord {
  return {
    id: r.id,
    name: r.name,
    typeId: r.type_id,
    dockId: r.dock_id,
    batteryPct: Number(r.battery_pct),
    phase: r.phase as DroneRecord['phase'],
    position: r.position === null ? null : (JSON.parse(r.position) as DroneRecord['position']),
    headingDeg: r.heading_deg === null ? null : Number(r.heading_deg),
    telemetryAt: r.telemetry_at === null ? null : Number(r.telemetry_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function droneToRow(d: DroneRecord): DronesTable {
  return {
    id: d.id,
    name: d.name,
    type_id: d.typeId,
    dock_id: d.dockId,
    battery_pct: d.batteryPct,
    phase: d.phase,
    position: d.position === null ? null : JSON.stringify(d.position),
    heading_deg: d.headingDeg ?? null,
    telemetry_at: d.telemetryAt ?? null,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

export function missionFromRow(r: MissionsTable): MissionRecord {
  return {
    id: r.id,
    kind: r.kind as MissionRecord['kind'],
    status: r.status as MissionStatus,
    priority: Number(r.priority),
    dockId: r.dock_id,
    droneId: r.drone_id,
    groupId: r.group_id,
    sortie: Number(r.sortie),
    sorties: Number(r.sorties),
    patrolId: r.patrol_id,
    alertId: r.alert_id,
    request: JSON.parse(r.request) as Record<string, unknown>,
    plan: JSON.parse(r.plan, (_k, v: unknown) => (v === null ? NaN : v)) as MissionRecord['plan'],
    runAt: num(r.run_at),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    progressSeq: num(r.progress_seq),
    note: r.note,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function missionToRow(m: MissionRecord): MissionsTable {
  return {
    id: m.id,
    kind: m.kind,
    status: m.status,
    priority: m.priority,
    dock_id: m.dockId,
    drone_id: m.droneId,
    group_id: m.groupId,
    sortie: m.sortie,
    sorties: m.sorties,
    patrol_id: m.patrolId,
    alert_id: m.alertId,
    request: JSON.stringify(m.request),
    // Mission items carry NaN (yaw "unchanged", MAVLink): JSON has no NaN, so null stands for it.
    plan: JSON.stringify(m.plan),
    run_at: m.runAt,
    started_at: m.startedAt,
    finished_at: m.finishedAt,
    progress_seq: m.progressSeq,
    note: m.note,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}
