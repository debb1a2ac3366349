/**
 * `/api/v1/opcua/sources`: OPC UA stations as sources of device readings. Behind the
 * bearer token. A source's password is accepted and stored but never returned (`hasPassword` instead).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { DeviceId, errorResponses } from '../schemas.js';

const base = { tags: ['opcua'], security: [{ bearerAuth: [] }] };

const SecurityMode = Type.Union([Type.Literal('None'), Type.Literal('Sign'), Type.Literal('SignAndEncrypt')], { description: 'OPC UA MessageSecurityMode' });
const SecurityPolicy = Type.Union(
  [Type.Literal('None'), Type.Literal('Basic256Sha256'), Type.Literal('Aes128_Sha256_RsaOaep'), Type.Literal('Aes256_Sha256_RsaPss')],
  { description: 'OPC UA security policy (default None with mode None, else Basic256Sha256)' },
);
const Mapping = Type.Array(
  Type.Object(
    {
      nodeId: Type.String({ minLength: 1, maxLength: 512, description: 'OPC UA node id, e.g. ns=1;s=HeatStation.SupplyTemp' }),
      metric: Type.String({ minLength: 1, maxLength: 64, description: "A metric of the device kind's firmware contract" }),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 200 },
);
const SourceBody = {
  deviceId: DeviceId,
  endpoint: Type.String({ maxLength: 2048, description: 'opc.tcp://host:port/path' }),
  securityMode: Type.Optional(SecurityMode),
  securityPolicy: Type.Optional(SecurityPolicy),
  // Null first: fastify's Ajv coerces types, and would turn null into "" for a string branch tried first.
  username: Type.Optional(Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 256 })])),
  password: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 1024, description: 'Stored; never returned' })])),
  samplingMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'Monitored item sampling interval (default 1,000)' })),
  publishingMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 3_600_000, description: 'Subscription publishing interval (default 1,000)' })),
  mapping: Mapping,
  enabled: Type.Optional(Type.Boolean({ default: true })),
};
const SourceCreate = Type.Object({ id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })), ...SourceBody }, { additionalProperties: false });
const SourceReplace = Type.Object(SourceBody, { additionalProperties: false });
const Source = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  endpoint: Type.String(),
  securityMode: SecurityMode,
  securityPolicy: SecurityPolicy,
  username: Type.Union([Type.String(), Type.Null()]),
  hasPassword: Type.Boolean(),
  samplingMs: Type.Integer(),
  publishingMs: Type.Integer(),
  mapping: Mapping,
  enabled: Type.Boolean(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
const Problem = Type.Object({ path: Type.String(), code: Type.String({ description: 'OPCUA_NODE_ID_INVALID, OPCUA_MAPPING_INVALID or OPCUA_SOURCE_INVALID' }), message: Type.String() });
const TrustState = Type.Union([Type.Literal('pending'), Type.Literal('trusted'), Type.Literal('rejected')]);
const Nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NodeStatus = Type.Object({
  nodeId: Type.String(),
  metric: Type.String(),
  state: Type.Union(['pending', 'good', 'violating', 'bad', 'invalid'].map((s) => Type.Literal(s)), { description: 'good: stored; violating: breaks the contract, not stored; bad: station status or value unusable; invalid: does not fit the metric, not monitored' }),
  value: Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()], { description: "The station's current value, good or not" }),
  valueAt: Nullable(Type.Integer()),
  lastGoodAt: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  unit: Nullable(Type.String({ description: "The station's EngineeringUnits" })),
});
const Certificate = Type.Object({
  thumbprint: Type.String({ description: 'SHA-1 of the DER certificate, hex' }),
  state: TrustState,
  subject: Type.String(),
  issuer: Type.String(),
  validFrom: Type.Integer(),
  validTo: Type.Integer(),
  decidedAt: Nullable(Type.Integer()),
  decidedBy: Type.Union([Type.Literal('operator'), Type.Literal('first-use'), Type.Null()]),
});
const Thumbprint = Type.Object({ thumbprint: Type.String({ pattern: '^[0-9a-fA-F]{40}$' }) });
const Status = Type.Object({
  sourceId: Type.String(),
  deviceId: Type.String(),
  state: Type.Union(['connecting', 'connected', 'reconnecting', 'failed', 'invalid', 'disabled'].map((s) => Type.Literal(s))),
  since: Type.Integer(),
  attempt: Type.Integer({ description: 'Retry attempt of the current reconnecting/failed spell' }),
  nextRetryAt: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  sessions: Type.Integer({ description: 'Sessions created or restored since the source was applied' }),
  counters: Type.Object({ values: Type.Integer(), readings: Type.Integer(), violations: Type.Integer(), errors: Type.Integer() }),
  lastValueAt: Nullable(Type.Integer()),
  lastReadingAt: Nullable(Type.Integer()),
  problems: Type.Array(Problem, { description: 'Why the stored configuration is refused (state invalid)' }),
  nodes: Type.Array(NodeStatus, { description: 'Per mapped node, in mapping order' }),
  watchdog: Type.Object(
    { trips: Type.Integer(), lastTripAt: Nullable(Type.Integer()), lastReason: Nullable(Type.String()) },
    { description: 'Times the connection was given up and made afresh (silence, or a repair loop running hot), and why the last time' },
  ),
  certificate: Type.Union([Type.Object({ thumbprint: Type.String(), trust: TrustState }), Type.Null()], { description: 'Station certificate of a secured source, once seen' }),
});
const Browsed = Type.Object({ nodeId: Type.String(), browseName: Type.String(), displayName: Type.String(), nodeClass: Type.String() });
const SourceId = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }) });
const BrowseBody = Type.Object({ nodeId: Type.Optional(Type.String({ minLength: 1, maxLength: 512, default: 'ns=0;i=85', description: 'Node to list (default Objects folder, ns=0;i=85)' })) }, { additionalProperties: false });

export type OpcuaSourceCreate = Static<typeof SourceCreate>;
export type OpcuaSourceReplace = Static<typeof SourceReplace>;
export type OpcuaSourceView = Static<typeof Source>;
export type OpcuaStatusView = Static<typeof Status>;
export type OpcuaBrowsedNode = Static<typeof Browsed>;
export type OpcuaCertificateView = Static<typeof Certificate>;

/** What the OPC UA routes need; the composition root adapts the device registry's OPC UA service to it. */
export interface OpcuaPort {
  /** Validates against the device's contract (OPCUA_SOURCE_INVALID) and starts collecting. */
  create(input: OpcuaSourceCreate): Promise<OpcuaSourceView>;
  list(): Promise<OpcuaSourceView[]>;
  /** Throws OPCUA_SOURCE_NOT_FOUND. */
  get(id: string): Promise<OpcuaSourceView>;
  /** Replaces the configuration and reconnects. Throws OPCUA_SOURCE_NOT_FOUND / OPCUA_SOURCE_INVALID. */
  replace(id: string, input: OpcuaSourceReplace): Promise<OpcuaSourceView>;
  /** Stops collecting and forgets the source. Throws OPCUA_SOURCE_NOT_FOUND. */
  delete(id: string): Promise<void>;
  /** Live connection status and counters. Throws OPCUA_SOURCE_NOT_FOUND. */
  status(id: string): Promise<OpcuaStatusView>;
  /** Children of a node on the source's live session. Throws OPCUA_CONNECT_FAILED when not connected. */
  browse(id: string, nodeId: string): Promise<OpcuaBrowsedNode[]>;
  /** Station certificates met so far (pending, trusted, rejected). */
  certificates(): Promise<OpcuaCertificateView[]>;
  /** Trusts or rejects a station certificate. Throws OPCUA_CERTIFICATE_NOT_FOUND. */
  decideCertificate(thumbprint: string, decision: 'trust' | 'reject'): Promise<OpcuaCertificateView>;
}

type Id = { Params: Static<typeof SourceId> };

export function opcuaRoutes(opcua: OpcuaPort) {
  return async (app: FastifyInstance): Promise<void> => {
    const one = { ...errorResponses, 200: Source };
    app.post<{ Body: OpcuaSourceCreate }>(
      '/opcua/sources',
      { schema: { ...base, summary: 'Configure an OPC UA source for a device and start collecting', body: SourceCreate, response: { ...errorResponses, 201: Source } } },
      async (req, reply) => reply.code(201).send(await opcua.create(req.body)),
    );
    app.get('/opcua/sources', { schema: { ...base, summary: 'OPC UA sources', response: { ...errorResponses, 200: Type.Object({ items: Type.Array(Source) }) } } }, async () => ({
      items: await opcua.list(),
    }));
    app.get<Id>('/opcua/sources/:id', { schema: { ...base, summary: 'One OPC UA source', params: SourceId, response: one } }, async (req) => opcua.get(req.params.id));
    app.put<Id & { Body: OpcuaSourceReplace }>(
      '/opcua/sources/:id',
      { schema: { ...base, summary: 'Replace a source (a missing password keeps the stored one)', params: SourceId, body: SourceReplace, response: one } },
      async (req) => opcua.replace(req.params.id, req.body),
    );
    app.delete<Id>('/opcua/sources/:id', { schema: { ...base, summary: 'Remove a source', params: SourceId, response: { ...errorResponses, 204: Type.Null() } } }, async (req, reply) => {
      await opcua.delete(req.params.id);
      return reply.code(204).send();
    });
    app.get<Id>('/opcua/sources/:id/status', { schema: { ...base, summary: 'Connection status and counters', params: SourceId, response: { ...errorResponses, 200: Status } } }, async (req) =>
      opcua.status(req.params.id),
    );
    app.post<Id & { Body: Static<typeof BrowseBody> | undefined }>(
      '/opcua/sources/:id/browse',
      { schema: { ...base, summary: 'List the children of a node, to help write a mapping', params: SourceId, body: BrowseBody, response: { ...errorResponses, 200: Type.Object({ items: Type.Array(Browsed) }) } } },
      async (req) => ({ items: await opcua.browse(req.params.id, req.body?.nodeId ?? 'ns=0;i=85') }),
    );
    app.get('/opcua/certificates', { schema: { ...base, summary: 'Station certificates: pending (met, not decided), trusted, rejected', response: { ...errorResponses, 200: Type.Object({ items: Type.Array(Certificate) }) } } }, async () => ({
      items: await opcua.certificates(),
    }));
    for (const decision of ['trust', 'reject'] as const) {
      app.post<{ Params: Static<typeof Thumbprint> }>(
        `/opcua/certificates/:thumbprint/${decision}`,
        { schema: { ...base, summary: decision === 'trust' ? 'Trust a station certificate (waiting sources connect at once)' : 'Reject a station certificate for good', params: Thumbprint, response: { ...errorResponses, 200: Certificate } } },
        async (req) => opcua.decideCertificate(req.params.thumbprint, decision),
      );
    }
  };
}
