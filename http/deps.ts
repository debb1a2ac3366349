/**
 * What the HTTP server needs from the rest of citybrain. The composition root adapts the modules
 * (device registry, telemetry store, contracts, airspace) to this interface, so `http/` imports no
 * module folder: only `kernel/` and these types (architecture.md "Modules").
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { Lang } from '../kernel/i18n.js';
import type { TlsSource } from '../kernel/tls.js';
import type { SeverityName, ViolationRecord } from '../kernel/events.js';
import type { DroneOpsPort } from './routes/drone-ops.port.js';
import type { OpcuaPort } from './routes/opcua.js';
import type { ConsoleOptions } from './routes/console.js';
import type { MediaPort } from './routes/media.port.js';
import type { ResponsePort } from './routes/response.port.js';

export type { ConsoleOptions };

export type { DroneOpsPort };
export type { OpcuaPort };
export type { MediaPort, MediaView, MediaUploadInput, UploadView, TaskFacts, TaskViewer } from './routes/media.port.js';
export type { ResponsePort };
export type { AccessPort, Principal } from './access-port.js';
import type { AccessPort } from './access-port.js';

/** `POST /api/v1/devices/{id}/commands/{name}` (http/routes/commands.ts). */
export interface CommandsPort {
  /**
   * Sends the command and resolves with the device's reply. Rejects with AppError DEVICE_OFFLINE,
   * CONTRACT_VIOLATION (params or reply break the contract) or MQTT_COMMAND_TIMEOUT.
   */
  send(deviceId: string, name: string, params: Record<string, unknown>, timeoutMs: number): Promise<{ ok: boolean; message?: string; data?: unknown }>;
}

export interface LonLat {
  lon: number;
  lat: number;
}

/** A device as the API shows it: registry fields plus presence. Never carries a secret or its hash. */
export interface DeviceView {
  id: string;
  kind: string;
  location: LonLat;
  name: string | null;
  asset: string | null;
  tags: string[];
  /** District id (administrative code) the location falls in, or null outside every district. */
  district: string | null;
  online: boolean;
  /** Epoch ms of the last message from the device, or null if never seen. */
  lastSeenAt: number | null;
  /** Firmware version from the last `devices/{id}/status`, or null. */
  fw: string | null;
  lastViolation: Omit<ViolationRecord, 'deviceId'> | null;
  /** Epoch ms when the credentials were revoked, or null. */
  revokedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeviceCredentials {
  username: string;
  password: string;
}

export interface DeviceCreateInput {
  id?: string;
  kind: string;
  location: LonLat;
  name?: string;
  asset?: string;
  tags?: string[];
}

/** Fields an operator may change; `null` clears an optional field. The kind never changes (contract). */
export interface DevicePatch {
  name?: string | null;
  asset?: string | null;
  location?: LonLat;
  tags?: string[];
}

export interface DeviceListQuery {
  kind?: string;
  district?: string;
  /** Any of these districts: the caller's district scope (http/scope.ts); empty matches nothing. */
  districts?: string[];
  online?: boolean;
  limit?: number;
  offset?: number;
}

/** Outcome of a bulk import: created devices with their one-time secrets, and per-row problems. */
export interface ImportReport {
  total: number;
  created: number;
  failed: number;
  devices: { id: string; credentials: DeviceCredentials }[];
  /** `index` is the 0-based feature index (GeoJSON) or the 1-based data line (CSV). */
  errors: { row: number; index: number; id?: string; code: string; message: string }[];
}

export type MetricValue = number | boolean;

export interface RawPoint {
  ts: number;
  value: MetricValue;
}

export interface AggregateBucket {
  ts: number;
  mean: number;
  min: number;
  max: number;
  count: number;
}

export interface HealthReport {
  ok: boolean;
  /** One entry per dependency; `required: false` means the platform keeps serving while it is down (readiness ignores it). */
  checks: Record<string, { ok: boolean; detail?: string; required?: boolean }>;
}

/** Who may read `/metrics` or `/docs`: anyone, a caller with a valid token, or nobody (route absent). */
export type RouteExposure = 'public' | 'token' | 'off';

/** Minimal GeoJSON (RFC 7946) shapes; http/ does not depend on a geometry library. */
export interface Feature {
  type: 'Feature';
  geometry: unknown;
  properties: Record<string, unknown> | null;
  id?: string | number;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

/** One firmware contract as integrators see it (kind, version, metrics...); extra fields pass through. */
export interface ContractSummary {
  kind: string;
  version: string | number;
  [key: string]: unknown;
}

export interface DevicesPort {
  /** Provisions a device; the secret is returned once. Throws AppError DEVICE_EXISTS, UNKNOWN_KIND, LOCATION_INVALID. */
  create(input: DeviceCreateInput): Promise<{ device: DeviceView; credentials: DeviceCredentials }>;
  /** Throws AppError DEVICE_NOT_FOUND. */
  get(id: string): Promise<DeviceView>;
  /** Filtered page of devices and the total matching the filters. */
  list(q: DeviceListQuery): Promise<{ items: DeviceView[]; total: number }>;
  /** Throws AppError DEVICE_NOT_FOUND, LOCATION_INVALID. */
  update(id: string, patch: DevicePatch): Promise<DeviceView>;
  /** Throws AppError DEVICE_NOT_FOUND. */
  delete(id: string): Promise<void>;
  /** New secret; the old one stays valid for `overlapMs` (null when it stops at once). Throws DEVICE_NOT_FOUND. */
  rotateCredentials(
    id: string,
    overlapMs?: number,
  ): Promise<{ username: string; password: string; oldValidUntil: number | null }>;
  /** Revokes the credentials and disconnects the device. Throws DEVICE_NOT_FOUND. */
  revoke(id: string): Promise<void>;
  /** Bulk provisioning from a GeoJSON FeatureCollection or CSV text. Throws AppError IMPORT_INVALID when unreadable. */
  import(body: string, format: 'geojson' | 'csv'): Promise<ImportReport>;
  /** The district a location falls in (null outside every district): scope checks before a create or move. */
  districtAt(location: LonLat): string | null;
  /** Online/offline intervals over `[from, to)`, oldest first (the presence timeline). Throws DEVICE_NOT_FOUND. */
  presenceHistory(id: string, from: number, to: number): Promise<PresenceIntervalView[]>;
}

/** One stretch of a device's presence timeline. */
export interface PresenceIntervalView {
  online: boolean;
  startAt: number;
  endAt: number;
}

export interface ReadingsPort {
  /** Latest value of every metric of a device (may throw TELEMETRY_STORE_UNAVAILABLE). */
  latest(id: string): Promise<Record<string, RawPoint>>;
  /** Raw points per metric in [from, to), oldest first. */
  raw(q: { deviceId: string; metric?: string; from: number; to: number; limit?: number }): Promise<Record<string, RawPoint[]>>;
  /** Raw points of many devices over one range in one store query: device id → metric → points, oldest first. */
  rawMany(q: { deviceIds: readonly string[]; metric?: string; from: number; to: number; limit?: number }): Promise<Record<string, Record<string, RawPoint[]>>>;
  /** Buckets aligned to multiples of `everyMs`; empty buckets omitted. */
  aggregate(q: { deviceId: string; metric: string; from: number; to: number; everyMs: number }): Promise<AggregateBucket[]>;
}

export interface ContractsPort {
  /** Every firmware contract the platform accepts. */
  list(): ContractSummary[];
  /** JSON Schemas keyed by name (e.g. `gas.telemetry.v1`), for one kind or all. Throws UNKNOWN_KIND. */
  schemas(kind?: string): Record<string, object>;
}

// ---- notifications (issue #3 "Integrations"); optional so the server runs without them ----

/** One SSE client's output as the stream port sees it (the route adapts the HTTP response). */
export interface StreamSink {
  write(chunk: string): void;
  /** Bytes written but not yet taken by the socket. */
  buffered(): number;
  close(): void;
}

export interface StreamFilterInput {
  types?: ('alert' | 'presence' | 'violation' | 'mission' | 'drone' | 'task')[];
  districts?: string[];
  minSeverity?: SeverityName;
  /** Language of alert messages. */
  lang?: Lang;
  /** A responder's stream: their unit's tasks and the alerts of those tasks only. */
  unit?: { id: string; alertIds: string[] };
}

export interface StreamPort {
  /** Opens one client's event stream, replaying after `lastEventId` when it can; returns the closer. */
  open(filter: StreamFilterInput, lastEventId: string | undefined, sink: StreamSink): () => void;
}

export interface WebhookFilter {
  minSeverity?: SeverityName;
  districts?: string[];
  actions?: string[];
}

export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  filter: WebhookFilter;
  /** Deliveries per minute (token bucket refill); `burst` at once. */
  ratePerMinute: number;
  burst: number;
  createdAt: number;
}

export interface WebhookCreateInput {
  url: string;
  description?: string;
  filter?: WebhookFilter;
  ratePerMinute?: number;
  burst?: number;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  /** Times the receiver's rate limit delayed this delivery. */
  rateLimited: number;
  createdAt: number;
  updatedAt: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface WebhooksPort {
  /** Registers a receiver; its signing secret is returned once. */
  create(input: WebhookCreateInput): Promise<{ webhook: WebhookView; secret: string }>;
  list(): Promise<WebhookView[]>;
  /** Throws AppError WEBHOOK_NOT_FOUND. Pending deliveries are dropped with it. */
  delete(id: string): Promise<void>;
  /** Newest first. Throws AppError WEBHOOK_NOT_FOUND. */
  deliveries(id: string, q: { status?: DeliveryView['status']; limit?: number }): Promise<DeliveryView[]>;
}

export interface IntegrationView {
  /** MQTT username: `integration:<name>`. */
  username: string;
  name: string;
  /** Districts whose platform messages it receives; null = the whole city. */
  districts: string[] | null;
  createdAt: number;
}

export interface IntegrationsPort {
  /** Creates a read-only MQTT client; the password is returned once. Throws INTEGRATION_EXISTS. */
  create(name: string, districts?: string[] | null): Promise<{ integration: IntegrationView; credentials: DeviceCredentials }>;
  list(): Promise<IntegrationView[]>;
  /** Throws INTEGRATION_NOT_FOUND; live sessions of that client are closed. */
  delete(name: string): Promise<void>;
}

// ---- alerts, rules, silences, incidents (issue #3 parts 2–5); optional so the server runs without them ----

/** An alert as the API shows it: the rules-engine's stored alert (lifecycle, impact, resources); extra fields pass through. */
export interface AlertView {
  id: string;
  ruleId: string;
  subject: string;
  status: string;
  severity: string;
  [key: string]: unknown;
}

export interface AlertListQuery {
  status?: 'open' | 'acknowledged' | 'resolved' | 'closed';
  severity?: SeverityName;
  district?: string;
  /** Any of these districts: the caller's district scope (http/scope.ts); empty matches nothing. */
  districts?: string[];
  deviceId?: string;
  /** Alerts seen in [from, to), epoch ms. */
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export type AlertActionName = 'ack' | 'assign' | 'comment' | 'resolve' | 'close';

export interface AlertActionBody {
  by?: string;
  note?: string;
  text?: string;
  assignee?: string;
  unit?: string;
}

export interface AlertsPort {
  /** A filtered page, newest first, and the total matching. */
  list(q: AlertListQuery): Promise<{ items: AlertView[]; total: number }>;
  /** One alert with its audit trail and KPIs. Throws AppError ALERT_NOT_FOUND. */
  get(id: string): Promise<AlertView>;
  /** A person's lifecycle step. Throws AppError ALERT_NOT_FOUND, ALERT_TRANSITION_INVALID, VALIDATION_FAILED. */
  act(id: string, action: AlertActionName, body: AlertActionBody): Promise<AlertView>;
  /** Time to acknowledge / dispatch / resolve (n, median, p90) over alerts seen in [from, to). */
  kpis(q: { from?: number; to?: number; districts?: string[] }): Promise<Record<string, unknown>>;
  /**
   * Sends a drone (nearest available dock by flight time) and records the `dispatched` step. Throws
   * AppError ALERT_NOT_FOUND, ALERT_TRANSITION_INVALID, ALERT_NO_LOCATION, DOCK_UNAVAILABLE (each
   * dock's reasons), AIRSPACE_CONFLICT, DRONE_OPS_UNAVAILABLE. Absent = 501.
   */
  dispatch?(id: string, body: { by?: string; note?: string }): Promise<AlertDispatchView>;
}

/** `POST /alerts/{id}/dispatch`: the mission sent (drone-ops view), its dock and ETA, and the alert after the step. */
export interface AlertDispatchView {
  mission: Record<string, unknown>;
  dockId: string;
  etaS: number;
  alert: AlertView;
}

/** A rule as stored (rules-engine rule data plus `updatedAt`). */
export interface RuleView {
  id: string;
  version: number;
  [key: string]: unknown;
}

export interface RulesPort {
  list(): Promise<RuleView[]>;
  /** With `history` (every version). Throws AppError RULE_NOT_FOUND. */
  get(id: string): Promise<RuleView>;
  /** Throws AppError RULE_INVALID (details.errors: [{path, message}]), RULE_EXISTS. */
  create(input: unknown): Promise<RuleView>;
  /** Writes version n+1. Throws AppError RULE_NOT_FOUND, RULE_INVALID. */
  update(id: string, input: unknown): Promise<RuleView>;
  /** Throws AppError RULE_NOT_FOUND. */
  delete(id: string): Promise<void>;
  validate(input: unknown): { ok: boolean; errors?: { path: string; message: string }[] };
  /** Replays stored telemetry through that rule alone. Throws AppError RULE_NOT_FOUND, QUERY_INVALID. */
  backtest(id: string, from: number, to: number): Promise<Record<string, unknown>>;
}

export interface SilenceMatchers {
  deviceKind?: string;
  district?: string;
  asset?: string;
  deviceId?: string;
  ruleId?: string;
  ruleKind?: string;
}

export interface SilenceView {
  id: string;
  kind: 'silence' | 'maintenance';
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export interface SilenceCreateInput {
  kind?: 'silence' | 'maintenance';
  matchers: SilenceMatchers;
  startsAt?: number;
  endsAt: number;
  createdBy?: string;
  comment?: string;
}

export interface SilencesPort {
  list(): Promise<SilenceView[]>;
  /** Throws AppError VALIDATION_FAILED (empty window, no matcher). */
  create(input: SilenceCreateInput): Promise<SilenceView>;
  /** Throws AppError SILENCE_NOT_FOUND. */
  delete(id: string): Promise<void>;
}

export interface IncidentView {
  key: string;
  alertIds: string[];
  severity: string;
  responseLevel: string;
  firstAt: number;
  lastAt: number;
  devices: string[];
}

export interface IncidentsPort {
  /** Live (not closed) alerts grouped into incidents; with `districts`, only alerts in those. */
  list(districts?: string[]): Promise<IncidentView[]>;
}

export interface HttpDeps {
  log: Logger;
  /** Bearer token for everything under `/api` (except the public contract export). */
  adminToken: string;
  /** Registry `/metrics` exposes; the HTTP metrics are registered in it too. */
  metrics: Registry;
  clock: Clock;
  /** Every dependency's state; `/healthz` answers 503 when `ok` is false, `/readyz` when a required one is down. */
  health(): Promise<HealthReport>;
  /** `/metrics` and `/docs` (+ `/openapi.json`) exposure; both default to public. */
  exposure?: { metrics?: RouteExposure; docs?: RouteExposure };
  /** Language of alert messages for requests without Accept-Language (CITYBRAIN_LANG); default en. */
  lang?: Lang;
  /** HTTPS: certificate and key (reloaded in place through the same source). */
  tls?: TlsSource;
  devices: DevicesPort;
  readings: ReadingsPort;
  /** The city's districts (GeoJSON). */
  districts(): FeatureCollection;
  contracts: ContractsPort;
  /** `GET /api/v1/stream` (server-sent events); the route is absent without it. */
  stream?: StreamPort;
  /** `/api/v1/webhooks` receivers and their delivery log. */
  webhooks?: WebhooksPort;
  /** `/api/v1/opcua/sources`: OPC UA stations feeding device readings. */
  opcua?: OpcuaPort;
  /** `POST /api/v1/devices/{id}/commands/{name}`: commands to devices through the broker. */
  commands?: CommandsPort;
  /** `/api/v1/response/...`, `/api/v1/tasks`, `/api/v1/alerts/{id}/response` (the response module). */
  response?: ResponsePort;
  /** `/api/v1/integrations`: read-only MQTT clients of the platform namespace. */
  integrations?: IntegrationsPort;
  /** `/api/v1/alerts` (list, detail, lifecycle steps, KPIs). */
  alerts?: AlertsPort;
  /** `/api/v1/rules` (versioned rules, validate, backtest). */
  rules?: RulesPort;
  /** `/api/v1/silences`. */
  silences?: SilencesPort;
  /** `/api/v1/incidents`. */
  incidents?: IncidentsPort;
  /** `/api/v1/airspace`, docks, drone types, drones, missions, patrols (drone-ops); absent = no routes. */
  droneOps?: DroneOpsPort;
  /** People, sessions, personal tokens, audit (access/); absent = the bootstrap admin token only. */
  access?: AccessPort;
  /** `/api/v1/media` and `/api/v1/uploads` (response/media); absent = no routes. */
  media?: MediaPort;
  /** The web console's build and settings, served at `/`; absent = not served. */
  console?: ConsoleOptions;
}
