/**
 * TypeBox schemas of the HTTP API: one source for request validation, response serialisation
 * (fast-json-stringify drops any field not listed, so a secret hash can never leak through a view)
 * and the OpenAPI document.
 */
import { FormatParam } from './geojson.js';
import { Limit, Offset } from './page.js';
import { Type, type TSchema } from '@sinclair/typebox';

// MQTT topic segment rules: an id becomes `devices/{id}/...`, so no `/`, `+`, `#` or whitespace.
export const DeviceId = Type.String({ pattern: '^[^/+#\\s]{1,128}$', description: 'Device id (MQTT username and client id)' });

export const LonLat = Type.Object(
  {
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Tags = Type.Array(Text(64), { maxItems: 32 });

export const MetricValue = Type.Union([Type.Number(), Type.Boolean()]);
export const RawPoint = Type.Object({ ts: Type.Integer({ description: 'epoch ms' }), value: MetricValue });

export const Violation = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    topic: Type.String(),
    at: Type.Integer({ description: 'epoch ms' }),
    path: Type.Optional(Type.String()),
  },
  { description: 'Last firmware-contract violation by this device' },
);

export const DeviceView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  location: LonLat,
  name: Nullable(Type.String()),
  asset: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  district: Nullable(Type.String({ description: 'District id, null outside every district' })),
  online: Type.Boolean(),
  lastSeenAt: Nullable(Type.Integer({ description: 'epoch ms' })),
  fw: Nullable(Type.String()),
  lastViolation: Nullable(Violation),
  revokedAt: Nullable(Type.Integer({ description: 'epoch ms' })),
  createdAt: Type.Integer({ description: 'epoch ms' }),
  updatedAt: Type.Integer({ description: 'epoch ms' }),
  // Added to every record (http/enrich.ts): ISO 8601 with the city's offset beside each epoch-ms time, the district's names.
  createdAtIso: Type.Optional(Type.String()),
  updatedAtIso: Type.Optional(Type.String()),
  lastSeenAtIso: Type.Optional(Type.String()),
  revokedAtIso: Type.Optional(Type.String()),
  districtName: Type.Optional(Nullable(Type.Object({ zh: Type.String(), en: Type.String() }))),
});

export const DeviceDetail = Type.Composite([
  DeviceView,
  Type.Object({
    latest: Nullable(Type.Record(Type.String(), RawPoint, { description: 'Latest value per metric; null when the telemetry store is unavailable' })),
  }),
]);

export const Credentials = Type.Object({
  username: Type.String(),
  password: Type.String({ description: 'Device secret: shown once, never stored in clear' }),
});

export const DeviceCreate = Type.Object(
  {
    id: Type.Optional(DeviceId),
    kind: Text(32),
    location: LonLat,
    name: Type.Optional(Text(200)),
    asset: Type.Optional(Text(200)),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);

export const DevicePatch = Type.Object(
  {
    name: Type.Optional(Nullable(Text(200))),
    asset: Type.Optional(Nullable(Text(200))),
    location: Type.Optional(LonLat),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DeviceListQuery = Type.Object({
  kind: Type.Optional(Text(32)),
  district: Type.Optional(Text(64)),
  online: Type.Optional(Type.Boolean()),
  limit: Limit,
  offset: Offset,
  format: FormatParam,
});

export const DeviceList = Type.Object({
  items: Type.Array(DeviceView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const IdParams = Type.Object({ id: DeviceId });

export const RotateBody = Type.Object(
  {
    overlapMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 7 * 86_400_000, description: 'How long the old secret stays valid' }),
    ),
  },
  { additionalProperties: false },
);

export const RotateResult = Type.Object({
  username: Type.String(),
  password: Type.String(),
  oldValidUntil: Nullable(Type.Integer({ description: 'epoch ms; null when the old secret stopped at once' })),
});

export const ImportReport = Type.Object(
  {
    total: Type.Integer(),
    created: Type.Integer(),
    failed: Type.Integer(),
    devices: Type.Array(Type.Object({ id: Type.String(), credentials: Credentials })),
    errors: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'Which row failed, from 1: the n-th feature (GeoJSON) or the n-th data line after the header (CSV)' }),
        index: Type.Integer({ description: 'The same position from 0 (row − 1)' }),
        id: Type.Optional(Type.String()),
        code: Type.String(),
        message: Type.String(),
      }),
    ),
  },
  { additionalProperties: true },
);

export const ReadingsQuery = Type.Object({
  metric: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' })),
  from: Type.Optional(Type.String({ description: 'epoch ms or ISO-8601; default `to` minus one hour' })),
  to: Type.Optional(Type.String({ description: 'epoch ms or ISO-8601; default now' })),
  every: Type.Optional(Type.String({ description: 'bucket width (`30s`, `5m`, `1h`, `1d`); omit for raw points' })),
  limit: Type.Optional(Type.Integer({ description: 'most raw points per metric (raw mode only; a CSV export takes the whole range)' })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: '`csv`: the whole range as CSV (same as `Accept: text/csv`)' })),
});

export const PresenceQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'epoch ms or ISO-8601; default `to` minus 24 hours' })),
  to: Type.Optional(Type.String({ description: 'epoch ms or ISO-8601; default now' })),
});

export const PresenceResult = Type.Object({
  deviceId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  intervals: Type.Array(
    Type.Object({ online: Type.Boolean(), startAt: Type.Integer(), endAt: Type.Integer(), startAtIso: Type.String(), endAtIso: Type.String() }),
    { description: 'back to back, oldest first; offline before the first connection; kept 30 days' },
  ),
});

export const Bucket = Type.Object({
  ts: Type.Integer({ description: 'bucket start, epoch ms' }),
  mean: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  count: Type.Integer(),
});

export const ReadingsResult = Type.Object({
  deviceId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  metric: Type.Optional(Type.String()),
  everyMs: Type.Optional(Type.Integer()),
  series: Type.Optional(Type.Record(Type.String(), Type.Array(RawPoint), { description: 'raw mode: points per metric' })),
  buckets: Type.Optional(Type.Array(Bucket, { description: 'aggregate mode (with `every`)' })),
});

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable code, see docs/errors.md' }),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()), required: Type.Optional(Type.Boolean()) })),
});

export const FeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

export const ContractList = Type.Object({
  items: Type.Array(Type.Object({ kind: Type.String(), version: Type.Union([Type.String(), Type.Number()]) }, { additionalProperties: true })),
});

export const SchemasQuery = Type.Object({ kind: Type.Optional(Text(32)) });
export const SchemaMap = Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }));

/** Error responses every route can give; listed so the OpenAPI document shows the error shape. */
export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody } as const;
