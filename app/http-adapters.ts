/**
 * Adapts the modules to the HTTP server's ports (http/deps.ts). The composition root is the only code
 * that imports both modules and the HTTP layer; these adapters are where their shapes meet.
 */
import { DEVICE_KINDS, exportJsonSchemas, getContract, isDeviceKind } from '../firmware-contracts/index.js';
import type { Device, DeviceRegistry, DistrictIndex } from '../device-registry/index.js';
import type { TelemetryStore } from '../device-registry/telemetry/index.js';
import { AppError } from '../kernel/errors.js';
import type { ContractsPort, DevicesPort, DeviceView, FeatureCollection, ReadingsPort } from '../http/index.js';

export function toView(d: Device): DeviceView {
  return {
    id: d.id,
    kind: d.kind,
    location: d.location,
    name: d.name,
    asset: d.asset,
    tags: d.tags,
    district: d.district,
    online: d.online,
    lastSeenAt: d.lastSeenAt,
    fw: d.fw,
    lastViolation: d.lastViolation,
    revokedAt: d.revokedAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function devicesPort(registry: DeviceRegistry, districts: DistrictIndex): DevicesPort {
  return {
    districtAt: (loc) => districts.locate(loc.lon, loc.lat)?.id ?? null,
    async create(input) {
      const { device, credentials } = await registry.create(input);
      return { device: toView(device), credentials };
    },
    async get(id) {
      return toView(await registry.get(id));
    },
    async list(q) {
      const [items, total] = await Promise.all([registry.list(q), registry.count({ ...q, limit: undefined, offset: undefined })]);
      return { items: items.map(toView), total };
    },
    async update(id, patch) {
      return toView(await registry.update(id, patch));
    },
    delete: (id) => registry.delete(id),
    async rotateCredentials(id, overlapMs) {
      const r = await registry.rotateCredentials(id, overlapMs === undefined ? {} : { overlapMs });
      return { username: r.username, password: r.password, oldValidUntil: r.previousValidUntil > 0 ? r.previousValidUntil : null };
    },
    revoke: (id) => registry.revoke(id),
    async presenceHistory(id, from, to) {
      return (await registry.presenceHistory(id, from, to)).map((i) => ({ online: i.online, startAt: i.from, endAt: i.to }));
    },
    async import(body, format) {
      const r = await registry.importDevices(body, format);
      return {
        total: r.total,
        created: r.created,
        failed: r.failed,
        devices: r.rows.flatMap((row) => (row.ok && row.id && row.credentials ? [{ id: row.id, credentials: row.credentials }] : [])),
        errors: r.rows.flatMap((row) =>
          row.ok ? [] : [{ row: row.row, index: row.row - 1, ...(row.id ? { id: row.id } : {}), code: row.error?.code ?? 'VALIDATION_FAILED', message: row.error?.message ?? 'invalid row' }],
        ),
      };
    },
  };
}

/** Readings of a known device only: an unknown id is DEVICE_NOT_FOUND, not an empty series. */
export function readingsPort(store: TelemetryStore, registry: DeviceRegistry): ReadingsPort {
  // The cache first; a device this node has not loaded (created on another cluster node) from the database.
  const known = async (id: string): Promise<void> => {
    if (!registry.lookup(id)) await registry.get(id);
  };
  return {
    async latest(id) {
      await known(id);
      return store.latest(id);
    },
    async raw(q) {
      await known(q.deviceId);
      return store.queryRaw(q);
    },
    // The devices come from the registry's own list (a district's page): nothing to look up first.
    rawMany: (q) => store.queryRawMany(q),
    async aggregate(q) {
      await known(q.deviceId);
      return store.queryAggregate(q);
    },
  };
}

export function contractsPort(): ContractsPort {
  return {
    list: () => DEVICE_KINDS.map((k) => ({ ...getContract(k)! })),
    schemas(kind) {
      if (kind !== undefined && !isDeviceKind(kind)) throw new AppError('UNKNOWN_KIND', { details: { kind, known: DEVICE_KINDS } });
      return exportJsonSchemas(kind);
    },
  };
}

export function districtsGeoJson(districts: DistrictIndex): () => FeatureCollection {
  const fc = districts.toGeoJSON() as unknown as FeatureCollection;
  return () => fc;
}
