/**
 * Bulk import of resources from a GeoJSON FeatureCollection of points or a CSV file. Each row is validated
 * on its own: good rows are stored, refused rows are reported with their row number and every problem.
 * CSV (RFC 4180, header row): `id,kind,name,type,org,lon,lat,alertKinds,capacity,duty,webhook,sms,mqtt,supervisor,supplies`
 * with lists separated by `;` (`gas;water`, supplies `sandbags:500;pumps:4`); optional columns `name_zh` and
 * `org_zh` give the Chinese names (GeoJSON: the same properties).
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../kernel/errors.js';

export interface ImportRow {
  /** 1-based: the CSV data line (header excluded) or the feature's position. */
  row: number;
  id?: string;
  input: Record<string, unknown>;
}

export interface ResourceImportReport {
  total: number;
  created: number;
  updated: number;
  failed: number;
  errors: { row: number; id?: string; code: string; message: string }[];
  /** Webhook signing secrets generated now, per resource id (shown once). */
  secrets: Record<string, Record<string, string>>;
}

const list = (s: string | undefined): string[] => (s ?? '').split(';').map((x) => x.trim()).filter((x) => x.length > 0);
const blank = (s: string | undefined): string | undefined => (s === undefined || s.trim() === '' ? undefined : s.trim());

function csvInput(r: Record<string, string>): Record<string, unknown> {
  const channels: unknown[] = [];
  if (blank(r.webhook)) channels.push({ type: 'webhook', url: r.webhook!.trim() });
  if (blank(r.sms)) channels.push({ type: 'sms', phone: r.sms!.trim() });
  if (/^(1|yes|true|on)$/i.test(r.mqtt ?? '')) channels.push({ type: 'mqtt' });
  const supplies = list(r.supplies).map((s) => {
    const [name, qty] = s.split(':');
    return { name: name!.trim(), quantity: Number(qty) };
  });
  const num = (s: string | undefined) => (blank(s) === undefined ? undefined : Number(s));
  const input: Record<string, unknown> = {
    id: blank(r.id), kind: blank(r.kind) ?? 'unit', name: blank(r.name), location: { lon: num(r.lon), lat: num(r.lat) },
    alertKinds: list(r.alertKinds), channels, supplies,
  };
  for (const k of ['name_zh', 'type', 'org', 'org_zh', 'duty', 'supervisor'] as const) if (blank(r[k]) !== undefined) input[k] = blank(r[k]);
  if (num(r.capacity) !== undefined) input.capacity = num(r.capacity);
  return input;
}

/** Rows of a CSV file. Throws IMPORT_INVALID when the file cannot be read as CSV with a header. */
export function csvRows(text: string): ImportRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (cause) {
    throw new AppError('IMPORT_INVALID', { message: `CSV could not be read: ${(cause as Error).message}`, cause });
  }
  if (records.length === 0) throw new AppError('IMPORT_INVALID', { message: 'CSV has no data rows' });
  return records.map((r, i) => ({ row: i + 1, ...(blank(r.id) ? { id: r.id!.trim() } : {}), input: csvInput(r) }));
}

/** Rows of a GeoJSON FeatureCollection of points. Throws IMPORT_INVALID when it is not one. */
export function geojsonRows(text: string): ImportRow[] {
  let fc: { type?: unknown; features?: unknown };
  try {
    fc = JSON.parse(text) as typeof fc;
  } catch (cause) {
    throw new AppError('IMPORT_INVALID', { message: 'GeoJSON is not valid JSON', cause });
  }
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new AppError('IMPORT_INVALID', { message: 'Expected a GeoJSON FeatureCollection' });
  return (fc.features as unknown[]).map((f, i) => {
    const feature = f as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> | null; id?: unknown };
    const props = { ...(feature.properties ?? {}) };
    const c = feature.geometry?.type === 'Point' && Array.isArray(feature.geometry.coordinates) ? (feature.geometry.coordinates as unknown[]) : null;
    const id = props.id ?? feature.id;
    const input: Record<string, unknown> = { ...props, ...(id !== undefined ? { id } : {}), ...(c ? { location: { lon: c[0], lat: c[1] } } : {}) };
    return { row: i + 1, ...(typeof id === 'string' ? { id } : {}), input };
  });
}
