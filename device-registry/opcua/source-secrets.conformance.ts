/** OPC UA station passwords at rest: the shared secrets-at-rest suite (kernel/db/sealed.conformance.ts) for the source store. */
import type { SealedSecretCase } from '../../kernel/db/sealed.conformance.js';
import { normalizeSource } from './source.js';
import { KyselyOpcuaSourceStore, opcuaMigrations } from './source-store.js';

const T0 = 1_760_000_000_000;

export const opcuaPasswords: SealedSecretCase = {
  what: 'OPC UA station passwords',
  purpose: 'opc ua station password',
  migrations: opcuaMigrations,
  secret: (i) => `station-password-${i}`,
  write: (db, box, id, password) =>
    new KyselyOpcuaSourceStore(db, box).insert(
      normalizeSource({ deviceId: 'heat-1', endpoint: 'opc.tcp://127.0.0.1:4840/UA/HeatStation', username: 'op', password, mapping: [{ nodeId: 'ns=1;s=HeatStation.SupplyTemp', metric: 'supply_temp_c' }] }, id, T0, T0),
    ),
  read: async (db, box) => (await new KyselyOpcuaSourceStore(db, box).list()).map((s) => s.password ?? ''),
  raw: async (db) => (await db.db.selectFrom('opcua_sources').select(['id', 'password']).orderBy('id').execute()).map((r) => (r as { password: string }).password),
  sealLegacy: (db, box) => new KyselyOpcuaSourceStore(db, box).sealLegacyPasswords(),
};
