/** TypeBox schemas of the response routes (docs/response.md): request validation and the OpenAPI document. */
import { Type } from '@sinclair/typebox';

export const base = { tags: ['response'], security: [{ bearerAuth: [] }] };
export const Iso = (d: string) => Type.String({ description: `${d} (ISO 8601)` });
const Open = (props: Parameters<typeof Type.Object>[0], description?: string) => Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });
const LonLat = Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false });
const OptAt = Type.Optional(Type.String({ maxLength: 40, description: 'Client time of the action (ISO 8601), kept as `clientAt`' }));

export const TaskState = Type.Union(['dispatched', 'accepted', 'declined', 'en_route', 'on_site', 'done', 'verified', 'cancelled', 'reassigned'].map((s) => Type.Literal(s)));

/** A text in every language (a plan step's title or instructions, a rule's alert message). */
const Texts = (what: string) => Type.Optional(Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { description: `${what} in every language; the single field is already in the reader's language (Accept-Language)` }));

export const TaskSchema = Open({
  id: Type.String(), alertId: Type.String(), unitId: Type.String(), unitName: Type.String(), unitType: Type.String(), title: Type.String(), instructions: Type.String(),
  titles: Texts('The title'), instructionsByLang: Texts('The instructions'), unitNames: Texts("The unit's name (its resource's name_zh for zh-CN)"),
  state: TaskState, required: Type.Boolean(), acceptBy: Iso('Accept deadline'), arriveBy: Iso('Arrival deadline'), location: LonLat,
  mapsUrl: Type.String({ description: 'geo:<lat>,<lon> (RFC 5870)' }), district: Type.Union([Type.String(), Type.Null()]),
  districtName: Type.Union([Type.Object({ zh: Type.String(), en: Type.String() }), Type.Null()]),
  alert: Open({ id: Type.String(), kind: Type.String(), severity: Type.String(), level: Type.String(), message: Type.String(), messages: Texts("The alert's message") }),
  createdAt: Iso('Created'), updatedAt: Iso('Last change'),
}, 'A task (work order) for one unit');

export const TaskEvent = Open({ state: TaskState, at: Iso('Server time'), clientAt: Type.Optional(Iso('Client time')), by: Type.String(), byName: Type.String(), note: Type.Optional(Type.String()) });
export const TaskReport = Open({ id: Type.String(), at: Iso('Server time'), by: Type.String(), byName: Type.String(), note: Type.Optional(Type.String()), mediaIds: Type.Array(Type.String()), position: Type.Optional(LonLat) });
export const TaskDetail = Type.Intersect([TaskSchema, Open({ history: Type.Array(TaskEvent), reports: Type.Array(TaskReport) })]);

export const TaskId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const AlertId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 400 }) });
export const ResourceId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const TaskListQuery = Type.Object({
  state: Type.Optional(TaskState),
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  alert: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'nextCursor of the previous page' })),
});

export const AcceptBody = Type.Object({ at: OptAt }, { additionalProperties: false });
export const DeclineBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }), at: OptAt }, { additionalProperties: false });
export const StatusBody = Type.Object({
  state: Type.Union([Type.Literal('en_route'), Type.Literal('on_site'), Type.Literal('done')]),
  note: Type.Optional(Type.String({ maxLength: 4000 })), at: OptAt, position: Type.Optional(LonLat),
}, { additionalProperties: false });
export const ReportBody = Type.Object({
  note: Type.Optional(Type.String({ maxLength: 4000 })),
  mediaIds: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: 50, description: 'Media ids (SHA-256) from POST /api/v1/media or an upload' })),
  position: Type.Optional(LonLat), at: OptAt,
}, { additionalProperties: false });
export const VerifyBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })), at: OptAt }, { additionalProperties: false });
export const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const ReassignBody = Type.Object({ unitId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Absent: the next nearest unit of the same type' })) }, { additionalProperties: false });

export const ProposedTask = Open({
  unitId: Type.Union([Type.String(), Type.Null()]), unitName: Type.Optional(Type.Union([Type.String(), Type.Null()])), unitType: Type.String(),
  title: Type.String(), instructions: Type.String(), titles: Texts('The title'), instructionsByLang: Texts('The instructions'), unitNames: Texts("The unit's name"), required: Type.Boolean(),
  distanceM: Type.Optional(Type.Union([Type.Number(), Type.Null()])), etaS: Type.Optional(Type.Union([Type.Number(), Type.Null()])), gap: Type.Optional(Type.String()),
}, 'One proposed task; unitId null is a gap (no unit found)');
export const DispatchBody = Type.Object({ tasks: Type.Optional(Type.Array(ProposedTask, { maxItems: 100, description: 'Absent: the proposal as is' })) }, { additionalProperties: false });

export const AnyObject = Type.Object({}, { additionalProperties: true });
