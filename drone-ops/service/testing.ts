/** Test harness: a DroneOpsService on SQLite (:memory:), the memory scheduler and the fake vehicle link. */
import { vi } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import type { MissionChange, MissionStatus } from '../../kernel/events.js';
import { systemClock } from '../../kernel/clock.js';
import { createDatabase, migrate } from '../../kernel/db/index.js';
import { silentLogger } from '../../kernel/logger.js';
import type { OperationArea } from '../airspace.js';
import { FakeDroneLink } from '../link/fake-link.js';
import { MemoryJobScheduler } from '../scheduler/scheduler.memory.js';
import type { JobScheduler } from '../scheduler/scheduler.js';
import { LocalIntentRegistry, type IntentRegistry } from '../store/intents.js';
import { droneOpsMigrations } from '../store/migrations.js';
import { KyselyDroneOpsStore } from '../store/store.kysely.js';
import { squareM } from '../testing/fixtures.js';
import { DroneOpsService, type DroneOpsServiceOptions } from './service.js';

/** A 20 km square operation area around the fixtures' origin (120.38 E, 36.1 N). */
export const TEST_AREA: OperationArea = { id: 'test-district', name: 'Test district', area: squareM(0, 0, 10_000) };

export interface Harness {
  service: DroneOpsService;
  store: KyselyDroneOpsStore;
  link: FakeDroneLink;
  bus: EventBus;
  scheduler: JobScheduler;
  intents: IntentRegistry;
  close(): Promise<void>;
}

export async function makeHarness(over: Partial<DroneOpsServiceOptions> & { url?: string; schema?: string } = {}): Promise<Harness> {
  const database = await createDatabase(over.url ? { url: over.url, ...(over.schema ? { schema: over.schema } : {}), poolMax: 4 } : { sqliteFile: ':memory:' });
  await migrate(database, droneOpsMigrations);
  const store = new KyselyDroneOpsStore(database);
  const link = new FakeDroneLink({ stepMs: 3 });
  const bus = new EventBus();
  const scheduler = over.scheduler ?? new MemoryJobScheduler();
  const intents = over.intents ?? new LocalIntentRegistry(store);
  const service = new DroneOpsService({
    store,
    intents,
    scheduler,
    link,
    bus,
    clock: systemClock,
    log: silentLogger(),
    operationAreas: [TEST_AREA],
    retryDelayMs: 30,
    launchAttempts: 5,
    ...over,
  });
  await service.init();
  await scheduler.start();
  return {
    service,
    store,
    link,
    bus,
    scheduler,
    intents,
    close: async () => {
      // Running launch handlers wait for their landing: let them finish before detaching from the link.
      await scheduler.close();
      service.close();
      link.close();
      await intents.close();
      if (over.schema) await database.db.schema.dropSchema(over.schema).cascade().execute();
      await database.close();
    },
  };
}

/** Every missionChanged event, recorded from the start, so a fast flight cannot be missed. */
export function recordChanges(bus: EventBus): MissionChange[] {
  const seen: MissionChange[] = [];
  bus.on('missionChanged', (e) => seen.push(e));
  return seen;
}

/** Waits (vi.waitFor, no sleeps) until mission `id` has reached status `to`. */
export async function waitStatus(seen: MissionChange[], id: string, to: MissionStatus, timeout = 5_000): Promise<void> {
  await vi.waitFor(() => {
    if (!seen.some((e) => e.missionId === id && e.to === to)) throw new Error(`mission ${id} has not reached ${to}: ${seen.filter((e) => e.missionId === id).map((e) => e.to).join(' → ')}`);
  }, { timeout, interval: 5 });
}
