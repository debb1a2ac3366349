/**
 * What every decoder shares: violation values, decode options, the size/JSON/object gate and timestamps.
 * Contract violations are expected outcomes, so they are returned as values, never thrown.
 */

export type ViolationCode =
  | 'MALFORMED_JSON'
  | 'NOT_AN_OBJECT'
  | 'BAD_SHAPE'
  | 'UNKNOWN_METRIC'
  | 'MISSING_METRIC'
  | 'WRONG_TYPE'
  | 'OUT_OF_RANGE'
  | 'BAD_TIMESTAMP'
  | 'STALE_TIMESTAMP'
  | 'FUTURE_TIMESTAMP'
  | 'OVERSIZE_BATCH'
  | 'EMPTY_BATCH'
  | 'UNKNOWN_EVENT'
  | 'UNKNOWN_KIND'
  | 'UNKNOWN_COMMAND'
  | 'PAYLOAD_TOO_LARGE';

/** Every violation code, in documentation order. */
export const VIOLATION_CODES: readonly ViolationCode[] = Object.freeze([
  'MALFORMED_JSON', 'NOT_AN_OBJECT', 'BAD_SHAPE', 'UNKNOWN_METRIC', 'MISSING_METRIC', 'WRONG_TYPE',
  'OUT_OF_RANGE', 'BAD_TIMESTAMP', 'STALE_TIMESTAMP', 'FUTURE_TIMESTAMP', 'OVERSIZE_BATCH', 'EMPTY_BATCH',
  'UNKNOWN_EVENT', 'UNKNOWN_KIND', 'UNKNOWN_COMMAND', 'PAYLOAD_TOO_LARGE',
] as const);

export interface Violation {
  code: ViolationCode;
  message: string;
  /** Where in the payload, e.g. `metrics.ch4_lel` or `samples[3].ts`. */
  path?: string;
  /** Index of the dropped sample in a batch (`{"samples": [...]}`) only. */
  sampleIndex?: number;
}

export interface DecodeOptions {
  /** Server receive time, epoch ms: the default `ts` and the reference for stale/future checks. */
  now: number;
  /** Most samples in one batch (default 500). */
  maxBatch?: number;
  /** Oldest accepted sample, ms before `now` (default 7 days: a device back from a week offline may flush). */
  maxAgeMs?: number;
  /** Clock skew tolerated ahead of `now`, ms (default 5 minutes). */
  maxFutureMs?: number;
  /** Largest payload, bytes (default 256 KiB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_BATCH = 500;
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600_000;
export const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
export const DEFAULT_MAX_BYTES = 256 * 1024;

export type JsonObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function violation(code: ViolationCode, message: string, path?: string, sampleIndex?: number): Violation {
  const v: Violation = { code, message };
  if (path !== undefined) v.path = path;
  if (sampleIndex !== undefined) v.sampleIndex = sampleIndex;
  return v;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The payload's UTF-8 size when it exceeds `maxBytes`, else undefined. */
function oversize(payload: Uint8Array | string, maxBytes: number): number | undefined {
  if (typeof payload !== 'string') return payload.byteLength > maxBytes ? payload.byteLength : undefined;
  // A UTF-16 unit encodes to at most 3 UTF-8 bytes: skip the exact count when that bound already fits.
  if (payload.length * 3 <= maxBytes) return undefined;
  const size = Buffer.byteLength(payload, 'utf8');
  return size > maxBytes ? size : undefined;
}

/**
 * Size gate, UTF-8 decode and JSON.parse, then "is it an object". Returns the object or the one
 * whole-message violation that drops the payload.
 */
export type Parsed = { ok: true; value: JsonObject } | { ok: false; violation: Violation };

export function parseObject(payload: Uint8Array | string, opts: DecodeOptions): Parsed {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = oversize(payload, maxBytes);
  if (size !== undefined) {
    return { ok: false, violation: violation('PAYLOAD_TOO_LARGE', `payload is ${size} bytes, the limit is ${maxBytes}`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : decoder.decode(payload));
  } catch (e) {
    return { ok: false, violation: violation('MALFORMED_JSON', `payload is not UTF-8 JSON: ${(e as Error).message}`) };
  }
  if (!isPlainObject(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { ok: false, violation: violation('NOT_AN_OBJECT', `payload must be a JSON object, got ${what}`) };
  }
  return { ok: true, value };
}

// ISO-8601 date-time with a zone (RFC 3339 profile): without a zone, Date.parse would read local time.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/** Largest epoch ms a Date can hold (ECMA-262 §21.4.1.1). */
const MAX_EPOCH_MS = 8.64e15;

/**
 * Resolve a sample's `ts` (absent → `now`) and check it lies within [now − maxAge, now + maxFuture].
 * Returns epoch ms or the violation (path `${prefix}ts`).
 */
export function resolveTimestamp(
  raw: unknown,
  opts: DecodeOptions,
  prefix: string,
  sampleIndex?: number,
): number | Violation {
  if (raw === undefined) return opts.now;
  const path = prefix + 'ts'; // built only off the common path (absent ts)
  let ts: number;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0 || raw > MAX_EPOCH_MS) {
      return violation('BAD_TIMESTAMP', `ts ${raw} is not a valid epoch-ms time`, path, sampleIndex);
    }
    ts = Math.trunc(raw);
  } else if (typeof raw === 'string') {
    ts = ISO_DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
    if (Number.isNaN(ts)) {
      return violation('BAD_TIMESTAMP', `ts ${JSON.stringify(raw)} is not ISO-8601 with a zone`, path, sampleIndex);
    }
  } else {
    return violation('BAD_TIMESTAMP', `ts must be epoch ms or an ISO-8601 string, got ${typeName(raw)}`, path, sampleIndex);
  }
  const maxAge = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  if (ts < opts.now - maxAge) {
    return violation('STALE_TIMESTAMP', `ts ${new Date(ts).toISOString()} is older than ${maxAge} ms`, path, sampleIndex);
  }
  const maxFuture = opts.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  if (ts > opts.now + maxFuture) {
    return violation('FUTURE_TIMESTAMP', `ts ${new Date(ts).toISOString()} is more than ${maxFuture} ms ahead`, path, sampleIndex);
  }
  return ts;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Report every key of `obj` not in `allowed` as BAD_SHAPE (strict shapes catch firmware typos early). */
export function unknownKeys(
  obj: JsonObject,
  allowed: ReadonlySet<string>,
  prefix: string,
  out: Violation[],
  sampleIndex?: number,
): void {
  for (const key in obj) {
    if (!allowed.has(key)) {
      out.push(violation('BAD_SHAPE', `unknown field ${JSON.stringify(key)}`, prefix + key, sampleIndex));
    }
  }
}
