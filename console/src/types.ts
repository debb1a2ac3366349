/** The shapes the console reads from the public API (docs/http-api.md, docs/drone-ops-api.md). */
import type { Feature } from 'geojson';
export type Severity = 'blue' | 'yellow' | 'orange' | 'red';
export const SEVERITIES: readonly Severity[] = ['red', 'orange', 'yellow', 'blue'];
/** National response level per warning colour: I red … IV blue. */
export const LEVEL: Record<Severity, 'I' | 'II' | 'III' | 'IV'> = { red: 'I', orange: 'II', yellow: 'III', blue: 'IV' };
export const SEVERITY_COLOUR: Record<Severity, string> = { red: '#e5322d', orange: '#f08c00', yellow: '#f5d000', blue: '#2f7fe0' };

export type AlertStatus = 'open' | 'acknowledged' | 'resolved' | 'closed';
export const ALERT_STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved', 'closed'];

export interface LonLat {
  lon: number;
  lat: number;
}

export interface AuditEntry {
  alertId: string;
  at: number;
  actor: string;
  /** The person's display name when `actor` is their id (GET /alerts/{id}). */
  actorName?: string;
  action: string;
  from?: string;
  to?: string;
  note?: string;
  /** A note the platform wrote (drone over the target, picture attached): rendered in the chosen language. */
  detail?: { code: string; params: Record<string, string | number>; notes?: Partial<Record<string, string>> };
}

export interface Alert {
  id: string;
  ruleId: string;
  subject: string;
  status: AlertStatus;
  severity: Severity;
  responseLevel?: string;
  message: string;
  /** The message in every language (alerts raised by rules); free-text alerts have `message` only. */
  messages?: Partial<Record<'zh-CN' | 'en', string>>;
  count?: number;
  firstSeenAt?: number;
  lastSeenAt?: number;
  openedAt?: number;
  assignee?: string | null;
  labels?: { deviceId?: string; deviceKind?: string; district?: string | null; location?: LonLat | null; asset?: string | null };
  impact?: {
    center?: LonLat;
    radiusM?: number;
    area?: Feature;
    devices?: { deviceId: string; kind: string; distanceM: number }[];
    assets?: unknown[];
    districts?: string[];
  } | null;
  resources?: {
    sensors?: { deviceId: string; kind: string; distanceM: number }[];
    docks?: { available?: unknown; items?: { dockId: string; etaS?: number; distanceM?: number; reasons?: unknown[] }[] };
  } | null;
  audit?: AuditEntry[];
  kpis?: { ttaMs?: number | null; ttdMs?: number | null; ttrMs?: number | null };
  [key: string]: unknown;
}

export interface Device {
  id: string;
  kind: string;
  location: LonLat;
  name: string | null;
  district: string | null;
  online: boolean;
  lastSeenAt: number | null;
  lastViolation: { code: string; message?: string; at?: number } | null;
  revokedAt: number | null;
}

export interface Dock {
  id: string;
  name?: string | null;
  location: LonLat;
  district?: string | null;
  status?: string;
  windMps?: number | null;
  rain?: boolean | null;
}

export interface Drone {
  id: string;
  dockId: string;
  typeId?: string;
  batteryPct?: number;
  phase?: string;
  position?: { lon: number; lat: number; altM: number } | null;
  headingDeg?: number | null;
  missionId?: string | null;
}

export interface Mission {
  id: string;
  status: string;
  kind?: string;
  priority?: string;
  dockId: string;
  droneId: string;
  alertId?: string | null;
  route?: Feature;
  createdAt?: number;
}

export interface DistrictProps {
  id: string;
  name?: string;
  name_en?: string;
  name_zh?: string;
  urban_core?: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit?: number;
  offset?: number;
}

export interface SessionUser {
  id?: string | null;
  username: string;
  role: string;
  unit?: string | null;
  /** The response unit's name (GET /session), shown instead of its id. */
  unitName?: string | null;
  /** The same in every language (its resource's `name_zh` for zh-CN). */
  unitNames?: Partial<Record<'zh-CN' | 'en', string>> | null;
  /** District codes the user may see; null or absent = the whole city. */
  districts?: string[] | null;
}

/** Task (work order) states, in the order a responder moves through them (docs/response-api.md). */
export type TaskState = 'dispatched' | 'accepted' | 'declined' | 'en_route' | 'on_site' | 'done' | 'verified' | 'cancelled' | 'reassigned';
export const TASK_STATES: readonly TaskState[] = ['dispatched', 'accepted', 'declined', 'en_route', 'on_site', 'done', 'verified', 'cancelled', 'reassigned'];

export interface TaskEvent {
  state: TaskState;
  at: string;
  clientAt?: string;
  by: string;
  byName?: string;
  note?: string;
}

export interface TaskReport {
  id: string;
  at: string;
  by: string;
  byName?: string;
  note?: string;
  mediaIds: string[];
  position?: LonLat;
}

export interface Task {
  id: string;
  alertId: string;
  unitId: string;
  unitName?: string;
  /** The unit's name in every language (its resource's `name_zh` for zh-CN). */
  unitNames?: Partial<Record<'zh-CN' | 'en', string>>;
  unitType?: string;
  title: string;
  /** The title and the instructions in every language, when the plan has them (the console shows its own). */
  titles?: Partial<Record<'zh-CN' | 'en', string>>;
  instructions?: string;
  instructionsByLang?: Partial<Record<'zh-CN' | 'en', string>>;
  state: TaskState;
  required?: boolean;
  acceptBy?: string;
  arriveBy?: string;
  location: LonLat;
  mapsUrl?: string;
  district?: string | null;
  districtName?: { zh: string; en: string } | null;
  alert?: { id: string; kind?: string; severity: Severity; level?: string; message: string; messages?: Partial<Record<'zh-CN' | 'en', string>> };
  createdAt: string;
  updatedAt: string;
  history?: TaskEvent[];
  reports?: TaskReport[];
}

/** A picture in the media store (responder photo or drone capture). */
export interface MediaMeta {
  id: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  source: 'responder' | 'drone' | 'operator';
  uploadedBy: string;
  filename?: string;
  takenAt: string;
  position?: LonLat & { altM?: number };
  alertId?: string;
  taskId?: string;
  missionId?: string;
  note?: string;
  createdAt: string;
}
