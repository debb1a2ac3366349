/** Tasks as the API and the stream show them (response contract): ISO 8601 times, a maps link, district names. */
import type { Task, TaskAlert, TaskDetail, TaskEvent, TaskReport } from './types.js';

type Times = 'acceptBy' | 'arriveBy' | 'createdAt' | 'updatedAt';
type MaybeTimes = 'acceptedAt' | 'arrivedAt' | 'doneAt' | 'verifiedAt';

/** A Task as shown: times as ISO 8601, a maps link and the district's names; no plan reference. */
export type TaskView = Omit<Task, Times | MaybeTimes | 'planId' | 'planVersion' | 'alert'> & Record<Times, string> & Record<MaybeTimes, string | null> & {
  /** RFC 5870 `geo:` URI: any maps app on a phone opens it. */
  mapsUrl: string;
  districtName: { zh: string; en: string } | null;
  alert: Omit<TaskAlert, 'openedAt'>;
  [key: string]: unknown;
};

export type TaskEventView = Omit<TaskEvent, 'at' | 'clientAt'> & { at: string; clientAt?: string };
export type TaskReportView = Omit<TaskReport, 'at'> & { at: string };
export type TaskDetailView = TaskView & { history: TaskEventView[]; reports: TaskReportView[] };

export type DistrictNames = (code: string) => { zh: string; en: string } | null;

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function taskView(t: Task, names: DistrictNames): TaskView {
  return {
    id: t.id, alertId: t.alertId, unitId: t.unitId, unitName: t.unitName, ...(t.unitNames ? { unitNames: t.unitNames } : {}), unitType: t.unitType, title: t.title, ...(t.titles ? { titles: t.titles } : {}), instructions: t.instructions, ...(t.instructionsByLang ? { instructionsByLang: t.instructionsByLang } : {}),
    state: t.state, required: t.required, acceptBy: iso(t.acceptBy), arriveBy: iso(t.arriveBy), location: t.location,
    mapsUrl: `geo:${t.location.lat},${t.location.lon}`, district: t.district, districtName: t.district === null ? null : names(t.district),
    alert: { id: t.alert.id, kind: t.alert.kind, severity: t.alert.severity, level: t.alert.level, message: t.alert.message, ...(t.alert.messages ? { messages: t.alert.messages } : {}) },
    replaces: t.replaces, escalations: t.escalations, createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt),
    acceptedAt: isoOrNull(t.acceptedAt), arrivedAt: isoOrNull(t.arrivedAt), doneAt: isoOrNull(t.doneAt), verifiedAt: isoOrNull(t.verifiedAt),
  };
}

export function eventView(e: TaskEvent): TaskEventView {
  const { at, clientAt, ...rest } = e;
  return { ...rest, at: iso(at), ...(clientAt !== undefined ? { clientAt: iso(clientAt) } : {}) };
}

export function reportView(r: TaskReport): TaskReportView {
  return { ...r, at: iso(r.at) };
}

export function detailView(t: TaskDetail, names: DistrictNames): TaskDetailView {
  return { ...taskView(t, names), history: t.history.map(eventView), reports: t.reports.map(reportView) };
}
