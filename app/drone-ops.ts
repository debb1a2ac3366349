/**
 * Wires drone-ops into the platform (issue #4): the store on the shared relational database, intents
 * and jobs on Redis when REDIS_URL is set (RedisIntentRegistry + BullMQ) or in process otherwise, the
 * vehicle link, and the service with its HTTP port. Called once by app/platform.ts.
 */
import type { DistrictIndex } from '../device-registry/index.js';
import { operationAreasFromDistricts, type GeoArea } from '../drone-ops/index.js';
import { FakeDroneLink, parseLinkAddress, RoutingDroneLink, type DroneLink, type DroneLinkSpec } from '../drone-ops/link/index.js';
import { MavlinkDroneLink, MavlinkLink, type MavlinkLinkOptions } from '../drone-ops/mavlink/index.js';
import { BullMqJobScheduler, MemoryJobScheduler, type JobScheduler } from '../drone-ops/scheduler/index.js';
import { DroneOpsService } from '../drone-ops/service/index.js';
import { droneOpsMigrations, KyselyDroneOpsStore, LocalIntentRegistry, RedisIntentRegistry, type IntentRegistry } from '../drone-ops/store/index.js';
import type { DroneOpsPort } from '../http/routes/drone-ops.port.js';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { migrate, type Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import { SecretBox } from '../kernel/secrets.js';
import type { Registry } from 'prom-client';
import { droneOpsPort, type DroneHistory } from './drone-ops-http.js';
import { droneOpsMetrics } from './drone-ops-metrics.js';
import { mavlinkMetrics } from './mavlink-metrics.js';

export interface DroneOpsOptions {
  config: Pick<Config, 'redisUrl'>;
  database: Database;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  districts: DistrictIndex;
  /** The link of drones registered without a MAVLink address; default: the in-memory fake. */
  link?: DroneLink;
  /** Session options for MAVLink links (tests shorten the liveness times). */
  mavlink?: Partial<Omit<MavlinkLinkOptions, 'endpoint' | 'signing'>>;
  /** A drone's telemetry history for `GET /drones/{id}/telemetry` (app/drone-telemetry.ts). */
  history?: DroneHistory;
  /** Prometheus registry for the drone-ops counters (patrol firings, refusals, scheduler availability). */
  metrics?: Registry;
  /** How often the scheduler is compared with the store (patrol schedules, launch jobs, intents); default 60 s. */
  reconcileEveryMs?: number;
  /** The credential key: MAVLink signing keys are stored encrypted under a key derived from it. */
  credentialKey?: Buffer;
}

export interface DroneOps {
  readonly service: DroneOpsService;
  readonly scheduler: JobScheduler;
  /** Routes each drone to MAVLink (registered with an address) or to the fallback link. */
  readonly link: RoutingDroneLink;
  /** Per-drone MAVLink sessions (for status and tests). */
  readonly vehicles: ReadonlyMap<string, MavlinkLink>;
  readonly http: DroneOpsPort;
  /** The scheduler's availability, for /healthz (a lost or non-durable Redis is not ok). */
  health(): { ok: boolean; detail: string };
  stop(): Promise<void>;
}

export async function startDroneOps(opts: DroneOpsOptions): Promise<DroneOps> {
  const log = opts.log.child({ module: 'drone-ops' });
  await migrate(opts.database, droneOpsMigrations);
  const store = new KyselyDroneOpsStore(opts.database);
  const redisUrl = opts.config.redisUrl;
  const scheduler: JobScheduler = redisUrl ? new BullMqJobScheduler({ url: redisUrl, onError: (err) => log.debug({ err }, 'scheduler connection') }) : new MemoryJobScheduler({ clock: opts.clock });
  // Loud, once per change: a Redis lost or found not durable stops scheduling until it is back.
  scheduler.on('unavailable', (e) => log.error({ code: e.code, reason: e.reason }, 'job scheduler unavailable: scheduling stopped'));
  scheduler.on('available', () => log.warn('job scheduler available again: rebuilding schedules from the store'));
  const metrics = opts.metrics ? droneOpsMetrics(opts.metrics) : undefined;
  const intents: IntentRegistry = redisUrl ? new RedisIntentRegistry({ url: redisUrl }) : new LocalIntentRegistry(store);
  const fallback = opts.link ?? new FakeDroneLink({ stepMs: 200, clock: opts.clock });
  const link = new RoutingDroneLink(fallback);
  const mavlink = new MavlinkDroneLink(opts.clock);
  const vehicles = new Map<string, MavlinkLink>();
  const linkMetrics = mavlinkMetrics(opts.metrics, log, () => opts.clock.now());
  linkMetrics.watchPort(mavlink);
  // A drone with a MAVLink address flies through its own session (docs/mavlink.md); connecting runs in
  // the background so an absent autopilot never blocks the start (its missions fail with the reason).
  const attachLink = (droneId: string, spec: DroneLinkSpec): void => {
    void vehicles.get(droneId)?.close();
    const vl = new MavlinkLink({
      ...opts.mavlink,
      endpoint: parseLinkAddress(spec.address),
      autopilot: spec.autopilot, // the registered autopilot drives the link; a disagreeing HEARTBEAT is AUTOPILOT_MISMATCH
      ...(spec.signingKey === undefined ? {} : { signing: { key: Buffer.from(spec.signingKey, 'hex'), linkId: 1 } }),
    });
    vehicles.set(droneId, vl);
    linkMetrics.watch(droneId, vl);
    mavlink.add(droneId, vl);
    link.route(droneId, mavlink);
    // A link closed on purpose (replaced by a new address, or at shutdown) is no vehicle failing to answer.
    vl.connect().catch((err: unknown) => {
      if (vehicles.get(droneId) === vl) log.warn({ err, droneId, address: spec.address }, 'MAVLink vehicle not answering yet');
    });
  };
  const fc = opts.districts.toGeoJSON() as unknown as { features: { properties: { id: string; name_en?: string } | null; geometry: GeoArea }[] };
  const service = new DroneOpsService({
    store,
    intents,
    scheduler,
    link,
    bus: opts.bus,
    clock: opts.clock,
    log,
    operationAreas: operationAreasFromDistricts(fc),
    districtOf: (lon, lat) => opts.districts.locate(lon, lat)?.id ?? null,
    attachLink,
    ...(opts.credentialKey ? { secrets: new SecretBox(opts.credentialKey, 'mavlink signing key') } : {}),
    ...(metrics ? { patrolFired: metrics.patrolFired, reconciled: metrics.rebuilt } : {}),
  });
  const offMetrics = metrics?.watch(scheduler, opts.bus, redisUrl ? 'bullmq' : 'memory');
  try {
    await service.init();
    // Keys stored in clear by earlier versions are sealed once, here (docs/security.md "Secrets at rest").
    const sealed = await service.sealLegacySigningKeys();
    if (sealed > 0) log.info({ drones: sealed }, 'MAVLink signing keys encrypted at rest');
    for (const { droneId, spec } of await service.droneLinks()) attachLink(droneId, spec);
    await scheduler.start();
    await service.startReconciling(opts.reconcileEveryMs);
  } catch (err) {
    offMetrics?.();
    service.close();
    await scheduler.close();
    await intents.close();
    throw err;
  }
  return {
    service,
    scheduler,
    link,
    vehicles,
    http: droneOpsPort(service, opts.history),
    health: () => {
      const h = scheduler.health();
      return { ok: h.ok, detail: `${redisUrl ? 'BullMQ' : 'in-process'} scheduler ${h.state}${h.detail ? `: ${h.detail}` : ''}` };
    },
    stop: async () => {
      offMetrics?.();
      // close() waits (up to its timeout) for launch handlers, which end when their drone lands.
      await scheduler.close();
      service.close();
      // Link events and telemetry samples already under way finish while the database is still open.
      await service.settled();
      await intents.close();
      if (fallback instanceof FakeDroneLink) fallback.close();
      link.close();
      const open = [...vehicles.values()];
      vehicles.clear();
      await Promise.all(open.map((v) => v.close()));
    },
  };
}
