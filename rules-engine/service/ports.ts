/**
 * What the alert service needs from outside rules-engine (implemented in the composition root,
 * `app/alerts.ts`): registry data about subjects, nearby resources, stored telemetry history.
 */
import type { ErrorCode } from '../../kernel/errors.js';
import { nearestOfKind, type ImpactArea, type ImpactSubject, type ResourceMatch } from '../impact.js';
import type { LonLat } from '../signal.js';
import type { SubjectInfo } from '../signal.js';
import type { StoredAlert } from '../store/alert-store.js';

/** A device as the rules see it: registry fields, location, per-device parameters and parent. */
export interface Subject extends ImpactSubject {
  /** Per-device parameters for relative rules and the deadman (`depth_m`, `strain_ue_limit`, `interval_ms`…). */
  params: Record<string, number>;
  /** Gateway the device reports through (inhibition), or null. */
  parent: string | null;
}

export interface SubjectDirectory {
  /** The cached subject, synchronously: the per-reading hot path never waits on a database. */
  peek(deviceId: string): Subject | undefined;
  /** Loads a subject that is not cached yet (first reading of a new device); undefined when unknown. */
  load(deviceId: string): Promise<Subject | undefined>;
  /** Every known subject (impact area, nearest sensors, backtest scope). */
  all(): Iterable<Subject>;
}

/** Nearest resources for an alert (domain.md "match nearby resources"). */
export interface ResourceFinder {
  /** Called when an alert opens or is upgraded; `impact` is null when the subject has no location. */
  find(alert: StoredAlert, impact: ImpactArea | null): Promise<ResourceMatch>;
}

/** Where and how urgently to send a drone for an alert (built by AlertApi from the stored alert). */
export interface DispatchOrder {
  alertId: string;
  /** The impact area's center, else the subject's location. */
  location: LonLat;
  /** `emergency` for red/orange alerts (response levels I–II), `inspection` otherwise. */
  priority: 'emergency' | 'inspection';
  /** Who dispatched (the person's username), for the mission's history. */
  by?: string;
}

/** A dispatch that happened: the mission (as the drone-ops API shows it), its dock and flight time. */
export interface Dispatched {
  ok: true;
  missionId: string;
  dockId: string;
  etaS: number;
  mission: Record<string, unknown>;
}

/** A dispatch that could not happen: a stable error code (DOCK_UNAVAILABLE, AIRSPACE_CONFLICT…) and details. */
export interface DispatchRefused {
  ok: false;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type DispatchResult = Dispatched | DispatchRefused;

/**
 * Sends a drone to an alert (issue #4 "From an alert"); implemented in the composition root over
 * drone-ops, so rules-engine never imports drone-ops. Refusals are values; only failures throw.
 */
export interface Dispatcher {
  /** Picks the nearest available dock by flight time, plans a point inspection, reserves airspace and schedules it. */
  dispatch(order: DispatchOrder): Promise<DispatchResult>;
}

/** Raw telemetry history (structurally the TelemetryStore's `queryRaw`), for backtests. */
export interface HistorySource {
  /** Raw points per metric in [from, to), oldest first. */
  queryRaw(q: { deviceId: string; from: number; to: number; limit?: number }): Promise<Record<string, Array<{ ts: number; value: number | boolean }>>>;
}

/**
 * Default resources: the nearest sensors of the same kind (to cross-check the reading) and no docks yet —
 * drone-ops fills `docks` later; until then their availability is `unknown`.
 */
export function sensorResourceFinder(subjects: SubjectDirectory): ResourceFinder {
  return {
    find(alert, impact) {
      const at = impact?.center ?? alert.labels.location;
      const except = new Set([alert.subject, ...alert.members]);
      const sensors = at ? nearestOfKind(at, alert.labels.deviceKind, subjects.all(), except) : [];
      return Promise.resolve({ sensors, docks: { available: 'unknown', items: [] } });
    },
  };
}

/** A directory over a fixed list (tests, backtests, simulators). */
export function staticSubjects(list: readonly Subject[]): SubjectDirectory {
  const byId = new Map(list.map((s) => [s.deviceId, s]));
  return { peek: (id) => byId.get(id), load: (id) => Promise.resolve(byId.get(id)), all: () => byId.values() };
}

const infoCache = new WeakMap<Subject, SubjectInfo>();

/** The engine's per-reading view of a subject, built once per Subject object. */
export function subjectInfo(s: Subject): SubjectInfo {
  let info = infoCache.get(s);
  if (!info) {
    info = {
      params: s.params,
      ...(s.location ? { location: s.location } : {}),
      ...(s.parent ? { parent: s.parent } : {}),
    };
    infoCache.set(s, info);
  }
  return info;
}
