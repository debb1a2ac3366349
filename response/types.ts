/**
 * The response domain (domain.md "Emergency response"): units and other resources, response plans,
 * tasks (work orders) with their history and field reports. Times are epoch ms inside the module; the
 * HTTP layer shows ISO 8601.
 */
import type { Localized } from '../kernel/i18n.js';

export interface LonLat {
  lon: number;
  lat: number;
}

/** Unit types the plans name (domain.md "Typical units per kind"). */
export const UNIT_TYPES = [
  'gas_repair', 'water_repair', 'heat_company', 'drainage_pump', 'elevator_maintenance', 'bridge_inspection',
  'fire_rescue', 'police', 'medical',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** Alert kinds a plan or unit is for: the six lifeline kinds (device kinds of the firmware contracts). */
export const ALERT_KINDS = ['gas', 'water', 'heat', 'drainage', 'elevator', 'bridge'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** A `desk` is a duty desk (command centre, an authority's duty office) that plans notify; it gets no tasks. */
export const RESOURCE_KINDS = ['unit', 'depot', 'shelter', 'expert', 'desk'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** How a unit hears about a task. Webhook secrets are sealed at rest (kernel/secrets.ts SecretBox). */
export type Channel =
  | { type: 'webhook'; url: string; secret?: string }
  | { type: 'mqtt' }
  | { type: 'sms'; phone: string };

/** Weekly duty window in local time (Asia/Shanghai, UTC+8): ISO weekdays 1–7 and HH:MM bounds. */
export interface DutySchedule {
  days: number[];
  from: string;
  to: string;
}

export interface Supply {
  name: string;
  quantity: number;
  unit?: string;
}

/** A response unit, depot, shelter, expert or duty desk. Only units (kind `unit`) receive tasks. */
export interface Resource {
  id: string;
  kind: ResourceKind;
  name: string;
  /** The name in Chinese, for zh-CN readers (absent: `name` in every language). */
  name_zh?: string;
  /** Units and experts: the unit type (an expert's speciality); null for depots and shelters. */
  type: UnitType | null;
  /** Owning organisation (gas company, district fire brigade…). */
  org: string | null;
  /** The organisation's name in Chinese (absent: `org` in every language). */
  org_zh?: string;
  location: LonLat;
  district: string | null;
  /** Alert kinds it handles; empty = any kind. */
  alertKinds: AlertKind[];
  /** Units: concurrent tasks; shelters: people; depots: ignored. */
  capacity: number;
  duty: 'on' | 'off';
  schedule: DutySchedule | null;
  channels: Channel[];
  supplies: Supply[];
  /** Unit escalated to when this one misses a deadline (the supervisor), or null. */
  supervisor: string | null;
  createdAt: number;
  updatedAt: number;
}

export const LEVELS = ['I', 'II', 'III', 'IV'] as const;
export type Level = (typeof LEVELS)[number];

/** One line of a plan: which unit type, how many, what they do. */
export interface PlanStep {
  unitType: UnitType;
  count: number;
  title: string;
  /** The title in every language (the default pack has them); absent: `title` in every language. */
  titles?: Localized;
  instructions: string;
  /** The instructions in every language (the default pack has them); absent: `instructions` in every language. */
  instructionsByLang?: Localized;
  /** Required tasks must be verified before the alert may resolve. */
  required: boolean;
}

/** A response plan (预案) for an alert kind (or one rule) at one response level. Versioned data. */
export interface Plan {
  /** `<kind>-<level>` for the default pack, or any id. */
  id: string;
  version: number;
  kind: AlertKind;
  /** When set, the plan applies to that rule's alerts only (and wins over the kind's plan). */
  ruleId: string | null;
  level: Level;
  steps: PlanStep[];
  acceptWithinMin: number;
  arriveWithinMin: number;
  /** Send a drone inspection (drone-ops alert dispatch) with the tasks. */
  drone: boolean;
  /** Dispatch without an operator's click. */
  auto: boolean;
  /** Who is told at city and district level (organisations, duty desks). */
  notify: { city: string[]; district: string[] };
  /** What happens on a missed deadline, in order: `next_unit`, `supervisor`. */
  escalation: Array<'next_unit' | 'supervisor'>;
  updatedAt: number;
  updatedBy: string;
}

export const TASK_STATES = ['dispatched', 'accepted', 'declined', 'en_route', 'on_site', 'done', 'verified', 'cancelled', 'reassigned'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface TaskEvent {
  state: TaskState;
  at: number;
  clientAt?: number;
  by: string;
  byName: string;
  note?: string;
}

export interface TaskReport {
  id: string;
  at: number;
  by: string;
  byName: string;
  note?: string;
  mediaIds: string[];
  position?: LonLat;
}

/** What a task carries of its alert, so a responder's phone needs no alert permission. */
export interface TaskAlert {
  id: string;
  kind: string;
  severity: string;
  level: string;
  message: string;
  /** The message in every language, when the alert's rule gave it so (absent on tasks stored before). */
  messages?: Localized;
  /** When the alert opened (time-to-dispatch). */
  openedAt: number;
}

export interface Task {
  id: string;
  alertId: string;
  unitId: string;
  /** The unit's name when the task was made (a snapshot: a renamed unit keeps its old tasks' name). */
  unitName: string;
  /** The unit's name in every language (its `name_zh` for zh-CN); absent on tasks stored before it was kept. */
  unitNames?: Localized;
  unitType: string;
  title: string;
  /** The title in every language, when its plan step has them: readers get theirs. */
  titles?: Localized;
  instructions: string;
  /** The instructions in every language, when its plan step has them. */
  instructionsByLang?: Localized;
  state: TaskState;
  required: boolean;
  planId: string | null;
  planVersion: number | null;
  acceptBy: number;
  arriveBy: number;
  location: LonLat;
  district: string | null;
  alert: TaskAlert;
  /** The task this one replaces (escalation or reassignment), or null. */
  replaces: string | null;
  /** Escalation steps taken for this task's deadlines. */
  escalations: number;
  /** The deadlines already escalated (each escalates once); absent on tasks stored before it was kept. */
  escalated?: Array<'accept' | 'arrive'>;
  createdAt: number;
  updatedAt: number;
  acceptedAt: number | null;
  arrivedAt: number | null;
  doneAt: number | null;
  verifiedAt: number | null;
}

export type TaskDetail = Task & { history: TaskEvent[]; reports: TaskReport[] };

/** Who acts: the authenticated person (id and display name) and, for responders, their unit. */
export interface Actor {
  id: string;
  name: string;
  /** Responders act only on their unit's tasks. */
  unit?: string | null;
  /** District scope; null = the whole city. */
  districts?: string[] | null;
}
