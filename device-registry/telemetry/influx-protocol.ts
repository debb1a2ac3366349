/**
 * InfluxDB 1.x line protocol and InfluxQL quoting: pure functions, no I/O.
 * Spec: InfluxDB 1.x "Line protocol reference" (special characters) and "InfluxQL reference" (identifiers, literals).
 */
import type { Reading } from '../../kernel/events.js';

/** Measurement names escape commas and spaces. */
export function escapeMeasurement(s: string): string {
  return s.replace(/[, ]/g, (c) => `\\${c}`);
}

/** Tag keys, tag values and field keys escape commas, equals signs and spaces. */
export function escapeKey(s: string): string {
  return s.replace(/[,= ]/g, (c) => `\\${c}`);
}

/** String field values are double-quoted; backslash and double quote are escaped. */
export function quoteStringField(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** InfluxQL identifier: double-quoted, with `\` and `"` escaped, so any metric name is one identifier. */
export function quoteIdent(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** InfluxQL string literal: single-quoted, with `\` and `'` escaped (no injection from device ids). */
export function quoteLiteral(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * A field value. Numbers are always written as floats (never the `i` suffix), so a metric keeps one
 * field type whatever the device sends (InfluxDB rejects a type change within a shard).
 */
export function fieldValue(v: number | boolean): string | undefined {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (!Number.isFinite(v)) return undefined; // InfluxDB cannot store NaN or ±Infinity
  return String(v);
}

/**
 * Tag values must not be empty, contain a newline or end with a backslash (the parser would read it as an
 * escape); such tags are left out rather than failing the whole line.
 */
function tagOk(v: string | null): v is string {
  return v !== null && v !== '' && !/[\n\r]/.test(v) && !v.endsWith('\\');
}

/** One line per reading: tags `device`, `kind`, `district`, `asset` (null tags omitted), one field per metric. */
export function toLine(measurement: string, r: Reading): string | undefined {
  const fields: string[] = [];
  for (const [k, v] of Object.entries(r.metrics)) {
    const fv = fieldValue(v);
    if (fv !== undefined && !/[\n\r]/.test(k)) fields.push(`${escapeKey(k)}=${fv}`);
  }
  // A point needs a field; the device tag is what every query selects on, so a line without it is useless.
  if (fields.length === 0 || !tagOk(r.deviceId)) return undefined;
  // Tags in lexical key order: InfluxDB's own sort order, which saves it a sort per point.
  let line = escapeMeasurement(measurement);
  if (tagOk(r.asset)) line += `,asset=${escapeKey(r.asset)}`;
  line += `,device=${escapeKey(r.deviceId)}`;
  if (tagOk(r.district)) line += `,district=${escapeKey(r.district)}`;
  if (tagOk(r.kind)) line += `,kind=${escapeKey(r.kind)}`;
  return `${line} ${fields.join(',')} ${Math.round(r.ts)}`;
}

/** Lines for a batch, skipping readings that carry nothing storable. */
export function toLines(measurement: string, readings: readonly Reading[]): string[] {
  const out: string[] = [];
  for (const r of readings) {
    const l = toLine(measurement, r);
    if (l !== undefined) out.push(l);
  }
  return out;
}

/** `/query` JSON (InfluxDB 1.x HTTP API). */
export interface InfluxSeries {
  name?: string;
  columns: string[];
  values?: unknown[][];
}
export interface InfluxResult {
  statement_id?: number;
  series?: InfluxSeries[];
  error?: string;
}
export interface InfluxQueryResponse {
  results?: InfluxResult[];
  error?: string;
}
