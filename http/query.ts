/**
 * Pure parsing of the readings query (`from`, `to`, `every`, `limit`): values in, values out.
 * Failures are AppError QUERY_INVALID with the offending parameter in `details`.
 */
import { parseDuration as parseDurationText } from '../kernel/duration.js';
import { AppError } from '../kernel/errors.js';

/** Default window when `from` is omitted (architecture.md: "default to the last hour"). */
export const DEFAULT_WINDOW_MS = 3_600_000;
/** Caps keep one request from asking the store for millions of buckets or points. */
export const MAX_BUCKETS = 10_000;
export const MIN_EVERY_MS = 1_000;
export const MAX_RAW_LIMIT = 100_000;

const EPOCH_MS = /^\d{1,15}$/;
// ISO-8601 date or date-time (RFC 3339 profile plus the date-only form). Date.parse alone
// accepts free text like "March 7", which would make typos silently mean something.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function invalid(param: string, message: string, value?: string): AppError {
  return new AppError('QUERY_INVALID', { message, details: { param, ...(value === undefined ? {} : { value }) } });
}

/** Epoch milliseconds (digits only) or an ISO-8601 date/date-time to epoch ms. */
export function parseTime(raw: string, param: string): number {
  if (EPOCH_MS.test(raw)) return Number(raw);
  if (ISO.test(raw)) {
    const t = Date.parse(raw);
    if (Number.isFinite(t)) return t;
  }
  throw invalid(param, `${param} must be epoch milliseconds or an ISO-8601 time`, raw);
}

/** `500ms`, `30s`, `5m`, `1h`, `1d` to milliseconds (kernel/duration.ts: one syntax everywhere). */
export function parseDuration(raw: string, param = 'every'): number {
  const ms = parseDurationText(raw);
  if (ms === undefined) throw invalid(param, `${param} must be a duration like 30s, 5m, 1h`, raw);
  return ms;
}

export interface ReadingsQueryInput {
  metric?: string;
  from?: string;
  to?: string;
  every?: string;
  limit?: number;
}

export type ReadingsQuery =
  | { mode: 'raw'; metric?: string; from: number; to: number; limit?: number }
  | { mode: 'aggregate'; metric: string; from: number; to: number; everyMs: number };

/** Resolves defaults against `now` and checks the window, bucket count and limits. */
export function parseReadingsQuery(q: ReadingsQueryInput, now: number): ReadingsQuery {
  const to = q.to === undefined ? now : parseTime(q.to, 'to');
  const from = q.from === undefined ? to - DEFAULT_WINDOW_MS : parseTime(q.from, 'from');
  if (from >= to) throw invalid('from', 'from must be before to');
  if (q.every === undefined) {
    if (q.limit !== undefined && (q.limit < 1 || q.limit > MAX_RAW_LIMIT)) {
      throw invalid('limit', `limit must be between 1 and ${MAX_RAW_LIMIT}`, String(q.limit));
    }
    return {
      mode: 'raw',
      from,
      to,
      ...(q.metric === undefined ? {} : { metric: q.metric }),
      ...(q.limit === undefined ? {} : { limit: q.limit }),
    };
  }
  const everyMs = parseDuration(q.every);
  if (everyMs < MIN_EVERY_MS) throw invalid('every', `every must be at least ${MIN_EVERY_MS / 1000}s`, q.every);
  if ((to - from) / everyMs > MAX_BUCKETS) {
    throw invalid('every', `at most ${MAX_BUCKETS} buckets per query: widen every or narrow from/to`, q.every);
  }
  if (q.metric === undefined) throw invalid('metric', 'metric is required with every (one series is aggregated)');
  if (q.limit !== undefined) throw invalid('limit', 'limit applies to raw points, not to every');
  return { mode: 'aggregate', metric: q.metric, from, to, everyMs };
}
