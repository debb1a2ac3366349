/**
 * The composition root: reads config, builds adapters (embedded or real engines), wires the modules
 * and starts the listeners. The only place that imports both modules and adapters.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createBroker, type Broker, type MqttEndpoints } from '../broker/index.js';
import {
  DeviceRegistry,
  loadDistricts,
  loadOrCreateCredentialKey,
  QINGDAO_DISTRICTS_FILE,
  registryMigrations,
} from '../device-registry/index.js';
import {
  createInfluxTelemetryStore,
  createSqlTelemetryStore,
  TelemetryWriter,
  withWriteThreads,
  type StoreSpec,
  type TelemetryStore,
} from '../device-registry/telemetry/index.js';
import { createHttpServer } from '../http/index.js';
import { EventBus } from '../kernel/bus.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import { redactUrl, type Config } from '../kernel/config.js';
import { createDatabase, migrate, type Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import { startAlerts, type AlertsWiring } from './alerts.js';
import { startAlertPoints } from './alerts-influx.js';
import { contractsPort, devicesPort, districtsGeoJson, readingsPort } from './http-adapters.js';
import { startNotifications, type Notifications } from './notifications.js';
import { startDroneOps, type DroneOps, type DroneOpsOptions } from './drone-ops.js';
import { wireDroneAlarms } from './drone-alarms.js';
import { droneHistory, recordDroneTelemetry } from './drone-telemetry.js';
import { startDemo, type DemoDock, type DemoVehicleFactory } from './demo.js';
import { startOpcua } from './opcua.js';
import { consoleOptions, withConsole } from './console.js';
import { loadOrCreateSecretFile } from '../kernel/secrets.js';
import { probeRedis } from './startup-checks.js';
import { ruleEvaluationTimer, wireObservability } from './observability.js';
import { startAccess, type AccessWiring } from './access.js';
import { startMedia, type MediaWiring } from './media.js';
import { wireDroneEvidence } from './drone-evidence.js';
import { wireTaskEvidence } from './task-evidence.js';
import { startResponse, type ResponseWiring } from './response.js';
import { healthChecker } from './health.js';
import { allInterfacesNote, attachHttps, dialHost, mqttBannerLines, plainTextWarnings, tlsFromConfig } from './transport.js';

export interface Platform {
  readonly http: { url: string; port: number };
  readonly mqtt: MqttEndpoints;
  readonly adminToken: string;
  readonly registry: DeviceRegistry;
  readonly store: TelemetryStore;
  readonly writer: TelemetryWriter;
  readonly broker: Broker;
  readonly bus: EventBus;
  readonly metrics: Registry;
  /** Alert service: rules engine on the bus, alerts/rules/silences storage, operator operations. */
  readonly alerts: AlertsWiring;
  /** SSE hub, webhook dispatcher, MQTT platform namespace (issue #3). */
  readonly notifications: Notifications;
  /** Airspace, docks, drones, missions, patrols (issue #4). */
  readonly droneOps: DroneOps;
  /** Demo docks (CITYBRAIN_DEMO=on), empty otherwise. */
  readonly demoDocks: readonly DemoDock[];
  /** People, sessions, personal tokens, audit (access/). */
  readonly access: AccessWiring;
  /** Evidence pictures: media store, resumable uploads (response/media). */
  readonly media: MediaWiring;
  /** Response units, plans, tasks (response/). */
  readonly response: ResponseWiring;
  /** Lines for the console: where it listens, which engines, where the admin token is. */
  banner(): string[];
  /** Re-reads the TLS certificate, key, CA and CRL (SIGHUP); false when they are unusable (the old ones stay) or TLS is off. */
  reloadTls(): boolean;
  /** Graceful: stop accepting, close sessions, flush the telemetry buffer, close stores. */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  log: Logger;
  clock?: Clock;
  /** Simulated vehicles for CITYBRAIN_DEMO=on (the CLI passes simulators' `startSimDocks`). */
  demoVehicles?: DemoVehicleFactory;
  /** MAVLink session options (tests shorten liveness times). */
  mavlink?: DroneOpsOptions['mavlink'];
  /** Delays before each retry of a unit notification (tests shorten them). */
  responseNotifyRetryMs?: number[];
}

/**
 * One node owns every MQTT session, so at start no device is connected: presence saved as online by a
 * previous run (a crash leaves it so) is corrected before the broker accepts anyone.
 */
async function markAllOffline(registry: DeviceRegistry, bus: EventBus, clock: Clock): Promise<void> {
  for (;;) {
    const stale = await registry.list({ online: true, limit: 1000 });
    if (stale.length === 0) return;
    const at = clock.now();
    for (const d of stale) bus.emit('presence', { deviceId: d.id, online: false, at, reason: 'restart' });
    await registry.flushPresence();
  }
}

export async function startPlatform(config: Config, opts: PlatformOptions): Promise<Platform> {
  const { log } = opts;
  const clock = opts.clock ?? systemClock;
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        log.error({ err }, 'error while stopping');
      }
    }
  };

  try {
    if (config.redisUrl) await probeRedis(config.redisUrl);
    const token = config.adminToken
      ? { value: config.adminToken, created: false, path: null as string | null }
      : await loadOrCreateSecretFile(dataDir, 'admin-token');
    // A cluster's nodes share one key (config); a single node generates its own into the data dir.
    const credentialKey = config.credentialKey ? Buffer.from(config.credentialKey, 'hex') : await loadOrCreateCredentialKey(dataDir);
    const bus = new EventBus((err, event) => log.error({ err, event }, 'event handler failed'));
    const metrics = new Registry();
    // Node's process metrics under their standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds…),
    // so the common Node.js dashboards work unchanged.
    collectDefaultMetrics({ register: metrics });
    // Before any store opens: an unusable certificate stops the start at once.
    const tls = tlsFromConfig(config, log, metrics);
    cleanups.push(async () => tls?.close());

    const database: Database = await createDatabase(
      config.databaseUrl ? { url: config.databaseUrl } : { sqliteFile: join(dataDir, 'citybrain.sqlite') },
    );
    cleanups.push(() => database.close());
    await migrate(database, registryMigrations);

    const districts = await loadDistricts(config.cityFile ?? QINGDAO_DISTRICTS_FILE);
    const registry = new DeviceRegistry({ database, bus, log, clock, credentialKey, districts, sharedPresence: config.mqttCluster });
    await registry.start();
    // One broker alone holds every session, so whatever the registry says is online is stale. In a cluster
    // another node may hold sessions right now: presence is written by the node that holds each one.
    if (!config.mqttCluster) await markAllOffline(registry, bus, clock);
    cleanups.push(() => registry.stop());

    const influx = config.influxUrl
      ? { url: config.influxUrl, db: config.influxDb, ...(config.influxUsername ? { username: config.influxUsername } : {}), ...(config.influxPassword ? { password: config.influxPassword } : {}) }
      : undefined;
    const spec: StoreSpec = influx ? { kind: 'influx', options: influx } : { kind: 'sqlite', file: join(dataDir, 'telemetry.sqlite') };
    const direct: TelemetryStore = spec.kind === 'influx' ? await createInfluxTelemetryStore(spec.options) : createSqlTelemetryStore({ file: spec.file });
    // One write thread by default, with InfluxDB and with SQLite: measured faster here (docs/benchmarks.md,
    // "Both cores"). SQLite has one writer at a time whatever the threads: more than one would only wait on its lock.
    const threads = spec.kind === 'sqlite' ? Math.min(1, config.ingestWorkers ?? 1) : (config.ingestWorkers ?? 1);
    const store = threads > 0 ? withWriteThreads(direct, spec, threads, log.child({ module: 'telemetry-threads' })) : direct;
    cleanups.push(() => store.close());
    const writer = new TelemetryWriter({
      store,
      log: log.child({ module: 'telemetry-writer' }),
      clock,
      batchSize: config.telemetryBatchSize,
      flushMs: config.telemetryFlushMs,
      // Group commit: a reading waits for the store only while it is busy (publish → alert latency).
      flushWhenIdle: true,
      bufferMax: config.telemetryBufferMax,
      spillDir: join(dataDir, 'spill'),
      spillMaxBytes: config.telemetrySpillMaxBytes,
      metrics,
    });
    cleanups.push(() => writer.close());
    // With InfluxDB, alert lifecycle events become points of the measurement `alerts` (Grafana annotations).
    const alertPoints = influx ? await startAlertPoints({ influx, dataDir, bus, log, spillMaxBytes: config.telemetrySpillMaxBytes, metrics }) : undefined;
    cleanups.push(async () => alertPoints?.close());

    // Drone-ops first: the alert service ranks its docks as resources and dispatches through it.
    const droneOps = await startDroneOps({ config, database, bus, clock, log, districts, metrics, credentialKey, history: (id, from, to) => droneHistory(store, id, from, to), ...(opts.mavlink ? { mavlink: opts.mavlink } : {}) });
    cleanups.push(() => droneOps.stop());
    const offDroneTelemetry = recordDroneTelemetry(bus, writer, (err) => log.warn({ err }, 'drone telemetry not written'));
    const demo = config.demo === 'on' ? await startDemo({ service: droneOps.service, districts, factory: opts.demoVehicles, timeScale: config.demoSpeedup, perDistrict: config.demoDocksPerDistrict }) : undefined;
    if (demo) cleanups.push(() => demo.close());
    // Subscribed to the bus before the broker listens, so no reading goes unevaluated.
    const alerts = await startAlerts({ database, bus, log, clock, registry, store, droneOps: droneOps.service, autoDispatch: config.autoDispatch, onEvaluated: ruleEvaluationTimer(metrics) });
    const offObservability = wireObservability(bus, metrics, log, { liveAlerts: () => alerts.service.liveAlerts() });
    cleanups.push(() => alerts.stop());
    const offDroneAlarms = wireDroneAlarms(droneOps.service.safety, alerts.service, log);
    const media = await startMedia({ config, database, dataDir, clock, log, metrics, timeline: (id, event, by, note, detail) => alerts.api.record(id, event, by, note, detail) });
    cleanups.push(async () => media.stop());

    const notifications = await startNotifications({ database, bus, clock, log, metrics, credentialKey, districtOf: (id) => registry.lookup(id)?.district ?? null, lang: config.lang });
    cleanups.push(() => notifications.stop());
    // OPC UA stations feed the same writer and bus as MQTT devices (issue #6 part 4).
    const opcua = await startOpcua({ database, bus, clock, log, devices: registry, sink: writer, dataDir, metrics, trustOnFirstUse: config.opcuaTrustOnFirstUse, credentialKey });
    cleanups.push(() => opcua.stop());
    const access = await startAccess({ database, clock, log, metrics, config });
    cleanups.push(async () => access.stop());
    const response = await startResponse({ database, bus, clock, log, metrics, credentialKey, districts, alerts, drones: true, config, demo: config.demo === 'on', media: media.store, ...(opts.responseNotifyRetryMs ? { notifyRetryMs: opts.responseNotifyRetryMs } : {}) });
    cleanups.push(() => response.stop());
    // Drone pictures go to the alert, its mission and the alert's tasks (app/task-evidence.ts).
    const taskEvidence = wireTaskEvidence({ bus, media: media.store, tasksOf: (alertId) => response.service.store.listTasks({ alertId, limit: 1000 }), log });
    const offEvidence = wireDroneEvidence({ bus, media: media.store, timeline: (id, event, by, note, detail) => alerts.api.record(id, event, by, note, detail), log, metrics, ...(config.cameraHosts ? { cameraHosts: config.cameraHosts } : {}), fetchTimeoutMs: config.cameraFetchTimeoutMs, maxBytes: config.mediaMaxBytes, onStored: (m) => taskEvidence.pictureStored(m) });
    cleanups.push(async () => {
      offEvidence();
      taskEvidence.stop();
    });
    // Uploads for a task are checked against the responder's own unit's tasks (response contract).
    media.http.tasks = { visible: async (id, v) => response.service.desk.visible(id, { ...(v.ownUnitOnly ? { unit: v.unit } : {}), districts: v.scope.districts }) };
    const broker = createBroker({ config, log, bus, clock, directory: registry, sink: writer, metrics, integrations: notifications.integrationDirectory, ...(tls ? { tls } : {}) });
    const mqtt = await broker.listen();
    cleanups.push(() => broker.close());
    notifications.attachBroker(broker);
    response.attachBroker(broker);

    const health = healthChecker({ database, store, writer, spillMaxBytes: config.telemetrySpillMaxBytes, broker, scheduler: () => droneOps.health(), ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) });
    const http = createHttpServer({
      log,
      adminToken: token.value,
      metrics,
      clock,
      health: () => health.check(),
      exposure: { metrics: config.metricsAccess, docs: config.docsAccess },
      lang: config.lang,
      ...(tls ? { tls } : {}),
      devices: devicesPort(registry, districts),
      commands: { send: (id, name, params, timeoutMs) => broker.sendCommand(id, name, params, { timeoutMs }) },
      readings: readingsPort(store, registry),
      districts: districtsGeoJson(districts),
      contracts: contractsPort(),
      ...notifications.http,
      droneOps: droneOps.http,
      ...alerts.http,
      opcua: opcua.http,
      access: access.http,
      media: media.http,
      response: response.http,
      ...withConsole(consoleOptions(config)),
    });
    attachHttps(tls, http.server);
    await http.listen({ host: config.httpHost, port: config.httpPort });
    cleanups.push(() => http.close());
    const addr = http.server.address();
    const httpPort = typeof addr === 'object' && addr ? addr.port : config.httpPort;
    const httpUrl = `${tls ? 'https' : 'http'}://${dialHost(config.httpHost)}:${httpPort}`;
    const warnings = plainTextWarnings(config, mqtt, tls !== undefined);
    if (warnings.length > 0) log.warn({ httpHost: config.httpHost, mqttHost: config.mqttHost }, 'listening without TLS on a network address');

    // Alerts raised while the broker closes are not published into it (aedes: "mqemitter is closed").
    const closeBroker = async (): Promise<void> => {
      notifications.detachBroker();
      await broker.close();
    };
    // Shutdown order: HTTP and MQTT stop first (no new work), then the writer flushes, then stores close.
    // Automatic dispatches under way finish before drone-ops closes.
    cleanups.splice(0, cleanups.length, () => database.close(), () => alerts.stop(), () => notifications.stop(), () => droneOps.stop(), async () => demo?.close(), () => alerts.autoDispatch.stop(), () => response.stop(), () => registry.stop(), () => store.close(), () => writer.close(), async () => alertPoints?.close(), () => opcua.stop(), async () => { offDroneAlarms(); offDroneTelemetry(); offObservability(); access.stop(); media.stop(); offEvidence(); taskEvidence.stop(); }, closeBroker, async () => tls?.close(), () => health.close(), () => http.close());

    return {
      http: { url: httpUrl, port: httpPort },
      mqtt,
      adminToken: token.value,
      registry,
      store,
      writer,
      broker,
      bus,
      metrics,
      notifications,
      droneOps,
      demoDocks: demo?.docks ?? [],
      access,
      alerts,
      media,
      response,
      banner() {
        const lines = [
          `citybrain listening`,
          ...warnings,
          `  HTTP API      ${httpUrl}${allInterfacesNote(config.httpHost)}   (${config.docsAccess === 'off' ? '' : `docs ${httpUrl}/docs, `}health ${httpUrl}/healthz, ready ${httpUrl}/readyz)`,
          ...(config.console === 'on' ? [`  web console   ${httpUrl}/   (sign in with the admin account below)`] : []),
          ...mqttBannerLines(config, mqtt, tls),
          `  relational    ${config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : `SQLite ${join(dataDir, 'citybrain.sqlite')}`}`,
          `  telemetry     ${config.influxUrl ? `InfluxDB ${redactUrl(config.influxUrl)} db=${config.influxDb}` : `SQLite ${join(dataDir, 'telemetry.sqlite')}`}${threads > 0 ? `, written by ${threads} worker thread${threads > 1 ? 's' : ''}` : ''}`,
        ];
        if (demo) {
          lines.push(`  demo docks    ${demo.docks.length} simulated MAVLink docks (×${config.demoSpeedup} time):`);
          for (const d of demo.docks) lines.push(`                ${d.dockId}  drone ${d.droneId}  district ${d.district}  ${d.address}`);
        }
        if (access.bootstrap.generatedPassword) lines.push(`  admin account admin / ${access.bootstrap.generatedPassword}   (generated now, shown once: sign in and change it)`);
        else if (access.bootstrap.created) lines.push('  admin account admin, password from CITYBRAIN_ADMIN_PASSWORD');
        if (config.adminToken) lines.push('  admin token   from CITYBRAIN_ADMIN_TOKEN');
        else if (token.created) lines.push(`  admin token   ${token.value}   (generated now, shown once; stored 0600 in ${token.path})`);
        else lines.push(`  admin token   in ${token.path}`);
        return lines;
      },
      reloadTls: () => tls?.reload() ?? false,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
