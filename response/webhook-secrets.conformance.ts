/** Unit webhook signing secrets at rest: the shared secrets-at-rest suite (kernel/db/sealed.conformance.ts) for the response resources. */
import { systemClock } from '../kernel/clock.js';
import type { Database } from '../kernel/db/index.js';
import type { SealedSecretCase } from '../kernel/db/sealed.conformance.js';
import type { SecretBox } from '../kernel/secrets.js';
import { Catalog } from './catalog.js';
import { responseMigrations } from './migrations.js';
import { KyselyResponseStore } from './store.kysely.js';
import { unit } from './testing.js';
import type { Resource } from './types.js';

const catalog = (db: Database, box: SecretBox) => new Catalog({ store: new KyselyResponseStore(db), clock: systemClock, sealer: box, districtAt: () => '370202' });
const hook = (id: string) => `http://127.0.0.1:9/tasks/${id}`;
const secretOf = (r: Resource): string => {
  const c = r.channels.find((x) => x.type === 'webhook');
  return c?.type === 'webhook' ? (c.secret ?? '') : '';
};

export const unitWebhookSecrets: SealedSecretCase = {
  what: 'unit webhook signing secrets',
  purpose: 'unit webhook signing secret',
  migrations: responseMigrations,
  secret: (i) => `whsec_unit-plain-signing-secret-${i}`,
  write: async (db, box, id, secret) => {
    const channels = [{ type: 'webhook' as const, url: hook(id), secret }, { type: 'mqtt' as const }];
    // With a box: the API's write path. Without: a row as an earlier version (or a hand edit) left it.
    if (box) await catalog(db, box).putResource({ id, kind: 'unit', name: `Unit ${id}`, type: 'gas_repair', location: { lon: 120.38, lat: 36.07 }, channels });
    else await new KyselyResponseStore(db).putResource(unit(id, { channels }));
  },
  read: async (db, box) => (await new KyselyResponseStore(db).listResources({ kind: 'unit' })).map((r) => box.open(secretOf(r))),
  raw: async (db) => (await new KyselyResponseStore(db).listResources({})).map(secretOf),
  sealLegacy: (db, box) => catalog(db, box).sealLegacySecrets(),
};
