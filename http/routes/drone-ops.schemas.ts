/**
 * TypeBox schemas of the drone-ops API (issue #4 part 7): request validation, response serialisation
 * and OpenAPI in one. Geometries are GeoJSON (RFC 7946, [lon, lat] or [lon, lat, altM]); a circular
 * no-fly zone is a Point with `properties.radiusM`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { FormatParam } from '../geojson.js';
import { Limit, Offset } from '../page.js';

const Num = Type.Number();
const Position = Type.Array(Num, { minItems: 2, maxItems: 3 });
const Ring = Type.Array(Position, { minItems: 4 });
export const PolygonGeom = Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1 }) });
export const MultiPolygonGeom = Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Ring, { minItems: 1 }), { minItems: 1 }) });
export const LineStringGeom = Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Position, { minItems: 1, maxItems: 10_000 }) });
export const PointGeom = Type.Object({ type: Type.Literal('Point'), coordinates: Position });
const Alt = Type.Number({ minimum: 1, maximum: 10_000, description: 'metres above take-off' });
const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$' });
const EpochOrIso = Type.Union([Type.Integer({ description: 'epoch ms' }), Type.String({ format: 'date-time' })]);
const Open = { additionalProperties: true } as const;

export const Pattern = Type.Union([
  Type.Object({ kind: Type.Literal('coverage'), area: PolygonGeom, spacingM: Type.Number({ minimum: 1 }), angleDeg: Type.Optional(Num), altM: Alt, turnaroundM: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('corridor'), line: LineStringGeom, widthM: Type.Number({ minimum: 0 }), spacingM: Type.Number({ minimum: 1 }), altM: Alt }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('point'), target: PointGeom, altM: Alt, orbitRadiusM: Type.Optional(Type.Number({ minimum: 0 })), turns: Type.Optional(Type.Number({ minimum: 0 })), hoverS: Type.Optional(Type.Number({ minimum: 0 })), captureImages: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Pictures of the target once over it (MAV_CMD_IMAGE_START_CAPTURE)' })) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('waypoints'), path: LineStringGeom, holdS: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false }),
]);

export const Conditions = Type.Object(
  {
    minBatteryPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    maxWindMps: Type.Optional(Type.Number({ minimum: 0 })),
    window: Type.Optional(Type.Object({ start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }), end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }), tz: Type.Optional(Type.String()) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const ScheduleBody = Type.Object({ at: Type.Optional(EpochOrIso), conditions: Type.Optional(Conditions) }, { additionalProperties: false, description: 'absent `at` = immediately' });

export const PlanBody = Type.Object(
  {
    dockId: Id,
    pattern: Pattern,
    startAt: Type.Optional(EpochOrIso),
    priority: Type.Optional(Type.Union([Type.Literal('patrol'), Type.Literal('inspection'), Type.Literal('emergency')])),
    fenceId: Type.Optional(Type.String()),
    schedule: Type.Optional(ScheduleBody),
  },
  { additionalProperties: false },
);

export const DispatchBody = Type.Object(
  { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }), alertId: Type.Optional(Type.String()), priority: Type.Optional(Type.Union([Type.Literal('emergency'), Type.Literal('inspection')])), altM: Type.Optional(Alt), hoverS: Type.Optional(Type.Number({ minimum: 0 })), captureImages: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Pictures of the target (default 3)' })) },
  { additionalProperties: false },
);

/** `POST /drones/{id}/ferry`: a drone landed away flown home to its dock. */
export const FerryBody = Type.Object(
  { altM: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Transit altitude, m (default 60); above the ceiling is refused' })), startAt: Type.Optional(EpochOrIso) },
  { additionalProperties: false },
);
export type FerryBodyT = Static<typeof FerryBody>;

export const ZoneFeatureIn = Type.Object(
  {
    type: Type.Literal('Feature'),
    id: Type.Optional(Id),
    geometry: Type.Union([PolygonGeom, MultiPolygonGeom, PointGeom]),
    properties: Type.Object(
      {
        id: Type.Optional(Id),
        name: Type.Optional(Type.String({ maxLength: 200 })),
        floorM: Type.Number({ minimum: 0 }),
        ceilingM: Type.Number({ minimum: 0 }),
        radiusM: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'required for a Point: a circular zone' })),
        windows: Type.Optional(Type.Array(Type.Object({ start: EpochOrIso, end: EpochOrIso }, { additionalProperties: false }))),
      },
      Open,
    ),
  },
  { additionalProperties: false },
);

export const DroneTypeBody = Type.Object(
  {
    id: Id,
    cruiseMps: Type.Number({ exclusiveMinimum: 0 }),
    climbMps: Type.Number({ exclusiveMinimum: 0 }),
    descentMps: Type.Number({ exclusiveMinimum: 0 }),
    enduranceS: Type.Number({ exclusiveMinimum: 0 }),
    reservePct: Type.Number({ minimum: 0, maximum: 100 }),
    windLimitMps: Type.Number({ exclusiveMinimum: 0 }),
    maxAltM: Type.Number({ exclusiveMinimum: 0 }),
    batteryWh: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    airbornePctPerS: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'battery % per airborne second (hover power); default 100 / enduranceS' })),
    pctPerM: Type.Optional(Type.Number({ minimum: 0, description: 'extra battery % per metre flown; default 0' })),
  },
  { additionalProperties: false },
);

export const DockBody = Type.Object(
  { id: Type.Optional(Id), name: Type.Optional(Type.String({ maxLength: 200 })), location: Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false }) },
  { additionalProperties: false },
);

export const DockStatus = Type.Union(['offline', 'idle', 'charging', 'preparing', 'launching', 'in_mission', 'returning', 'landing', 'maintenance'].map((s) => Type.Literal(s)));
export const DockReportBody = Type.Object({ status: Type.Optional(DockStatus), windMps: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])), rain: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const DroneBody = Type.Object(
  {
    id: Type.Optional(Id),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    typeId: Id,
    dockId: Id,
    batteryPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    link: Type.Optional(Type.String({ maxLength: 300, description: 'MAVLink 2 address of the vehicle: udp://host:port or tcp://host:port (without it: the simulated in-memory link)' })),
    autopilot: Type.Optional(Type.Union([Type.Literal('ardupilot'), Type.Literal('px4')], { description: 'default ardupilot' })),
    signingKey: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'MAVLink 2 signing secret, 32 bytes as hex' })),
  },
  { additionalProperties: false },
);
export const TelemetryQuery = Type.Object({ from: Type.Optional(Type.Integer({ description: 'epoch ms, default 1 h ago' })), to: Type.Optional(Type.Integer({ description: 'epoch ms, default now' })) });

export const PatrolBody = Type.Object(
  { id: Type.Optional(Id), name: Type.Optional(Type.String({ maxLength: 200 })), dockId: Id, pattern: Pattern, cron: Type.String({ minLength: 9, maxLength: 120, description: '5 or 6 fields (seconds first)' }), tz: Type.Optional(Type.String()), fenceId: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const PatrolPatchBody = Type.Object(
  {
    name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    cron: Type.Optional(Type.String({ minLength: 9, maxLength: 120, description: '5 or 6 fields (seconds first)' })),
    tz: Type.Optional(Type.String()),
    pattern: Type.Optional(Pattern),
    fenceId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    paused: Type.Optional(Type.Boolean({ description: 'true: no firings until resumed (false)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MissionQuery = Type.Object({
  status: Type.Optional(Type.String({ description: 'comma-separated statuses' })),
  dockId: Type.Optional(Type.String()),
  patrolId: Type.Optional(Type.String()),
  limit: Type.Optional(Limit),
  offset: Type.Optional(Offset),
  format: FormatParam,
});
export const IdParam = Type.Object({ id: Id });

/** Views: the main fields are listed for the docs; everything the port returns passes through. */
export const AnyObject = Type.Object({}, Open);
export const FeatureOut = Type.Object({ type: Type.Literal('Feature'), geometry: Type.Any(), properties: Type.Any() }, Open);
export const AirspaceOut = Type.Object({ type: Type.Literal('FeatureCollection'), ceilingM: Num, features: Type.Array(FeatureOut) }, Open);
export const MissionOut = Type.Object({ id: Type.String(), status: Type.String(), kind: Type.String(), dockId: Type.String(), droneId: Type.String(), lengthM: Num, durationS: Num, batteryPct: Num, route: FeatureOut }, Open);

export type PlanBodyT = Static<typeof PlanBody>;
export type ScheduleBodyT = Static<typeof ScheduleBody>;
export type DispatchBodyT = Static<typeof DispatchBody>;
export type ZoneFeatureInT = Static<typeof ZoneFeatureIn>;
export type DroneTypeBodyT = Static<typeof DroneTypeBody>;
export type DockBodyT = Static<typeof DockBody>;
export type DockReportBodyT = Static<typeof DockReportBody>;
export type DroneBodyT = Static<typeof DroneBody>;
export type TelemetryQueryT = Static<typeof TelemetryQuery>;
export type PatrolBodyT = Static<typeof PatrolBody>;
export type PatrolPatchBodyT = Static<typeof PatrolPatchBody>;
export type MissionQueryT = Static<typeof MissionQuery>;
