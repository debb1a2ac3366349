import { randomBytes } from 'node:crypto';
import { EventBus } from '../kernel/bus.js';
import { ManualClock } from '../kernel/clock.js';
import { createDatabase, type Database } from '../kernel/db/index.js';
import { silentLogger } from '../kernel/logger.js';
import { DeviceRegistry, type DeviceRegistryOptions } from './device-registry.js';
import type { DeviceRepository } from './device-repository.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import { loadDistricts } from './districts.js';

/** Shinan, near May Fourth Square: district 370202. */
export const SHINAN = { lon: 120.3845, lat: 36.0622 } as const;
/** Yellow Sea south of Shinan: no district. */
export const AT_SEA = { lon: 120.4, lat: 35.9 } as const;
export const T0 = 1_760_000_000_000;

export interface TestRegistry {
  registry: DeviceRegistry;
  database: Database;
  bus: EventBus;
  clock: ManualClock;
  repo: DeviceRepository;
  key: Buffer;
  close(): Promise<void>;
}

/** A started registry over an in-memory SQLite store (tests only). */
export async function openTestRegistry(over: Partial<DeviceRegistryOptions> = {}): Promise<TestRegistry> {
  const database = over.database ?? (await createDatabase({ sqliteFile: ':memory:' }));
  const bus = over.bus ?? new EventBus();
  const clock = new ManualClock(T0);
  const key = over.credentialKey ?? randomBytes(32);
  const repo = over.repository ?? new KyselyDeviceRepository(database);
  const registry = new DeviceRegistry({
    database,
    bus,
    log: silentLogger(),
    clock,
    credentialKey: key,
    districts: await loadDistricts(),
    repository: repo,
    presenceFlushMs: 60_000,
    ...over,
  });
  await registry.start();
  return {
    registry,
    database,
    bus,
    clock,
    repo,
    key,
    close: async () => {
      await registry.stop();
      await database.close();
    },
  };
}
