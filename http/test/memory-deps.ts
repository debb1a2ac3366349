/**
 * An in-memory implementation of HttpDeps for the HTTP tests: a real (small) port implementation,
 * not a mock — it keeps state, enforces the errors the ports promise, and records what it was asked.
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { ManualClock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import { silentLogger, type Logger } from '../../kernel/logger.js';
import type {
  AggregateBucket,
  DeviceCreateInput,
  DeviceListQuery,
  DevicePatch,
  DevicesPort,
  DeviceView,
  FeatureCollection,
  HealthReport,
  HttpDeps,
  ImportReport,
  MetricValue,
  RawPoint,
  ReadingsPort,
} from '../deps.js';

export const TEST_TOKEN = 'test-admin-token-0123456789abcdef';
const KINDS = ['gas', 'water', 'heat', 'drainage', 'elevator', 'bridge'];

// Two sample districts as lon/lat boxes: enough to check that `district` is filled in.
const DISTRICTS: FeatureCollection = {
  type: 'FeatureCollection',
  features: [
    box('370202', 'Shinan', [120.3, 36.04, 120.42, 36.1]),
    box('370203', 'Shibei', [120.33, 36.08, 120.42, 36.13]),
  ],
};

function box(id: string, name: string, [w, s, e, n]: number[]): FeatureCollection['features'][number] {
  return {
    type: 'Feature',
    id,
    properties: { id, name, urban_core: true, bbox: [w, s, e, n] },
    geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
  };
}

function districtOf(lon: number, lat: number): string | null {
  for (const f of DISTRICTS.features) {
    const [w = 0, s = 0, e = 0, n = 0] = (f.properties?.bbox as number[] | undefined) ?? [];
    if (lon >= w && lon <= e && lat >= s && lat <= n) return String(f.id);
  }
  return null;
}

export interface StoredReading {
  deviceId: string;
  metric: string;
  ts: number;
  value: MetricValue;
}

export interface MemoryDeps extends HttpDeps {
  clock: ManualClock;
  store: Map<string, DeviceView>;
  points: StoredReading[];
  healthReport: HealthReport;
  /** When set, every readings call rejects with it (a telemetry store that is down). */
  readingsFailure: AppError | undefined;
  calls: { method: string; args: unknown[] }[];
}

type Calls = MemoryDeps['calls'];
const secret = (): string => randomBytes(32).toString('base64url');

/** The registry side: devices in a map, ids `${kind}-${n}` when none is given. */
class MemoryDevices implements DevicesPort {
  private seq = 0;
  constructor(
    readonly store: Map<string, DeviceView>,
    private readonly clock: ManualClock,
    private readonly calls: Calls,
  ) {}

  async create(input: DeviceCreateInput) {
    this.calls.push({ method: 'create', args: [input] });
    const device = this.provision(input);
    return { device, credentials: { username: device.id, password: secret() } };
  }

  async get(id: string) {
    return this.mustGet(id);
  }

  districtAt(loc: { lon: number; lat: number }) {
    return districtOf(loc.lon, loc.lat);
  }

  async list(q: DeviceListQuery) {
    this.calls.push({ method: 'list', args: [q] });
    const all = [...this.store.values()].filter(
      (d) =>
        (q.kind === undefined || d.kind === q.kind) &&
        (q.district === undefined || d.district === q.district) &&
        (q.districts === undefined || (d.district !== null && q.districts.includes(d.district))) &&
        (q.online === undefined || d.online === q.online),
    );
    const offset = q.offset ?? 0;
    return { items: all.slice(offset, offset + (q.limit ?? 100)), total: all.length };
  }

  async update(id: string, patch: DevicePatch) {
    this.calls.push({ method: 'update', args: [id, patch] });
    const d = this.mustGet(id);
    const loc = patch.location ?? d.location;
    const next: DeviceView = {
      ...d,
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.asset === undefined ? {} : { asset: patch.asset }),
      ...(patch.tags === undefined ? {} : { tags: patch.tags }),
      location: loc,
      district: districtOf(loc.lon, loc.lat),
      updatedAt: this.clock.now(),
    };
    this.store.set(id, next);
    return next;
  }

  async delete(id: string) {
    this.mustGet(id);
    this.store.delete(id);
  }

  async rotateCredentials(id: string, overlapMs?: number) {
    this.calls.push({ method: 'rotateCredentials', args: [id, overlapMs] });
    this.mustGet(id);
    return { username: id, password: secret(), oldValidUntil: overlapMs ? this.clock.now() + overlapMs : null };
  }

  /** No log here: the device's current state over the whole range. */
  async presenceHistory(id: string, from: number, to: number) {
    this.calls.push({ method: 'presenceHistory', args: [id, from, to] });
    return [{ online: this.mustGet(id).online, startAt: from, endAt: to }];
  }

  async revoke(id: string) {
    this.store.set(id, { ...this.mustGet(id), revokedAt: this.clock.now(), online: false });
  }

  async import(body: string, format: 'geojson' | 'csv') {
    this.calls.push({ method: 'import', args: [body, format] });
    const rows = format === 'csv' ? parseCsv(body) : parseGeoJson(body);
    const report: ImportReport = { total: rows.length, created: 0, failed: 0, devices: [], errors: [] };
    rows.forEach((row, i) => {
      try {
        const d = this.provision(row);
        report.created++;
        report.devices.push({ id: d.id, credentials: { username: d.id, password: secret() } });
      } catch (e) {
        const err = e as AppError;
        report.failed++;
        report.errors.push({ row: i + 1, index: i, ...(row.id === undefined ? {} : { id: row.id }), code: err.code, message: err.message });
      }
    });
    return report;
  }

  private mustGet(id: string): DeviceView {
    const d = this.store.get(id);
    if (!d) throw new AppError('DEVICE_NOT_FOUND', { details: { id } });
    return d;
  }

  private provision(input: DeviceCreateInput): DeviceView {
    if (!KINDS.includes(input.kind)) throw new AppError('UNKNOWN_KIND', { details: { kind: input.kind } });
    const { lon, lat } = input.location;
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new AppError('LOCATION_INVALID');
    const id = input.id ?? `${input.kind}-${++this.seq}`;
    if (this.store.has(id)) throw new AppError('DEVICE_EXISTS', { details: { id } });
    const now = this.clock.now();
    const device: DeviceView = {
      id,
      kind: input.kind,
      location: { lon, lat },
      name: input.name ?? null,
      asset: input.asset ?? null,
      tags: input.tags ?? [],
      district: districtOf(lon, lat),
      online: false,
      lastSeenAt: null,
      fw: null,
      lastViolation: null,
      revokedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    this.store.set(id, device);
    return device;
  }
}

/** The telemetry side: a list of points; `failure()` returns the error to throw while "down". */
class MemoryReadings implements ReadingsPort {
  constructor(
    readonly points: StoredReading[],
    private readonly calls: Calls,
    private readonly failure: () => AppError | undefined,
  ) {}

  async latest(id: string) {
    this.failIfDown();
    const out: Record<string, RawPoint> = {};
    for (const p of this.points) {
      const cur = out[p.metric];
      if (p.deviceId === id && (cur === undefined || p.ts >= cur.ts)) out[p.metric] = { ts: p.ts, value: p.value };
    }
    return out;
  }

  async raw(q: Parameters<ReadingsPort['raw']>[0]) {
    this.calls.push({ method: 'raw', args: [q] });
    this.failIfDown();
    const out: Record<string, RawPoint[]> = {};
    for (const p of this.select(q.deviceId, q.metric, q.from, q.to)) {
      const list = (out[p.metric] ??= []);
      if (list.length < (q.limit ?? 10_000)) list.push({ ts: p.ts, value: p.value });
    }
    return out;
  }

  async rawMany(q: Parameters<ReadingsPort['rawMany']>[0]) {
    this.calls.push({ method: 'rawMany', args: [q] });
    this.failIfDown();
    const out: Record<string, Record<string, RawPoint[]>> = {};
    for (const id of q.deviceIds) {
      for (const p of this.select(id, q.metric, q.from, q.to)) {
        const list = ((out[id] ??= {})[p.metric] ??= []);
        if (list.length < (q.limit ?? 10_000)) list.push({ ts: p.ts, value: p.value });
      }
    }
    return out;
  }

  async aggregate(q: Parameters<ReadingsPort['aggregate']>[0]) {
    this.calls.push({ method: 'aggregate', args: [q] });
    this.failIfDown();
    const buckets = new Map<number, AggregateBucket>();
    for (const p of this.select(q.deviceId, q.metric, q.from, q.to)) {
      const v = Number(p.value);
      const ts = Math.floor(p.ts / q.everyMs) * q.everyMs;
      const b = buckets.get(ts) ?? { ts, mean: 0, min: v, max: v, count: 0 };
      b.mean = (b.mean * b.count + v) / (b.count + 1);
      b.min = Math.min(b.min, v);
      b.max = Math.max(b.max, v);
      b.count++;
      buckets.set(ts, b);
    }
    return [...buckets.values()].sort((a, b) => a.ts - b.ts);
  }

  private failIfDown(): void {
    const f = this.failure();
    if (f) throw f;
  }

  private select(deviceId: string, metric: string | undefined, from: number, to: number): StoredReading[] {
    return this.points
      .filter((p) => p.deviceId === deviceId && (metric === undefined || p.metric === metric) && p.ts >= from && p.ts < to)
      .sort((a, b) => a.ts - b.ts);
  }
}

export function memoryDeps(opts: { log?: Logger; metrics?: Registry; now?: number } = {}): MemoryDeps {
  const clock = new ManualClock(opts.now ?? Date.parse('2025-06-01T12:00:00Z'));
  const calls: Calls = [];
  const store = new Map<string, DeviceView>();
  const points: StoredReading[] = [];
  const self: MemoryDeps = {
    log: opts.log ?? silentLogger(),
    adminToken: TEST_TOKEN,
    metrics: opts.metrics ?? new Registry(),
    clock,
    store,
    points,
    healthReport: { ok: true, checks: { registry: { ok: true }, telemetry: { ok: true } } },
    readingsFailure: undefined,
    calls,
    health: async () => self.healthReport,
    districts: () => DISTRICTS,
    contracts: {
      list: () => KINDS.map((kind) => ({ kind, version: 1, intervalS: 60 })),
      schemas: (kind) => {
        const kinds = kind === undefined ? KINDS : KINDS.filter((k) => k === kind);
        return Object.fromEntries(kinds.map((k) => [`${k}.telemetry.v1`, { $id: `${k}.telemetry.v1`, type: 'object' }]));
      },
    },
    devices: new MemoryDevices(store, clock, calls),
    readings: new MemoryReadings(points, calls, () => self.readingsFailure),
  };
  return self;
}

function parseGeoJson(body: string): DeviceCreateInput[] {
  let fc: { type?: string; features?: { geometry?: { coordinates?: number[] }; properties?: Record<string, unknown> }[] };
  try {
    fc = JSON.parse(body) as typeof fc;
  } catch (cause) {
    throw new AppError('IMPORT_INVALID', { message: 'Body is not valid JSON', cause });
  }
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new AppError('IMPORT_INVALID', { message: 'Expected a GeoJSON FeatureCollection' });
  }
  return fc.features.map((f) => {
    const p = f.properties ?? {};
    const [lon = NaN, lat = NaN] = f.geometry?.coordinates ?? [];
    return { ...(typeof p.id === 'string' ? { id: p.id } : {}), kind: String(p.kind), location: { lon, lat } };
  });
}

function parseCsv(body: string): DeviceCreateInput[] {
  const [header, ...lines] = body.trim().split(/\r?\n/);
  if (header?.trim() !== 'id,kind,lon,lat') throw new AppError('IMPORT_INVALID', { message: 'Expected header id,kind,lon,lat' });
  return lines.map((line) => {
    const [id = '', kind = '', lon = '', lat = ''] = line.split(',');
    return { ...(id === '' ? {} : { id }), kind, location: { lon: Number(lon), lat: Number(lat) } };
  });
}
