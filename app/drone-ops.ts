/**
 * Wires drone-ops into the platform (issue #4): the store on the shared relational database, intents
 * and jobs on Redis when REDIS_URL is set (RedisIntentRegistry + BullMQ) or in process otherwise, the
 * vehicle link, and the service with its HTTP port. Called once by app/platform.ts.
 */
import type { DistrictIndex } from '../device-registry/index.js';
import { operationAreasFromDistricts, type GeoArea } from '../drone-ops/index.js';
import { FakeDroneLink, type DroneLink } from '../drone-ops/link/index.js';
import { BullMqJobScheduler, MemoryJobScheduler, type JobScheduler } from '../drone-ops/scheduler/index.js';
import { DroneOpsService } from '../drone-ops/service/index.js';
import { droneOpsMigrations, KyselyDroneOpsStore, LocalIntentRegistry, RedisIntentRegistry, type IntentRegistry } from '../drone-ops/store/index.js';
import type { DroneOpsPort } from '../http/routes/drone-ops.port.js';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { migrate, type Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import { droneOpsPort } from './drone-ops-http.js';

export interface DroneOpsOptions {
  config: Pick<Config, 'redisUrl'>;
  database: Database;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  districts: DistrictIndex;
  /** The vehicle link; default: the in-memory fake (simulated vehicles) until the MAVLink link is wired. */
  link?: DroneLink;
}

export interface DroneOps {
  readonly service: DroneOpsService;
  readonly scheduler: JobScheduler;
  readonly link: DroneLink;
  readonly http: DroneOpsPort;
  stop(): Promise<void>;
}

export async function startDroneOps(opts: DroneOpsOptions): Promise<DroneOps> {
  const log = opts.log.child({ module: 'drone-ops' });
  await migrate(opts.database, droneOpsMigrations);
  const store = new KyselyDroneOpsStore(opts.database);
  const redisUrl = opts.config.redisUrl;
  const scheduler: JobScheduler = redisUrl ? new BullMqJobScheduler({ url: redisUrl, onError: (err) => log.error({ err }, 'scheduler') }) : new MemoryJobScheduler({ clock: opts.clock });
  const intents: IntentRegistry = redisUrl ? new RedisIntentRegistry({ url: redisUrl }) : new LocalIntentRegistry(store);
  const link = opts.link ?? new FakeDroneLink({ stepMs: 200, clock: opts.clock });
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
  });
  try {
    await service.init();
    await scheduler.start();
  } catch (err) {
    service.close();
    await scheduler.close();
    await intents.close();
    throw err;
  }
  return {
    service,
    scheduler,
    link,
    http: droneOpsPort(service),
    stop: async () => {
      // close() waits (up to its timeout) for launch handlers, which end when their drone lands.
      await scheduler.close();
      service.close();
      await intents.close();
      if (link instanceof FakeDroneLink) link.close();
    },
  };
}
