import type { Reading } from '../../kernel/events.js';
import { AppError } from '../../kernel/errors.js';
import {
  encodeBodies,
  quoteIdent,
  quoteLiteral,
  LineEncoder,
  type InfluxQueryResponse,
  type InfluxResult,
} from './influx-protocol.js';
import type {
  AggregateBucket,
  AggregateQuery,
  LatestValue,
  ManyRawQuery,
  MetricValue,
  RawPoint,
  RawQuery,
  TelemetryStore,
} from './telemetry-store.js';

export interface InfluxTelemetryStoreOptions {
  /** Base URL of InfluxDB 1.x, e.g. `http://127.0.0.1:8086`. */
  url: string;
  db: string;
  username?: string;
  password?: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Measurement name (default `telemetry`). */
  measurement?: string;
  /** Lines per `/write` request (default 5,000: constraints.md measured ~86k points/s at that size). */
  linesPerRequest?: number;
}

const DEFAULT_LIMIT = 10_000;
export const DEFAULT_MEASUREMENT = 'telemetry';
export const DEFAULT_LINES_PER_REQUEST = 5000;

/** Writes of line protocol encoded elsewhere (a write thread is handed bodies the main thread encoded). */
export interface EncodedWrites {
  /** Sends `/write` bodies (from `encodeBodies`) in order; the errors of `TelemetryStore.write`. */
  writeEncoded(bodies: readonly Uint8Array[]): Promise<void>;
}

function unavailable(message: string, cause?: unknown): AppError {
  return new AppError('TELEMETRY_STORE_UNAVAILABLE', { message: `InfluxDB: ${message}`, cause });
}

/** The server's `{"error": "..."}` message, or the raw body. */
async function serverMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { error?: unknown };
    if (typeof j.error === 'string') return j.error;
  } catch {
    // not JSON
  }
  return text.trim() || `HTTP ${res.status}`;
}

/** Floor-aligned bucket start (matches InfluxQL `GROUP BY time()` and the SQL adapter). */
function bucketOf(ts: number, every: number): number {
  return ts - (((ts % every) + every) % every);
}

/** Client-side aggregation for boolean fields (InfluxQL has no MEAN over booleans; the port counts them as 0/1). */
function aggregatePoints(points: RawPoint[], every: number): AggregateBucket[] {
  const byBucket = new Map<number, AggregateBucket & { sum: number }>();
  for (const p of points) {
    const v = p.value === true ? 1 : p.value === false ? 0 : p.value;
    const b = bucketOf(p.ts, every);
    const cur = byBucket.get(b);
    if (cur === undefined) byBucket.set(b, { ts: b, sum: v, mean: v, min: v, max: v, count: 1 });
    else {
      cur.sum += v;
      cur.count += 1;
      cur.min = Math.min(cur.min, v);
      cur.max = Math.max(cur.max, v);
    }
  }
  return [...byBucket.values()].sort((a, b) => a.ts - b.ts).map(({ sum, ts, min, max, count }) => ({ ts, mean: sum / count, min, max, count }));
}

/**
 * InfluxDB 1.x adapter over HTTP (`/write` line protocol, `/query` InfluxQL; 1.6.7 has no `/api/v2`).
 * One measurement, tags `device`/`kind`/`district`/`asset`, one field per metric.
 */
class InfluxTelemetryStore implements TelemetryStore, EncodedWrites {
  readonly name = 'influxdb';
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly measurement: string;
  private readonly from: string;
  private readonly perRequest: number;
  private readonly headers: Record<string, string> = {};
  private readonly encoder: LineEncoder;
  private dbReady: Promise<void> | undefined;

  constructor(private readonly opts: InfluxTelemetryStoreOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.measurement = opts.measurement ?? DEFAULT_MEASUREMENT;
    this.from = quoteIdent(this.measurement);
    this.perRequest = opts.linesPerRequest ?? DEFAULT_LINES_PER_REQUEST;
    this.encoder = new LineEncoder(this.measurement);
    if (opts.username !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
    }
  }

  private async http(path: string, params: Record<string, string>, body: Uint8Array | URLSearchParams): Promise<Response> {
    const u = `${this.base}${path}?${new URLSearchParams(params).toString()}`;
    try {
      return await fetch(u, { method: 'POST', headers: this.headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const why = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : 'request failed';
      throw unavailable(why, err);
    }
  }

  /** Runs `;`-separated statements; one result per statement, statement errors raised. */
  private async query(q: string, withDb = true): Promise<InfluxResult[]> {
    const form = new URLSearchParams({ q, epoch: 'ms' });
    if (withDb) form.set('db', this.opts.db);
    const res = await this.http('/query', {}, form);
    if (res.status >= 500 || res.status === 401 || res.status === 403) throw unavailable(`${res.status} ${await serverMessage(res)}`);
    if (!res.ok) throw new AppError('QUERY_INVALID', { message: `InfluxDB: ${await serverMessage(res)}` });
    const body = (await res.json()) as InfluxQueryResponse;
    if (body.error !== undefined) throw new AppError('QUERY_INVALID', { message: `InfluxDB: ${body.error}` });
    const results = body.results ?? [];
    for (const r of results) {
      if (r.error !== undefined) throw new AppError('QUERY_INVALID', { message: `InfluxDB: ${r.error}` });
    }
    return results;
  }

  /** `CREATE DATABASE` is idempotent in InfluxDB 1.x; a failure forgets the promise so the next call retries. */
  ensureDb(): Promise<void> {
    this.dbReady ??= this.query(`CREATE DATABASE ${quoteIdent(this.opts.db)}`, false).then(
      () => undefined,
      (err: unknown) => {
        this.dbReady = undefined;
        throw err;
      },
    );
    return this.dbReady;
  }

  /** Field keys and their types (`float`, `boolean`) in the measurement. */
  private async fieldTypes(): Promise<Map<string, string>> {
    const [r] = await this.query(`SHOW FIELD KEYS FROM ${this.from}`);
    const out = new Map<string, string>();
    for (const row of r?.series?.[0]?.values ?? []) {
      const [key, type] = row;
      if (typeof key === 'string' && typeof type === 'string' && out.get(key) !== 'boolean') out.set(key, type);
    }
    return out;
  }

  private where(deviceId: string, fromMs?: number, toMs?: number): string {
    // Epoch literals with a unit suffix (`...ms`) are absolute times in InfluxQL.
    const range = fromMs === undefined || toMs === undefined ? '' : ` AND time >= ${Math.ceil(fromMs)}ms AND time < ${Math.ceil(toMs)}ms`;
    return ` WHERE "device" = ${quoteLiteral(deviceId)}${range}`;
  }

  /** Returns the server's message for rejected data (400/413); throws on an outage. */
  private async writeBody(body: Uint8Array): Promise<string | undefined> {
    const res = await this.http('/write', { db: this.opts.db, precision: 'ms' }, body);
    if (res.status === 204) return undefined;
    const msg = await serverMessage(res);
    // 400 = bad data ("partial write": InfluxDB stored the other points); 413 = body too large.
    if (res.status === 400 || res.status === 413) return msg;
    if (res.status === 404) this.dbReady = undefined; // database dropped: recreate on the next attempt
    throw unavailable(`${res.status} ${msg}`);
  }

  write(readings: readonly Reading[]): Promise<void> {
    // Encoded before the first await: one body per request, at most `perRequest` lines each.
    return this.writeEncoded(encodeBodies(this.encoder, readings, this.perRequest));
  }

  async writeEncoded(bodies: readonly Uint8Array[]): Promise<void> {
    if (bodies.length === 0) return;
    await this.ensureDb();
    const rejected: string[] = [];
    for (const body of bodies) {
      const msg = await this.writeBody(body);
      if (msg !== undefined) rejected.push(msg);
    }
    if (rejected.length > 0) {
      throw new AppError('TELEMETRY_WRITE_FAILED', { message: `InfluxDB rejected points: ${rejected.join('; ')}`, details: { messages: rejected } });
    }
  }

  async queryRaw(q: RawQuery): Promise<Record<string, RawPoint[]>> {
    await this.ensureDb();
    const limit = Math.max(0, Math.floor(q.limit ?? DEFAULT_LIMIT));
    const metrics = q.metric !== undefined ? [q.metric] : [...(await this.fieldTypes()).keys()];
    const out: Record<string, RawPoint[]> = {};
    if (metrics.length === 0 || limit === 0) return out;
    const where = this.where(q.deviceId, q.from, q.to);
    const results = await this.query(metrics.map((m) => `SELECT ${quoteIdent(m)} FROM ${this.from}${where} ORDER BY time ASC LIMIT ${limit}`).join('; '));
    metrics.forEach((m, i) => {
      const pts = rowsOf(results[i]).map(([ts, value]) => ({ ts, value }));
      if (pts.length > 0) out[m] = pts;
    });
    return out;
  }

  async queryRawMany(q: ManyRawQuery): Promise<Record<string, Record<string, RawPoint[]>>> {
    await this.ensureDb();
    const limit = Math.max(0, Math.floor(q.limit ?? DEFAULT_LIMIT));
    const out: Record<string, Record<string, RawPoint[]>> = {};
    const metrics = q.metric !== undefined ? [q.metric] : [...(await this.fieldTypes()).keys()];
    if (q.deviceIds.length === 0 || metrics.length === 0 || limit === 0) return out;
    // One request: a statement per metric, each grouped by device (LIMIT then applies per device and metric).
    const devices = q.deviceIds.map((d) => `"device" = ${quoteLiteral(d)}`).join(' OR ');
    const range = `time >= ${Math.ceil(q.from)}ms AND time < ${Math.ceil(q.to)}ms`;
    const results = await this.query(metrics.map((m) => `SELECT ${quoteIdent(m)} FROM ${this.from} WHERE (${devices}) AND ${range} GROUP BY "device" ORDER BY time ASC LIMIT ${limit}`).join('; '));
    metrics.forEach((m, i) => {
      for (const series of results[i]?.series ?? []) {
        const device = series.tags?.['device'];
        const pts = rowsOf({ series: [series] }).map(([ts, value]) => ({ ts, value }));
        if (device !== undefined && pts.length > 0) (out[device] ??= {})[m] = pts;
      }
    });
    return out;
  }

  async queryAggregate(q: AggregateQuery): Promise<AggregateBucket[]> {
    const every = Math.round(q.everyMs);
    if (!(every >= 1)) throw new AppError('QUERY_INVALID', { message: 'everyMs must be at least 1' });
    await this.ensureDb();
    const type = (await this.fieldTypes()).get(q.metric);
    if (type === undefined) return [];
    if (type === 'boolean') {
      const raw = await this.queryRaw({ deviceId: q.deviceId, metric: q.metric, from: q.from, to: q.to, limit: Number.MAX_SAFE_INTEGER });
      return aggregatePoints(raw[q.metric] ?? [], every);
    }
    const f = quoteIdent(q.metric);
    const [r] = await this.query(
      `SELECT MEAN(${f}), MIN(${f}), MAX(${f}), COUNT(${f}) FROM ${this.from}${this.where(q.deviceId, q.from, q.to)} GROUP BY time(${every}ms) fill(none)`,
    );
    const out: AggregateBucket[] = [];
    for (const row of r?.series?.[0]?.values ?? []) {
      const [ts, mean, min, max, count] = row as [number, number, number, number, number];
      out.push({ ts, mean, min, max, count });
    }
    return out;
  }

  async latest(deviceId: string): Promise<Record<string, LatestValue>> {
    await this.ensureDb();
    const metrics = [...(await this.fieldTypes()).keys()];
    const out: Record<string, LatestValue> = {};
    if (metrics.length === 0) return out;
    // One selector per statement, so each row carries the time of its own point.
    const results = await this.query(metrics.map((m) => `SELECT LAST(${quoteIdent(m)}) FROM ${this.from}${this.where(deviceId)}`).join('; '));
    metrics.forEach((m, i) => {
      const [p] = rowsOf(results[i]);
      if (p !== undefined) out[m] = { ts: p[0], value: p[1] };
    });
    return out;
  }

  async ping(): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/ping`, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw unavailable('ping failed', err);
    }
    if (res.status !== 204) throw unavailable(`ping answered ${res.status}`);
  }

  async close(): Promise<void> {
    // Stateless over HTTP: nothing to release.
  }
}

/** First series' [time, value] rows of one `/query` result. */
function rowsOf(r: InfluxResult | undefined): [number, MetricValue][] {
  const out: [number, MetricValue][] = [];
  for (const row of r?.series?.[0]?.values ?? []) {
    const [t, v] = row;
    if (typeof t === 'number' && (typeof v === 'number' || typeof v === 'boolean')) out.push([t, v]);
  }
  return out;
}

/**
 * Builds the InfluxDB 1.x telemetry store and creates its database if missing. When InfluxDB is down at
 * start it still returns the store (the writer spills meanwhile); creation is retried on the next call.
 */
export async function createInfluxTelemetryStore(opts: InfluxTelemetryStoreOptions): Promise<TelemetryStore & EncodedWrites> {
  const store = new InfluxTelemetryStore(opts);
  try {
    await store.ensureDb();
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'TELEMETRY_STORE_UNAVAILABLE')) throw err;
  }
  return store;
}
