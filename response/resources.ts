/**
 * Resources: response units, depots with supplies, shelters and experts, with location, district, the
 * alert kinds they handle, capacity, duty status and schedule, and contact channels. Validation reports
 * every problem at once with its JSON path; webhook secrets are sealed before they are stored.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from '../kernel/errors.js';
import type { Localized } from '../kernel/i18n.js';
import { ALERT_KINDS, RESOURCE_KINDS, UNIT_TYPES, type Channel, type LonLat, type Resource } from './types.js';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const ChannelSchema = Type.Union([
  Type.Object({ type: Type.Literal('webhook'), url: Type.String({ pattern: '^https?://', maxLength: 2000 }), secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200, description: 'Signing secret; generated when absent, shown once' })) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('mqtt') }, { additionalProperties: false, description: 'Published to `platform/tasks/{district}/{unitId}` for integration clients' }),
  Type.Object({ type: Type.Literal('sms'), phone: Type.String({ pattern: '^\\+?[0-9 -]{5,20}$' }) }, { additionalProperties: false }),
]);

export const ResourceInputSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }),
    kind: Type.Union(RESOURCE_KINDS.map((k) => Type.Literal(k))),
    name: Text(200),
    name_zh: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Chinese name, for zh-CN readers (tasks, the console, the daily report); default: name' })),
    type: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64, description: `Unit type: ${UNIT_TYPES.join(', ')}` }), Type.Null()])),
    org: Type.Optional(Type.Union([Text(200), Type.Null()])),
    org_zh: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200, description: "The organisation's Chinese name (needs org); default: org" }), Type.Null()])),
    location: Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false }),
    alertKinds: Type.Optional(Type.Array(Type.Union(ALERT_KINDS.map((k) => Type.Literal(k))), { maxItems: 6 })),
    capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    duty: Type.Optional(Type.Union([Type.Literal('on'), Type.Literal('off')])),
    schedule: Type.Optional(Type.Union([Type.Object({ days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7 }), from: HHMM, to: HHMM }, { additionalProperties: false }), Type.Null()])),
    channels: Type.Optional(Type.Array(ChannelSchema, { maxItems: 5 })),
    supplies: Type.Optional(Type.Array(Type.Object({ name: Text(100), quantity: Type.Number({ minimum: 0 }), unit: Type.Optional(Text(20)) }, { additionalProperties: false }), { maxItems: 100 })),
    supervisor: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type ResourceInput = Static<typeof ResourceInputSchema>;

export interface FieldError {
  path: string;
  message: string;
}

/** Schema errors, then the checks a schema cannot make: unit types that exist, a type for every unit. */
export function resourceErrors(input: unknown): FieldError[] {
  const errors: FieldError[] = [];
  for (const e of Value.Errors(ResourceInputSchema, input)) errors.push({ path: e.path || '/', message: e.message });
  const r = input as Partial<ResourceInput> | null;
  const type = r?.type;
  if (typeof type === 'string' && !(UNIT_TYPES as readonly string[]).includes(type)) errors.push({ path: '/type', message: `unknown unit type "${type}" (known: ${UNIT_TYPES.join(', ')})` });
  if (r?.kind === 'unit' && (type === undefined || type === null)) errors.push({ path: '/type', message: 'a unit needs its unit type' });
  if (typeof r?.org_zh === 'string' && (r.org === undefined || r.org === null)) errors.push({ path: '/org_zh', message: 'a Chinese organisation name needs the organisation (org)' });
  return errors;
}

export interface Sealer {
  seal(plain: string): string;
}

/**
 * A validated input as stored: defaults filled, district from the location, webhook secrets sealed.
 * Returns the secrets generated now (shown once). Throws UNIT_INVALID with every problem.
 */
export function toResource(input: unknown, ctx: { now: number; districtAt: (l: LonLat) => string | null; sealer: Sealer; newSecret: () => string; previous?: Resource }): { resource: Resource; secrets: Record<string, string> } {
  const errors = resourceErrors(input);
  if (errors.length > 0) throw new AppError('UNIT_INVALID', { message: `Resource failed validation: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, details: { errors } });
  const r = input as ResourceInput;
  const secrets: Record<string, string> = {};
  const channels = (r.channels ?? []).map((c, i): Channel => {
    if (c.type !== 'webhook') return c;
    const kept = ctx.previous?.channels.find((p): p is Extract<Channel, { type: 'webhook' }> => p.type === 'webhook' && p.url === c.url)?.secret;
    if (c.secret === undefined && kept !== undefined) return { type: 'webhook', url: c.url, secret: kept };
    const plain = c.secret ?? ctx.newSecret();
    if (c.secret === undefined) secrets[`channels/${i}`] = plain;
    return { type: 'webhook', url: c.url, secret: ctx.sealer.seal(plain) };
  });
  const resource: Resource = {
    id: r.id, kind: r.kind, name: r.name, ...(r.name_zh !== undefined ? { name_zh: r.name_zh } : {}), type: (r.type ?? null) as Resource['type'],
    org: r.org ?? null, ...(typeof r.org_zh === 'string' && r.org ? { org_zh: r.org_zh } : {}), location: { lon: r.location.lon, lat: r.location.lat },
    district: ctx.districtAt(r.location), alertKinds: r.alertKinds ?? [], capacity: r.capacity ?? 1, duty: r.duty ?? 'on', schedule: r.schedule ?? null,
    channels, supplies: r.supplies ?? [], supervisor: r.supervisor ?? null, createdAt: ctx.previous?.createdAt ?? ctx.now, updatedAt: ctx.now,
  };
  return { resource, secrets };
}

/** A resource's name in every language: `name_zh` for zh-CN when it has one, else its name as written. */
export function resourceNames(r: Pick<Resource, 'name' | 'name_zh'>): Localized {
  return { en: r.name, 'zh-CN': r.name_zh ?? r.name };
}

/** A task's (or a proposal's) unit name in every language: its `unitNames`, else the name it kept in every language. */
export function taskUnitNames(t: { unitName: string; unitNames?: Localized }): Localized {
  return t.unitNames ?? { en: t.unitName, 'zh-CN': t.unitName };
}

/** Its organisation in every language (`org_zh` for zh-CN when it has one), or null without one. */
export function orgNames(r: Pick<Resource, 'org' | 'org_zh'>): Localized | null {
  return r.org === null ? null : { en: r.org, 'zh-CN': r.org_zh ?? r.org };
}

/** A resource as the API shows it: a webhook channel says whether it has a secret, never which. */
export function publicResource(r: Resource): Resource {
  return { ...r, channels: r.channels.map((c) => (c.type === 'webhook' ? { type: 'webhook', url: c.url } : c)) };
}
