import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DURATION_SYNTAX, formatDuration, parseDuration } from './duration.js';
import { accessSync, constants } from 'node:fs';
import { AppError } from './errors.js';

/**
 * One schema is both validator and type (style.md). Every setting has an environment variable,
 * a description and a default; `loadConfig` reports every problem at once and returns a frozen object.
 */
const Port = (description: string, def: number) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: def, description });
const PosInt = (description: string, def: number, minimum = 1) => Type.Integer({ minimum, default: def, description });
/** Milliseconds in the settings; written `500ms`, `30s`, `5m`, `1h` (a bare number is ms, as the `_MS` names say). */
const Duration = (description: string, def: number) => Type.Integer({ minimum: 1, default: def, description, 'x-duration': true });
const OptUrl = (description: string, protocols: string[]) =>
  Type.Optional(Type.String({ minLength: 1, description, 'x-protocols': protocols }));

const Access = (description: string) =>
  Type.Union([Type.Literal('public'), Type.Literal('token'), Type.Literal('off')], { default: 'public', description });

/** TLS, MQTT connect limits and the operational routes' exposure (docs/security.md). */
const TransportSettings = {
  tlsCert: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate (chain) file: HTTPS, MQTTS and WSS. Reloaded when the file changes or on SIGHUP', 'x-file': true })),
  tlsKey: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key file of CITYBRAIN_TLS_CERT', 'x-file': true })),
  tlsCa: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA bundle that signs device client certificates: MQTTS and WSS then ask devices for one (certificate CN = device id)', 'x-file': true })),
  tlsCrl: Type.Optional(Type.String({ minLength: 1, description: 'PEM revocation list of device client certificates (needs CITYBRAIN_TLS_CA)', 'x-file': true })),
  tlsClientCerts: Type.Union([Type.Literal('optional'), Type.Literal('required')], {
    default: 'optional',
    description: 'With CITYBRAIN_TLS_CA: optional (a device may log in with a certificate or a password) or required (MQTTS and WSS refuse a device without a valid certificate)',
  }),
  tlsRequired: Type.Boolean({ default: false, description: 'Serve TLS only: no plain MQTT or WebSocket listener (needs CITYBRAIN_TLS_CERT and CITYBRAIN_TLS_KEY; HTTP is HTTPS whenever a certificate is set)' }),
  mqttTlsPort: Port('MQTTS (MQTT over TLS) port, served when a certificate is set (0 = any free port)', 8883),
  mqttMaxPending: PosInt('MQTT sockets not yet authenticated, a cap of their own: a new one over it closes the oldest', 1_000),
  mqttMaxPendingPerAddress: PosInt('Unauthenticated MQTT sockets per source address: a new one over it closes that address\'s oldest', 16),
  mqttMaxConnecting: PosInt('MQTT CONNECTs checked at once; one more gets CONNACK 3 (server unavailable) at once and backs off', 200),
  mqttAuthFailuresPerAddress: PosInt('Failed MQTT CONNECTs from one address within CITYBRAIN_MQTT_BAN_MS before the address is banned', 30),
  mqttAuthFailuresPerUsername: PosInt('Failed MQTT CONNECTs for one username within CITYBRAIN_MQTT_BAN_MS before the username is banned', 10),
  mqttBanMs: PosInt('First MQTT connect ban; each further ban of the same address or username doubles it, up to an hour', 60_000),
  metricsAccess: Access('GET /metrics: public, token (the admin or an API token) or off'),
  docsAccess: Access('GET /docs and /openapi.json: public, token (the admin or an API token) or off'),
};

export const ConfigSchema = Type.Object({
  httpHost: Type.String({ default: '127.0.0.1', description: 'HTTP listen address (loopback until you choose one; 0.0.0.0 = every interface)' }),
  httpPort: Port('HTTP API port (0 = any free port)', 8080),
  mqttHost: Type.String({ default: '127.0.0.1', description: 'MQTT listen address (loopback until you choose one; 0.0.0.0 = every interface)' }),
  mqttPort: Port('MQTT (TCP) port (0 = any free port)', 1883),
  mqttWsPort: Port('MQTT over WebSocket port (0 = any free port, -1 not allowed; set CITYBRAIN_MQTT_WS=off to disable)', 8083),
  mqttWs: Type.Boolean({ default: true, description: 'Serve MQTT over WebSocket' }),
  dataDir: Type.String({ minLength: 1, default: './data', description: 'Directory for embedded stores, spill files, generated secrets' }),
  adminToken: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token for /api (generated on first start if unset)' })),
  adminPassword: Type.Optional(Type.String({ minLength: 12, description: 'Password of the `admin` account created on first start (generated and shown once if unset); ignored once any account exists' })),
  sessionIdleMinutes: PosInt('A browser session ends after this many minutes without a request', 30),
  sessionMaxHours: PosInt('A browser session ends this many hours after sign-in, whatever the activity', 12),
  databaseUrl: OptUrl('PostgreSQL URL for the relational store (embedded SQLite if unset)', ['postgres:', 'postgresql:']),
  influxUrl: OptUrl('InfluxDB 1.x base URL for telemetry (embedded SQLite if unset)', ['http:', 'https:']),
  influxDb: Type.String({ minLength: 1, default: 'citybrain', description: 'InfluxDB database name' }),
  influxUsername: Type.Optional(Type.String({ description: 'InfluxDB user' })),
  influxPassword: Type.Optional(Type.String({ description: 'InfluxDB password' })),
  redisUrl: OptUrl('Redis URL (job scheduling, broker clustering)', ['redis:', 'rediss:']),
  mqttCluster: Type.Boolean({
    default: false,
    description: 'Run this MQTT broker as one node of several sharing sessions, subscriptions and messages through Redis (needs REDIS_URL)',
  }),
  credentialKey: Type.Optional(Type.String({ description: 'Key for hashing device and integration secrets: 64 hex characters (32 bytes). Default: generated once into the data dir. Every node of a cluster needs the same one' })),
  mqttClusterPrefix: Type.String({ minLength: 1, default: 'citybrain:', description: 'Prefix of the broker cluster\'s Redis keys and channels (one per cluster)' }),
  mqttClusterLeaseMs: Duration('A broker node silent this long is dead: another node reports its devices offline', 15_000),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'Log level' },
  ),
  cityFile: Type.Optional(Type.String({ description: 'GeoJSON FeatureCollection of districts (default: the shipped Qingdao sample)' })),
  mqttMaxConnections: PosInt('Maximum concurrent MQTT connections (the process has ~20k file descriptors)', 15_000),
  mqttMaxFrameBytes: PosInt('Largest MQTT packet accepted, checked before it is buffered', 256 * 1024, 64),
  mqttConnectTimeoutMs: Duration('A socket must send CONNECT within this time', 10_000),
  mqttProxyProtocol: Type.Boolean({ default: false, description: 'Plain MQTT connections from CITYBRAIN_MQTT_PROXY_TRUSTED start with a PROXY protocol v1 or v2 header (HAProxy send-proxy-v2), whose client address the per-address limits use' }),
  mqttProxyTrusted: Type.String({ default: '127.0.0.1,::1', description: 'Load balancers allowed to send a PROXY header: addresses and CIDR blocks, comma-separated; others connect directly' }),
  // 4 pipelined store batches of telemetryBatchSize plus the one gathering: below that the writer's pipeline
  // never fills (5,000 capped saturation at ~0.7× of what 10,000 stored, docs/benchmarks.md).
  ingestMaxInflight: PosInt('Readings in flight through ingest (overall) before sockets are paused', 10_000),
  ingestMaxInflightPerClient: PosInt('Readings in flight per connection before that socket is paused', 200),
  ingestWorkers: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 16,
      description: 'Worker threads that write telemetry (line-protocol encoding and the InfluxDB request, or the SQLite inserts; at most 1 on SQLite); 0: the main thread does it. Default: 1, with InfluxDB and with the embedded SQLite store (measured faster on this 2-core machine, docs/benchmarks.md)',
    }),
  ),
  telemetryBatchSize: PosInt('Telemetry write batch size (readings); smaller than ingestMaxInflight so batches overlap', 2_000),
  telemetryFlushMs: Duration('Longest a reading waits before its batch is written (a QoS 1 PUBACK waits for the write)', 20),
  telemetryBufferMax: PosInt('Readings held in memory when the store is slow or down, before spilling to disk', 50_000),
  telemetrySpillMaxBytes: PosInt('Largest spill file on disk when the store is down', 1024 * 1024 * 1024),
  autoDispatch: Type.Union([Type.Literal('off'), Type.Literal('red'), Type.Literal('orange')], {
    default: 'off',
    description: 'Send a drone automatically when an alert opens or is upgraded to this severity: off, red (level I), orange (orange and red)',
  }),
  ...TransportSettings,
  demo: Type.Union([Type.Literal('off'), Type.Literal('on')], {
    default: 'off',
    description: 'Demo: start simulated MAVLink docks and drones in the four core districts (over loopback UDP) and register them',
  }),
  demoSpeedup: Type.Number({ minimum: 1, maximum: 100, default: 10, description: 'Demo: simulated seconds per real second for the simulated vehicles' }),
  opcuaTrustOnFirstUse: Type.Boolean({
    default: false,
    description: 'OPC UA Sign/SignAndEncrypt: trust a station certificate never met before when first met (a first enrolment); off: it waits as pending for POST /api/v1/opcua/certificates/{thumbprint}/trust',
  }),
  demoDocksPerDistrict: Type.Integer({ minimum: 1, maximum: 14, default: 1, description: 'Demo: docks (each with a drone) per core district; 14 gives the 56 of the sample city' }),
  console: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on', description: 'Serve the web console at / (on, off)' }),
  mediaMaxBytes: PosInt('Largest picture the media store accepts (uploads and drone images), bytes', 10 * 1024 * 1024),
  uploadExpiryMs: Duration('An unfinished resumable upload expires this long after its last byte; its temp file is removed', 24 * 3_600_000),
  cameraHosts: Type.Optional(Type.String({ minLength: 1, description: 'Extra hosts drone camera images may be fetched from, comma-separated (always allowed: the vehicle\'s own MAVLink host)' })),
  cameraFetchTimeoutMs: Duration('Longest a drone camera image fetch may take', 15_000),
  smsGatewayUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'Response: SMS/phone gateway that texts units (POST JSON {to, text}); unset = texts are logged and recorded, not sent' })),
  smsGatewayToken: Type.Optional(Type.String({ minLength: 1, description: 'Response: bearer token for the SMS gateway' })),
  lang: Type.Union([Type.Literal('en'), Type.Literal('zh-CN')], { default: 'en', description: 'Language of alert messages when the reader names none (webhooks; API and stream requests without Accept-Language): en, zh-CN' }),
  basemapUrl: Type.Optional(Type.String({ minLength: 1, description: 'Console: raster tile URL template ({z}/{x}/{y}) drawn under the city map; WGS84 tiles only (Chinese commercial basemaps use GCJ-02). Default: none, the city GeoJSON alone' })),
});

export type Config = Readonly<Static<typeof ConfigSchema>>;

/** Environment variable → config key. */
export const ENV_MAP: Record<string, keyof Static<typeof ConfigSchema>> = {
  CITYBRAIN_HTTP_HOST: 'httpHost',
  CITYBRAIN_HTTP_PORT: 'httpPort',
  CITYBRAIN_MQTT_HOST: 'mqttHost',
  CITYBRAIN_MQTT_PORT: 'mqttPort',
  CITYBRAIN_MQTT_WS_PORT: 'mqttWsPort',
  CITYBRAIN_MQTT_WS: 'mqttWs',
  CITYBRAIN_DATA_DIR: 'dataDir',
  CITYBRAIN_ADMIN_TOKEN: 'adminToken',
  CITYBRAIN_ADMIN_PASSWORD: 'adminPassword',
  CITYBRAIN_SESSION_IDLE_MINUTES: 'sessionIdleMinutes',
  CITYBRAIN_SESSION_MAX_HOURS: 'sessionMaxHours',
  DATABASE_URL: 'databaseUrl',
  INFLUX_URL: 'influxUrl',
  INFLUX_DB: 'influxDb',
  INFLUX_USERNAME: 'influxUsername',
  INFLUX_PASSWORD: 'influxPassword',
  REDIS_URL: 'redisUrl',
  CITYBRAIN_MQTT_CLUSTER: 'mqttCluster',
  CITYBRAIN_MQTT_CLUSTER_PREFIX: 'mqttClusterPrefix',
  CITYBRAIN_MQTT_CLUSTER_LEASE_MS: 'mqttClusterLeaseMs',
  CITYBRAIN_CREDENTIAL_KEY: 'credentialKey',
  CITYBRAIN_LOG_LEVEL: 'logLevel',
  CITYBRAIN_CITY_FILE: 'cityFile',
  CITYBRAIN_MQTT_MAX_CONNECTIONS: 'mqttMaxConnections',
  CITYBRAIN_MQTT_MAX_FRAME_BYTES: 'mqttMaxFrameBytes',
  CITYBRAIN_MQTT_CONNECT_TIMEOUT_MS: 'mqttConnectTimeoutMs',
  CITYBRAIN_MQTT_PROXY_PROTOCOL: 'mqttProxyProtocol',
  CITYBRAIN_MQTT_PROXY_TRUSTED: 'mqttProxyTrusted',
  CITYBRAIN_INGEST_MAX_INFLIGHT: 'ingestMaxInflight',
  CITYBRAIN_INGEST_MAX_INFLIGHT_PER_CLIENT: 'ingestMaxInflightPerClient',
  CITYBRAIN_INGEST_WORKERS: 'ingestWorkers',
  CITYBRAIN_TELEMETRY_BATCH_SIZE: 'telemetryBatchSize',
  CITYBRAIN_TELEMETRY_FLUSH_MS: 'telemetryFlushMs',
  CITYBRAIN_TELEMETRY_BUFFER_MAX: 'telemetryBufferMax',
  CITYBRAIN_TELEMETRY_SPILL_MAX_BYTES: 'telemetrySpillMaxBytes',
  CITYBRAIN_AUTO_DISPATCH: 'autoDispatch',
  CITYBRAIN_TLS_CERT: 'tlsCert',
  CITYBRAIN_TLS_KEY: 'tlsKey',
  CITYBRAIN_TLS_CA: 'tlsCa',
  CITYBRAIN_TLS_CRL: 'tlsCrl',
  CITYBRAIN_TLS_CLIENT_CERTS: 'tlsClientCerts',
  CITYBRAIN_TLS_REQUIRED: 'tlsRequired',
  CITYBRAIN_MQTTS_PORT: 'mqttTlsPort',
  CITYBRAIN_MQTT_MAX_PENDING: 'mqttMaxPending',
  CITYBRAIN_MQTT_MAX_PENDING_PER_ADDRESS: 'mqttMaxPendingPerAddress',
  CITYBRAIN_MQTT_MAX_CONNECTING: 'mqttMaxConnecting',
  CITYBRAIN_MQTT_AUTH_FAILURES_PER_ADDRESS: 'mqttAuthFailuresPerAddress',
  CITYBRAIN_MQTT_AUTH_FAILURES_PER_USERNAME: 'mqttAuthFailuresPerUsername',
  CITYBRAIN_MQTT_BAN_MS: 'mqttBanMs',
  CITYBRAIN_METRICS: 'metricsAccess',
  CITYBRAIN_DOCS: 'docsAccess',
  CITYBRAIN_DEMO: 'demo',
  CITYBRAIN_DEMO_SPEEDUP: 'demoSpeedup',
  CITYBRAIN_DEMO_DOCKS: 'demoDocksPerDistrict',
  CITYBRAIN_OPCUA_TRUST_ON_FIRST_USE: 'opcuaTrustOnFirstUse',
  CITYBRAIN_CONSOLE: 'console',
  CITYBRAIN_BASEMAP_URL: 'basemapUrl',
  CITYBRAIN_LANG: 'lang',
  CITYBRAIN_MEDIA_MAX_BYTES: 'mediaMaxBytes',
  CITYBRAIN_UPLOAD_EXPIRY: 'uploadExpiryMs',
  CITYBRAIN_CAMERA_HOSTS: 'cameraHosts',
  CITYBRAIN_CAMERA_FETCH_TIMEOUT: 'cameraFetchTimeoutMs',
  CITYBRAIN_SMS_GATEWAY_URL: 'smsGatewayUrl',
  CITYBRAIN_SMS_GATEWAY_TOKEN: 'smsGatewayToken',
};

const KEY_TO_ENV = Object.fromEntries(Object.entries(ENV_MAP).map(([env, key]) => [key, env])) as Record<string, string>;

/** Settings whose values never appear in messages or output. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['adminToken', 'influxPassword', 'credentialKey', 'smsGatewayToken']);

type SettingSchema = TSchema & { type?: string; minimum?: number; maximum?: number; minLength?: number; anyOf?: { const?: unknown }[]; 'x-duration'?: boolean };

function coerce(schema: SettingSchema, raw: string): unknown {
  if (schema['x-duration']) return parseDuration(raw, { bareMs: true }) ?? raw;
  const t = schema.type;
  if (t === 'integer' || t === 'number') {
    const n = Number(raw);
    return raw.trim() === '' || Number.isNaN(n) ? raw : n;
  }
  if (t === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return raw;
  }
  return raw;
}

function range(s: SettingSchema, show: (n: number) => string = String): string {
  if (s.minimum !== undefined && s.maximum !== undefined) return ` from ${show(s.minimum)} to ${show(s.maximum)}`;
  if (s.minimum !== undefined) return ` of at least ${show(s.minimum)}`;
  return '';
}

/** What a setting accepts, in words: "one of off, red, orange", "an integer from 0 to 65535", … */
export function allowedValues(schema: TSchema): string {
  const s = schema as SettingSchema;
  if (s['x-duration']) return `${DURATION_SYNTAX}${range(s, formatDuration)} (a bare number is milliseconds)`;
  if (s.anyOf) return `one of ${s.anyOf.map((a) => String(a.const)).join(', ')}`;
  switch (s.type ?? '') {
    case 'integer':
      return `an integer${range(s)}`;
    case 'number':
      return `a number${range(s)}`;
    case 'boolean':
      return 'on or off (also true/false, yes/no, 1/0)';
    default:
      return s.minLength !== undefined && s.minLength > 1 ? `at least ${s.minLength} characters` : 'not empty';
  }
}

/** `NAME="value"` for a message; secrets are never echoed. */
function named(key: string, value: unknown, env: Record<string, string | undefined>): string {
  const name = KEY_TO_ENV[key] ?? key;
  if (SECRET_KEYS.has(key)) return `${name} (value hidden)`;
  const raw = env[name];
  return `${name}=${JSON.stringify(raw !== undefined && raw !== '' ? redactUrl(raw) : value)}`;
}

function urlProblems(values: Record<string, unknown>, env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(ConfigSchema.properties as Record<string, TSchema>)) {
    const protocols = (schema as { 'x-protocols'?: string[] })['x-protocols'];
    const v = values[key];
    if (!protocols || typeof v !== 'string') continue;
    let protocol: string | undefined;
    try {
      protocol = new URL(v).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol === undefined || !protocols.includes(protocol)) {
      problems.push(`${named(key, redactUrl(v), env)}: must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
  }
  return problems;
}

/**
 * Reads configuration from an environment. Throws AppError(CONFIG_INVALID) listing **every**
 * problem (in `details.problems`), before anything listens.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Static<typeof ConfigSchema>> = {}): Config {
  const input: Record<string, unknown> = {};
  const props = ConfigSchema.properties as Record<string, TSchema>;
  for (const [envName, key] of Object.entries(ENV_MAP)) {
    const raw = env[envName];
    if (raw === undefined || raw === '') continue;
    input[key] = coerce(props[key]!, raw);
  }
  Object.assign(input, overrides);
  const withDefaults = Value.Default(ConfigSchema, input) as Record<string, unknown>;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(ConfigSchema, withDefaults)) {
    const key = e.path.replace(/^\//, '').split('/')[0]!;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(`${named(key, e.value, env)}: must be ${allowedValues(props[key] ?? e.schema)}`);
  }
  problems.push(...urlProblems(withDefaults, env));
  // Cross-field: the cluster shares its state through Redis (architecture.md, MQTT broker at scale).
  const key = withDefaults.credentialKey;
  if (key !== undefined && !/^[0-9a-fA-F]{64}$/.test(String(key))) problems.push('CITYBRAIN_CREDENTIAL_KEY: must be 64 hex characters (32 bytes; value hidden)');
  if (withDefaults.mqttCluster === true && key === undefined) {
    problems.push('CITYBRAIN_MQTT_CLUSTER: on needs CITYBRAIN_CREDENTIAL_KEY (the same on every node, or a device secret issued by one node fails on another)');
  }
  if (withDefaults.mqttCluster === true && (withDefaults.databaseUrl === undefined || withDefaults.influxUrl === undefined)) {
    problems.push('CITYBRAIN_MQTT_CLUSTER: on needs DATABASE_URL and INFLUX_URL (the nodes must share the registry and the telemetry; embedded SQLite is per node)');
  }
  if (withDefaults.mqttCluster === true && withDefaults.redisUrl === undefined) {
    problems.push('CITYBRAIN_MQTT_CLUSTER: on needs REDIS_URL (the nodes share state through Redis)');
  }
  problems.push(...transportProblems(withDefaults));
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', {
      message: `Configuration is invalid:\n  - ${problems.join('\n  - ')}`,
      details: { problems },
    });
  }
  return Object.freeze(withDefaults) as Config;
}

/** TLS settings that only make sense together, and files that must be readable before anything listens. */
function transportProblems(c: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const props = ConfigSchema.properties as Record<string, TSchema>;
  for (const [key, schema] of Object.entries(props)) {
    const path = c[key];
    if ((schema as { 'x-file'?: boolean })['x-file'] !== true || typeof path !== 'string') continue;
    try {
      accessSync(path, constants.R_OK);
    } catch {
      problems.push(`${KEY_TO_ENV[key]}: cannot read ${path}`);
    }
  }
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) problems.push('CITYBRAIN_TLS_CERT and CITYBRAIN_TLS_KEY: set both or neither');
  if (c.tlsRequired === true && c.tlsCert === undefined) problems.push('CITYBRAIN_TLS_REQUIRED: on needs CITYBRAIN_TLS_CERT and CITYBRAIN_TLS_KEY');
  if (c.tlsCa !== undefined && c.tlsCert === undefined) problems.push('CITYBRAIN_TLS_CA: device certificates need CITYBRAIN_TLS_CERT and CITYBRAIN_TLS_KEY (the server side of TLS)');
  if (c.tlsCrl !== undefined && c.tlsCa === undefined) problems.push('CITYBRAIN_TLS_CRL: needs CITYBRAIN_TLS_CA (the CA whose certificates it revokes)');
  return problems;
}

/** A URL with its password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
  }
}

/** Text for `--help`: every setting, its variable, what it accepts, default and description. */
export function describeConfig(): string {
  const props = ConfigSchema.properties as Record<string, SettingSchema & { description?: string; default?: unknown }>;
  return Object.entries(ENV_MAP)
    .map(([env, key]) => {
      const s = props[key]!;
      const def = s.default === undefined ? '' : `; default ${s['x-duration'] ? formatDuration(s.default as number) : JSON.stringify(s.default)}`;
      const accepts = s.type === 'string' && !s.anyOf ? '' : `${allowedValues(s)}`;
      const tail = accepts || def ? ` (${accepts}${accepts ? def : def.slice(2)})` : '';
      return `  ${env.padEnd(40)} ${s.description ?? ''}${tail}`;
    })
    .join('\n');
}
