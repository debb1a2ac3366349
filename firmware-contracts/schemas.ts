/**
 * JSON Schema (draft 2020-12) export of the contracts, for integrators and firmware test benches.
 * The schemas describe shape, types and ranges; what a static schema cannot say (stale/future timestamps
 * relative to the receive time, payload bytes) is checked only by the decoders and documented in
 * docs/contracts.md. A test runs every golden fixture through both, so the two stay in step.
 */
import { CONTRACT_VERSION, DEVICE_KINDS, getContract, type CommandSpec, type DeviceKind, type KindContract, type MetricSpec } from './kinds.js';
import { DEFAULT_MAX_BATCH } from './payload.js';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const BASE = `https://citybrain.example/contracts/v${CONTRACT_VERSION}/`;

type Schema = Record<string, unknown>;

/** Same profile as the decoder: ISO-8601 date-time with a zone. */
const ISO_PATTERN = '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:?\\d{2})$';

const TS_SCHEMA: Schema = {
  description: 'Sample time: epoch milliseconds, or ISO-8601 with a zone. Absent = server receive time. ' +
    'Accepted from 7 days before to 5 minutes after the receive time (checked by the decoder only).',
  oneOf: [
    { type: 'number', minimum: 0, maximum: 8.64e15 },
    { type: 'string', pattern: ISO_PATTERN },
  ],
};

function header(key: string, title: string, description: string): Schema {
  return { $schema: DRAFT, $id: `${BASE}${key}.schema.json`, title, description };
}

function metricSchema(m: MetricSpec): Schema {
  const s: Schema = { type: m.type, description: `${m.description}. Unit: ${m.unit}.` };
  if (m.min !== undefined) s['minimum'] = m.min;
  if (m.max !== undefined) s['maximum'] = m.max;
  return s;
}

function telemetrySchema(c: KindContract): Schema {
  const key = `${c.kind}.telemetry`;
  const sample: Schema = {
    type: 'object',
    additionalProperties: false,
    required: ['metrics'],
    properties: {
      ts: TS_SCHEMA,
      seq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Device sequence number' },
      metrics: {
        type: 'object',
        additionalProperties: false,
        required: c.metrics.filter((m) => m.required).map((m) => m.name),
        properties: Object.fromEntries(c.metrics.map((m) => [m.name, metricSchema(m)])),
      },
    },
  };
  return {
    ...header(key, `${c.kind} telemetry v${c.version}`,
      `${c.description}. Topic devices/{id}/telemetry; one sample or a batch {"samples": [...]} of up to ` +
      `${DEFAULT_MAX_BATCH}. Expected interval ${c.intervalMs / 1000} s.`),
    $defs: { sample },
    oneOf: [
      { $ref: '#/$defs/sample' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['samples'],
        properties: { samples: { type: 'array', minItems: 1, maxItems: DEFAULT_MAX_BATCH, items: { $ref: '#/$defs/sample' } } },
      },
    ],
  };
}

function eventsSchema(c: KindContract): Schema {
  return {
    ...header(`${c.kind}.events`, `${c.kind} events v${c.version}`, `Topic devices/{id}/events for ${c.kind} devices.`),
    type: 'object',
    additionalProperties: false,
    required: ['type'],
    properties: {
      ts: TS_SCHEMA,
      type: {
        enum: c.events.map((e) => e.type),
        description: c.events.map((e) => `${e.type}: ${e.description}`).join('; '),
      },
      data: { type: 'object', description: 'Event details (free form)' },
    },
  };
}

function commandSchema(c: KindContract, cmd: CommandSpec): Schema {
  const params = Object.entries(cmd.params);
  return {
    ...header(`${c.kind}.commands.${cmd.name}`, `${c.kind} command ${cmd.name} v${c.version}`,
      `${cmd.description}. Topic devices/{id}/commands/${cmd.name}; the payload is the parameter object.`),
    type: 'object',
    additionalProperties: false,
    required: params.filter(([, p]) => p.required).map(([k]) => k),
    properties: Object.fromEntries(params.map(([k, p]) => {
      const s: Schema = { type: p.type, description: p.description };
      if (p.min !== undefined) s['minimum'] = p.min;
      if (p.max !== undefined) s['maximum'] = p.max;
      return [k, s];
    })),
  };
}

function statusSchema(): Schema {
  return {
    ...header('status', `device status v${CONTRACT_VERSION}`,
      'Topic devices/{id}/status, retained; the MQTT will message sets online false. Extra fields are allowed.'),
    type: 'object',
    required: ['online'],
    properties: {
      online: { type: 'boolean', description: 'Device is up' },
      fw: { type: 'string', description: 'Firmware version' },
    },
  };
}

function commandReplySchema(): Schema {
  return {
    ...header('command-reply', `command reply v${CONTRACT_VERSION}`, 'Topic devices/{id}/commands/{name}/reply.'),
    type: 'object',
    additionalProperties: false,
    required: ['ok'],
    properties: {
      ok: { type: 'boolean', description: 'Command carried out' },
      message: { type: 'string', description: 'Human-readable result' },
      data: { type: 'object', description: 'Command result (e.g. selftest details)' },
    },
  };
}

/**
 * Every schema, keyed `<kind>.telemetry`, `<kind>.events`, `<kind>.commands.<name>`, plus the kind-independent
 * `status` and `command-reply`. With `kind`, only that kind's schemas (and the two shared ones).
 */
export function exportJsonSchemas(kind?: DeviceKind): Record<string, object> {
  const out: Record<string, object> = {};
  for (const k of kind === undefined ? DEVICE_KINDS : [kind]) {
    const c = getContract(k);
    if (c === undefined) continue;
    out[`${k}.telemetry`] = telemetrySchema(c);
    out[`${k}.events`] = eventsSchema(c);
    for (const cmd of c.commands) out[`${k}.commands.${cmd.name}`] = commandSchema(c, cmd);
  }
  out['status'] = statusSchema();
  out['command-reply'] = commandReplySchema();
  return out;
}
