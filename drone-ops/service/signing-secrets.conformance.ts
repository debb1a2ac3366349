/** MAVLink signing keys at rest: the shared secrets-at-rest suite (kernel/db/sealed.conformance.ts) for the drone registry. */
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import type { Database } from '../../kernel/db/index.js';
import type { SealedSecretCase } from '../../kernel/db/sealed.conformance.js';
import { silentLogger } from '../../kernel/logger.js';
import type { SecretBox } from '../../kernel/secrets.js';
import { FakeDroneLink } from '../link/fake-link.js';
import { MemoryJobScheduler } from '../scheduler/scheduler.memory.js';
import { LocalIntentRegistry } from '../store/intents.js';
import { droneOpsMigrations } from '../store/migrations.js';
import { KyselyDroneOpsStore } from '../store/store.kysely.js';
import { DroneOpsService } from './service.js';
import { TEST_AREA } from './testing.js';

/** Runs `fn` with a service over `db` (the registry is part of it), closed afterwards. */
async function withService<T>(db: Database, box: SecretBox | undefined, fn: (s: DroneOpsService) => Promise<T>): Promise<T> {
  const store = new KyselyDroneOpsStore(db);
  const link = new FakeDroneLink({ stepMs: 3 });
  const service = new DroneOpsService({
    store, intents: new LocalIntentRegistry(store), scheduler: new MemoryJobScheduler(), link, bus: new EventBus(), clock: systemClock, log: silentLogger(),
    operationAreas: [TEST_AREA], ...(box ? { secrets: box } : {}),
  });
  try {
    await service.init();
    return await fn(service);
  } finally {
    service.close();
    link.close();
  }
}

const LINK = { address: 'udp://127.0.0.1:14550', autopilot: 'ardupilot' as const };

export const mavlinkSigningKeys: SealedSecretCase = {
  what: 'MAVLink signing keys',
  purpose: 'mavlink signing key',
  migrations: droneOpsMigrations,
  secret: (i) => i.toString(16).padStart(2, '0').repeat(32),
  write: (db, box, id, signingKey) =>
    withService(db, box, async (s) => {
      const dock = await s.registerDock({ id: `dock-${id}`, location: { lon: 120.38, lat: 36.1 } });
      const type = (await s.listDroneTypes())[0]!;
      await s.registerDrone({ id, typeId: type.id, dockId: dock.id, link: LINK.address, autopilot: LINK.autopilot, signingKey });
    }),
  read: (db, box) => withService(db, box, async (s) => (await s.droneLinks()).sort((a, b) => a.droneId.localeCompare(b.droneId)).map((l) => l.spec.signingKey ?? '')),
  raw: async (db) =>
    (await db.db.selectFrom('drone_settings').select(['key', 'value']).where('key', 'like', 'link:%').orderBy('key').execute()).map(
      (r) => (JSON.parse((r as { value: string }).value) as { signingKey: string }).signingKey,
    ),
  sealLegacy: (db, box) => withService(db, box, (s) => s.sealLegacySigningKeys()),
};
