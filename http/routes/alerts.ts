/** `/api/v1/alerts`: list, detail (audit trail, impact area, resources), lifecycle steps, KPIs. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { AlertActionName, AlertsPort } from '../deps.js';
import { errorResponses } from '../schemas.js';
import { ALERT_COLUMNS } from '../csv-columns.js';
import { pagesOf, sendCsv, wantsCsv } from '../csv.js';
import { alertFeatures, FormatParam, sendGeoJson } from '../geojson.js';
import { Limit, Offset } from '../page.js';
import { parseTime } from '../query.js';
import { requestLang } from '../enrich.js';
import { inLang, type Lang } from '../../kernel/i18n.js';
import { actorOf, alertsIn, scopeOf } from '../scope.js';
import { withActorNames } from './alert-actors.js';
import type { PersonNames } from './names.js';

const base = { tags: ['alerts'], security: [{ bearerAuth: [] }] };
const Sev = Type.Union([Type.Literal('blue'), Type.Literal('yellow'), Type.Literal('orange'), Type.Literal('red')]);
const Status = Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved'), Type.Literal('closed')]);
const Time = (d: string) => Type.Optional(Type.String({ description: `${d}: epoch ms or ISO-8601` }));

/** Core fields are typed for the docs; the rest of the stored alert (labels, values, impact…) passes through. */
export const AlertSchema = Type.Object(
  {
    id: Type.String({ description: '`al-<first firing epoch ms>-<16 hex>`: URL-safe as it is; a former `ruleId|subject|ms` id still finds its alert' }),
    ruleId: Type.String(),
    subject: Type.String(),
    status: Status,
    severity: Sev,
    responseLevel: Type.String({ description: 'I (red) … IV (blue)' }),
    message: Type.String({ description: 'For people, in the language Accept-Language asks for (zh-CN or en; default CITYBRAIN_LANG)' }),
    messages: Type.Optional(Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { description: 'The message in every language (absent on alerts raised with free text)' })),
    count: Type.Integer(),
    firstSeenAt: Type.Integer(),
    lastSeenAt: Type.Integer(),
    impact: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], { description: 'Impact area (GeoJSON circle), devices, assets, districts inside' }),
    resources: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], { description: 'Nearest sensors; docks (drone-ops)' }),
    mutedBy: Type.Union([Type.String(), Type.Null()], { description: 'Silence id or `inhibited`' }),
    audit: Type.Optional(Type.Array(Type.Object({
      at: Type.Integer(), actor: Type.String({ description: 'Who: a user name, a person\'s id (a photo\'s uploader), `system`, or `drone:<id>`' }),
      actorName: Type.Optional(Type.String({ description: 'The person\'s user name, when `actor` is their id' })), action: Type.String(),
      note: Type.Optional(Type.String({ description: 'Free text as written; a note the platform writes (`detail`) in the language Accept-Language asks for' })),
      detail: Type.Optional(Type.Object({
        code: Type.String({ description: '`picture` (media.attached) or `droneOverTarget` (drone.arrived)' }),
        params: Type.Object({}, { additionalProperties: true, description: 'Its parameters; times as epoch ms, positions as lat/lon' }),
        notes: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { description: 'The note in every language' }),
      }, { description: 'A note the platform writes (drone arrivals, pictures), for rendering in the reader\'s language' })),
    }, { additionalProperties: true }), { description: 'GET /alerts/{id}: the timeline, oldest first' })),
  },
  { additionalProperties: true },
);

const ListQuery = Type.Object({
  status: Type.Optional(Status),
  severity: Type.Optional(Sev),
  district: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  from: Time('Seen at or after'),
  to: Time('First seen before'),
  limit: Limit,
  offset: Offset,
  format: FormatParam,
});

const AlertId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 400 }) });
const ActionBody = Type.Object(
  {
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Ignored: the history names the authenticated caller' })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    text: Type.Optional(Type.String({ maxLength: 2000, description: 'comment text' })),
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Responsible unit' })),
  },
  { additionalProperties: false },
);

const DispatchBody = Type.Object(
  {
    by: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Ignored: the history names the authenticated caller' })),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Recorded in the audit entry' })),
  },
  { additionalProperties: false },
);

const DispatchResponse = Type.Object(
  {
    mission: Type.Object({ id: Type.String(), status: Type.String() }, { additionalProperties: true, description: 'The mission as `GET /api/v1/missions/{id}` shows it' }),
    dockId: Type.String(),
    etaS: Type.Number({ description: 'Flight time from the dock to the target, s' }),
    alert: AlertSchema,
  },
  { additionalProperties: true },
);

const ACTIONS: Record<AlertActionName, string> = {
  ack: 'Acknowledge an open alert',
  assign: 'Assign to a person and responsible unit (`assignee` required)',
  comment: 'Add a comment (`text`)',
  resolve: 'Resolve by hand',
  close: 'Close a resolved alert (a later firing opens a new alert)',
};

export function time(v: string | undefined, field: string): number | undefined {
  return v === undefined ? undefined : parseTime(v, field);
}

/** The alert with each platform-written timeline note (`detail.notes`) as `note` in `lang`. */
export function notesInLang<A extends object>(alert: A, lang: Lang): A {
  const audit: unknown = (alert as { audit?: unknown }).audit;
  if (!Array.isArray(audit)) return alert;
  return { ...alert, audit: audit.map((e: { detail?: { notes?: Partial<Record<Lang, string>> } }) => (typeof e.detail?.notes?.[lang] === 'string' ? { ...e, note: e.detail.notes[lang] } : e)) };
}

export function alertRoutes(alerts: AlertsPort, names?: PersonNames) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/alerts',
      { schema: { ...base, summary: 'List alerts, filtered and paged, newest first (GeoJSON points and impact areas with ?format=geojson)', querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(AlertSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...errorResponses } } },
      async (req, reply) => {
        const { format: _format, ...q } = req.query;
        const from = time(q.from, 'from');
        const to = time(q.to, 'to');
        const scoped = alertsIn(alerts, scopeOf(req));
        if (wantsCsv(req)) {
          const lang = requestLang(req);
          const pages = pagesOf(async (limit, offset) => {
            const page = await scoped.list({ ...q, from, to, limit, offset });
            return { ...page, items: page.items.map((a) => inLang(a, lang)) };
          });
          return sendCsv(req, reply, 'alerts.csv', ALERT_COLUMNS, pages);
        }
        const page = { ...(await scoped.list({ ...q, from, to })), limit: q.limit, offset: q.offset };
        return sendGeoJson(req, reply, page.items as unknown as Record<string, unknown>[], alertFeatures, page) ? reply : page;
      },
    );

    app.get<{ Querystring: { from?: string; to?: string } }>(
      '/alerts/kpis',
      { schema: { ...base, summary: 'Response KPIs: time to acknowledge, dispatch, resolve (n, median, p90)', querystring: Type.Object({ from: Time('From'), to: Time('To') }), response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses } } },
      async (req) => alertsIn(alerts, scopeOf(req)).kpis({ from: time(req.query.from, 'from'), to: time(req.query.to, 'to') }),
    );

    app.get<{ Params: Static<typeof AlertId> }>(
      '/alerts/:id',
      { schema: { ...base, summary: 'One alert with audit trail, impact area, resources and KPIs', params: AlertId, response: { 200: AlertSchema, ...errorResponses } } },
      async (req) => notesInLang(await withActorNames(await alertsIn(alerts, scopeOf(req)).get(req.params.id), names), requestLang(req)),
    );

    for (const [action, summary] of Object.entries(ACTIONS) as [AlertActionName, string][]) {
      app.post<{ Params: Static<typeof AlertId>; Body: Static<typeof ActionBody> | undefined }>(
        `/alerts/:id/${action}`,
        {
          schema: { ...base, summary, params: AlertId, body: ActionBody, response: { 200: AlertSchema, ...errorResponses } },
          preValidation: async (req) => {
            req.body ??= {};
          },
        },
        // The history names the authenticated caller; a `by` in the body is ignored.
        async (req) => alertsIn(alerts, scopeOf(req)).act(req.params.id, action, { ...req.body, by: actorOf(req) }),
      );
    }

    app.post<{ Params: Static<typeof AlertId>; Body: Static<typeof DispatchBody> | undefined }>(
      '/alerts/:id/dispatch',
      {
        config: { access: 'alerts:dispatch' },
        schema: {
          ...base,
          summary: 'Send a drone: nearest available dock by flight time, point inspection, airspace reserved, scheduled now (emergency priority for red/orange)',
          params: AlertId,
          body: DispatchBody,
          response: { 200: DispatchResponse, ...errorResponses },
        },
        preValidation: async (req) => {
          req.body ??= {};
        },
      },
      async (req) => {
        const scoped = alertsIn(alerts, scopeOf(req));
        if (!scoped.dispatch) {
          await scoped.get(req.params.id);
          throw new AppError('DRONE_OPS_UNAVAILABLE', {
            message: 'Drone dispatch needs drone-ops, which is not wired into this build; send a crew with POST /api/v1/alerts/{id}/assign',
            details: { id: req.params.id },
          });
        }
        return scoped.dispatch(req.params.id, { ...req.body, by: actorOf(req) });
      },
    );
  };
}
