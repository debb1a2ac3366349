import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import type { OpcuaSourceStore } from './source-store.js';
import { normalizeSource } from './source.js';

export interface SourceStoreHarness {
  store: OpcuaSourceStore;
  close(): Promise<void>;
}

/** Past 2^32: BIGINT columns must come back as exact numbers. */
const T0 = 1_760_000_000_123;

const sample = (id: string) =>
  normalizeSource(
    {
      deviceId: 'heat-1',
      endpoint: 'opc.tcp://127.0.0.1:4840/UA/HeatStation',
      securityMode: 'SignAndEncrypt',
      username: 'op',
      password: 's3cret',
      mapping: [{ nodeId: 'ns=1;s=HeatStation.SupplyTemp', metric: 'supply_temp_c' }, { nodeId: 'ns=1;s=HeatStation.ReturnTemp', metric: 'return_temp_c' }],
      enabled: false,
    },
    id,
    T0,
    T0,
  );

/** The OPC UA source store's conformance suite, run against SQLite and PostgreSQL. */
export function describeOpcuaSourceStore(name: string, make: () => Promise<SourceStoreHarness>): void {
  describe(`OpcuaSourceStore: ${name}`, () => {
    let h: SourceStoreHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    it('round-trips every field, lists by id and deletes', async () => {
      await h.store.insert(sample('b'));
      await h.store.insert(sample('a'));
      expect(await h.store.get('b')).toEqual(sample('b'));
      expect((await h.store.list()).map((s) => s.id)).toEqual(['a', 'b']);
      expect(await h.store.delete('a')).toBe(true);
      expect(await h.store.delete('a')).toBe(false);
      expect(await h.store.get('a')).toBeUndefined();
    });

    it('refuses a duplicate id and an update of a missing source with their codes', async () => {
      await h.store.insert(sample('a'));
      const dup = await h.store.insert(sample('a')).catch((e: unknown) => e);
      expect(isAppError(dup) && dup.code).toBe('OPCUA_SOURCE_EXISTS');
      const missing = await h.store.update(sample('zz')).catch((e: unknown) => e);
      expect(isAppError(missing) && missing.code).toBe('OPCUA_SOURCE_NOT_FOUND');
    });

    it('updates in place, keeping the creation time', async () => {
      await h.store.insert(sample('a'));
      const changed = { ...sample('a'), createdAt: 1, updatedAt: T0 + 5, enabled: true, samplingMs: 250, password: null };
      await h.store.update(changed);
      expect(await h.store.get('a')).toEqual({ ...changed, createdAt: T0 });
    });
  });
}
