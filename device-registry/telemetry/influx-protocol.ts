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
 * Tag values must not be empty, contain a newline or end with a backslash (the parser would read it as an
 * escape); such tags are left out rather than failing the whole line.
 */
function tagOk(v: string | null): v is string {
  return v !== null && v !== '' && !/[\n\r]/.test(v) && !v.endsWith('\\');
}

/** Measurement and tags of one device: what every line of that device starts with. */
interface Series {
  kind: string;
  district: string | null;
  asset: string | null;
  /** `measurement,tags ` as UTF-8, or null when the device id cannot be a tag (no line is written). */
  head: Buffer | null;
}

/** Entries per cache before it is emptied (bounds memory whatever ids and metric names come by). */
const CACHE_MAX = 200_000;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/**
 * Readings → line-protocol request bodies, written straight into bytes. One line per reading: tags
 * `device`, `kind`, `district`, `asset` (null tags omitted), one field per metric, ms timestamp. The
 * escaped `measurement,tags ` of each device and the `key=` of each metric are built once and cached:
 * on the ingest hot path the line protocol was the largest allocation site (regex escapes, entry arrays
 * and string joins per reading), and the GC it fed was a quarter of the platform's busy time.
 */
export class LineEncoder {
  private readonly measurement: string;
  private readonly series = new Map<string, Series>();
  private readonly keys = new Map<string, Buffer | null>();
  private buf = Buffer.allocUnsafe(64 * 1024);
  private at = 0;

  constructor(measurement: string) {
    this.measurement = escapeMeasurement(measurement);
  }

  /** Lines for `readings[from, to)` joined by `\n` (a `/write` body), and how many there are. */
  encode(readings: readonly Reading[], from = 0, to = readings.length): { body: Buffer; lines: number } {
    this.at = 0;
    let lines = 0;
    for (let i = from; i < to; i++) {
      const start = this.at;
      if (lines > 0) this.byte(NEWLINE);
      if (this.line(readings[i]!)) lines++;
      else this.at = start;
    }
    // Its own memory, never a slice of Node's shared pool: a write thread is handed the body by transfer.
    const body = Buffer.allocUnsafeSlow(this.at);
    this.buf.copy(body, 0, 0, this.at);
    return { body, lines };
  }

  /** Appends one line; false when the reading carries nothing storable (the caller rewinds). */
  private line(r: Reading): boolean {
    const head = this.head(r);
    if (head === null) return false;
    this.put(head);
    const fieldsAt = this.at;
    const m = r.metrics;
    for (const k in m) {
      if (!Object.hasOwn(m, k)) continue;
      const v = m[k]!;
      if (typeof v !== 'boolean' && !Number.isFinite(v)) continue; // InfluxDB cannot store NaN or ±Infinity
      const key = this.key(k);
      if (key === null) continue;
      if (this.at !== fieldsAt) this.byte(COMMA);
      this.put(key);
      // Numbers always as floats (never the `i` suffix), so a metric keeps one field type whatever the
      // device sends (InfluxDB rejects a type change within a shard).
      if (typeof v === 'boolean') this.put(v ? TRUE : FALSE);
      else this.text(String(v));
    }
    for (const k in r.text) {
      const key = this.key(k);
      if (key === null) continue;
      if (this.at !== fieldsAt) this.byte(COMMA);
      this.put(key);
      this.put(Buffer.from(quoteStringField(r.text[k]!)));
    }
    // A point needs a field.
    if (this.at === fieldsAt) return false;
    this.byte(SPACE);
    this.text(String(Math.round(r.ts)));
    return true;
  }

  private head(r: Reading): Buffer | null {
    if (r.tags !== undefined) return this.taggedHead(r);
    let s = this.series.get(r.deviceId);
    if (s === undefined || s.kind !== r.kind || s.district !== r.district || s.asset !== r.asset) {
      if (this.series.size >= CACHE_MAX) this.series.clear();
      s = { kind: r.kind, district: r.district, asset: r.asset, head: null };
      // The device tag is what every query selects on, so a line without it is useless.
      if (tagOk(r.deviceId)) {
        // Tags in lexical key order: InfluxDB's own sort order, which saves it a sort per point.
        let h = this.measurement;
        if (tagOk(r.asset)) h += `,asset=${escapeKey(r.asset)}`;
        h += `,device=${escapeKey(r.deviceId)}`;
        if (tagOk(r.district)) h += `,district=${escapeKey(r.district)}`;
        if (tagOk(r.kind)) h += `,kind=${escapeKey(r.kind)}`;
        s.head = Buffer.from(`${h} `);
      }
      this.series.set(r.deviceId, s);
    }
    return s.head;
  }

  /** A point with extra tags (not cached: such points are rare): all tags in lexical key order. */
  private taggedHead(r: Reading): Buffer | null {
    if (!tagOk(r.deviceId)) return null;
    const tags: Record<string, string | null> = { ...r.tags, asset: r.asset, device: r.deviceId, district: r.district, kind: r.kind };
    let h = this.measurement;
    for (const k of Object.keys(tags).sort()) {
      const v = tags[k]!;
      if (tagOk(v) && !/[\n\r]/.test(k)) h += `,${escapeKey(k)}=${escapeKey(v)}`;
    }
    return Buffer.from(`${h} `);
  }

  private key(k: string): Buffer | null {
    let b = this.keys.get(k);
    if (b === undefined) {
      if (this.keys.size >= CACHE_MAX) this.keys.clear();
      b = /[\n\r]/.test(k) ? null : Buffer.from(`${escapeKey(k)}=`);
      this.keys.set(k, b);
    }
    return b;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /**
   * Appends bytes. Heads, keys and numbers are a few dozen bytes: copied by a loop, which cost less here than
   * Buffer#copy's and Buffer#write's calls into native code (~1/3 of the encoder's time went to them).
   */
  private put(b: Buffer): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    let at = this.at;
    if (n > 64) at += b.copy(buf, at);
    else for (let i = 0; i < n; i++) buf[at++] = b[i]!;
    this.at = at;
  }

  private byte(c: number): void {
    this.room(1);
    this.buf[this.at++] = c;
  }

  /** ASCII text (numbers): one byte per character. */
  private text(t: string): void {
    const n = t.length;
    this.room(n);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i++) buf[at++] = t.charCodeAt(i);
    this.at = at;
  }
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const SPACE = 0x20;

/**
 * `/write` request bodies for `readings`, at most `perRequest` lines each; readings with nothing storable are
 * left out, so an empty list means there is nothing to send. Each body owns its memory (transferable).
 */
export function encodeBodies(encoder: LineEncoder, readings: readonly Reading[], perRequest: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < readings.length; i += perRequest) {
    const { body, lines } = encoder.encode(readings, i, Math.min(readings.length, i + perRequest));
    if (lines > 0) bodies.push(body);
  }
  return bodies;
}

/** One line for one reading (undefined when it carries nothing storable); see {@link LineEncoder}. */
export function toLine(measurement: string, r: Reading): string | undefined {
  const { body, lines } = new LineEncoder(measurement).encode([r]);
  return lines === 1 ? body.toString('utf8') : undefined;
}

/** Lines for a batch, skipping readings that carry nothing storable. */
export function toLines(measurement: string, readings: readonly Reading[]): string[] {
  const { body, lines } = new LineEncoder(measurement).encode(readings);
  return lines === 0 ? [] : body.toString('utf8').split('\n');
}

/** `/query` JSON (InfluxDB 1.x HTTP API). */
export interface InfluxSeries {
  name?: string;
  /** The GROUP BY tags of this series. */
  tags?: Record<string, string>;
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
