/** The columns of each CSV export: the fields a spreadsheet user filters on, times twice (epoch ms, ISO with the city's offset). */
import { col, timeCols, type Column } from './csv.js';

type Row = Record<string, unknown>;
const where = (r: Row): { lon?: number; lat?: number } | undefined =>
  ((r.impact as { center?: { lon: number; lat: number } } | null | undefined)?.center ?? (r.labels as { location?: { lon: number; lat: number } } | undefined)?.location);

export const ALERT_COLUMNS: Column[] = [
  col('id'), col('ruleId'), col('subject'), col('status'), col('severity'), col('responseLevel'), col('message'), col('count'),
  col('district', 'labels.district'), col('deviceId', 'labels.deviceId'), col('deviceKind', 'labels.deviceKind'),
  { header: 'lon', value: (r) => where(r)?.lon }, { header: 'lat', value: (r) => where(r)?.lat },
  ...timeCols('firstSeenAt'), ...timeCols('lastSeenAt'), ...timeCols('acknowledgedAt'), col('acknowledgedBy'),
  col('assignee'), col('unit'), ...timeCols('dispatchedAt'), ...timeCols('resolvedAt'), col('resolvedBy'), ...timeCols('closedAt'),
];

export const MISSION_COLUMNS: Column[] = [
  col('id'), col('kind'), col('status'), col('priority'), col('dockId'), col('droneId'), col('sortie'), col('sorties'), col('patrolId'), col('alertId'),
  col('lengthM'), col('durationS'), col('batteryPct'), col('waypointCount'),
  ...timeCols('runAt'), ...timeCols('startedAt'), ...timeCols('finishedAt'), ...timeCols('createdAt'), col('note'),
];

export const DEVICE_COLUMNS: Column[] = [
  col('id'), col('kind'), col('name'), col('district'), col('lon', 'location.lon'), col('lat', 'location.lat'), col('asset'), col('tags'),
  col('online'), ...timeCols('lastSeenAt'), col('fw'), ...timeCols('createdAt'),
];

/** Response tasks (the daily report): one line per task, newest first. */
export const TASK_COLUMNS: Column[] = [
  col('id'), col('alertId'), col('alertKind', 'alert.kind'), col('level', 'alert.level'), col('unitId'), col('unitName'), col('unitType'), col('title'),
  col('district'), col('state'), col('required'), col('replaces'), col('escalations'),
  ...timeCols('createdAt'), ...timeCols('acceptBy'), ...timeCols('acceptedAt'), ...timeCols('arriveBy'), ...timeCols('arrivedAt'), ...timeCols('doneAt'), ...timeCols('verifiedAt'),
];

export const READING_COLUMNS: Column[] = [col('deviceId'), col('metric'), ...timeCols('ts'), col('value')];
export const BUCKET_COLUMNS: Column[] = [col('deviceId'), col('metric'), ...timeCols('ts'), col('mean'), col('min'), col('max'), col('count')];
/** A district export: which device (kind, district) beside each reading or bucket. */
export const DISTRICT_READING_COLUMNS: Column[] = [col('deviceId'), col('kind'), col('district'), ...READING_COLUMNS.slice(1)];
export const DISTRICT_BUCKET_COLUMNS: Column[] = [col('deviceId'), col('kind'), col('district'), ...BUCKET_COLUMNS.slice(1)];
