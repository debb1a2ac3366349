import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../kernel/errors.js';
import type { Device } from './device.js';
import type { CredentialRecord, DeviceRepository } from './device-repository.js';

export interface RepositoryHarness {
  repo: DeviceRepository;
  close(): Promise<void>;
}

/** Epoch ms past 2^31 s·1000 and 2^32: BIGINT columns must come back as exact numbers. */
const T0 = 1_760_000_000_000;

export function sampleDevice(id: string, over: Partial<Device> = {}): Device {
  return {
    id,
    kind: 'gas',
    name: `Valve well ${id}`,
    location: { lon: 120.3845, lat: 36.0622 },
    district: '370202',
    asset: 'main-7',
    tags: ['pilot', 'north'],
    createdAt: T0,
    updatedAt: T0,
    revokedAt: null,
    online: false,
    lastSeenAt: null,
    fw: null,
    lastViolation: null,
    ...over,
  };
}

function cred(deviceId: string, hash: string, createdAt = T0, expiresAt: number | null = null): CredentialRecord {
  return { deviceId, hash, createdAt, expiresAt };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(err) ? err.code : err).toBe(code);
}

/** The DeviceRepository conformance suite (style.md): every adapter's test file calls it. */
export function describeDeviceRepository(name: string, make: () => Promise<RepositoryHarness>): void {
  describe(`DeviceRepository: ${name}`, () => {
    let h: RepositoryHarness;
    let repo: DeviceRepository;
    beforeEach(async () => {
      h = await make();
      repo = h.repo;
    });
    afterEach(async () => {
      await h.close();
    });

    it('stores a device with its credential and reads it back exactly', async () => {
      const d = sampleDevice('gas-1', { lastViolation: { code: 'OUT_OF_RANGE', message: 'x', topic: 't', at: T0 + 1, path: 'ch4_lel' } });
      await repo.insert(d, cred('gas-1', 'aa'));
      const got = await repo.get('gas-1');
      expect(got).toEqual(d);
      expect(typeof got?.createdAt).toBe('number');
      expect(await repo.credentials('gas-1')).toEqual([cred('gas-1', 'aa')]);
      expect(await repo.get('nope')).toBeUndefined();
    });

    it('refuses a duplicate id with DEVICE_EXISTS and keeps the original', async () => {
      await repo.insert(sampleDevice('dup'), cred('dup', 'aa'));
      await rejectsWith(repo.insert(sampleDevice('dup', { kind: 'water' }), cred('dup', 'bb')), 'DEVICE_EXISTS');
      expect((await repo.get('dup'))?.kind).toBe('gas');
      expect(await repo.credentials('dup')).toHaveLength(1);
    });

    it('inserts many across chunks, and all-or-nothing when one id is taken', async () => {
      const items = Array.from({ length: 1_203 }, (_, i) => {
        const id = `d-${String(i).padStart(5, '0')}`;
        return { device: sampleDevice(id), credential: cred(id, `h${i}`) };
      });
      await repo.insertMany(items);
      expect(await repo.count()).toBe(1_203);
      expect(await repo.existingIds(['d-00000', 'd-01202', 'zz'])).toEqual(new Set(['d-00000', 'd-01202']));
      await rejectsWith(
        repo.insertMany([{ device: sampleDevice('fresh'), credential: cred('fresh', 'f') }, items[5]!]),
        'DEVICE_EXISTS',
      );
      expect(await repo.get('fresh')).toBeUndefined();
    });

    it('lists by kind, district and online, ordered by id, with limit/offset and count', async () => {
      await repo.insertMany([
        { device: sampleDevice('c', { kind: 'water' }), credential: cred('c', '1') },
        { device: sampleDevice('a'), credential: cred('a', '2') },
        { device: sampleDevice('b', { district: null }), credential: cred('b', '3') },
        { device: sampleDevice('d', { district: '370203' }), credential: cred('d', '4') },
      ]);
      await repo.savePresence([{ id: 'd', online: true, lastSeenAt: T0 + 5, fw: '1.2', lastViolation: null }]);
      const ids = (ds: Device[]) => ds.map((x) => x.id);
      expect(ids(await repo.list())).toEqual(['a', 'b', 'c', 'd']);
      expect(ids(await repo.list({ kind: 'gas' }))).toEqual(['a', 'b', 'd']);
      expect(ids(await repo.list({ district: '370202' }))).toEqual(['a', 'c']);
      expect(ids(await repo.list({ online: true }))).toEqual(['d']);
      expect(ids(await repo.list({ online: false, kind: 'gas' }))).toEqual(['a', 'b']);
      expect(ids(await repo.list({ limit: 2, offset: 1 }))).toEqual(['b', 'c']);
      expect(ids(await repo.list({ offset: 3 }))).toEqual(['d']);
      expect(await repo.count({ kind: 'gas' })).toBe(3);
      expect(await repo.count({ kind: 'gas', limit: 1 })).toBe(3);
    });

    it('updates the given fields only and stamps updatedAt', async () => {
      await repo.insert(sampleDevice('u'), cred('u', 'x'));
      const got = await repo.update('u', { name: null, tags: ['t'], location: { lon: 120.1, lat: 36.2 }, district: null }, T0 + 99);
      expect(got).toEqual(sampleDevice('u', { name: null, tags: ['t'], location: { lon: 120.1, lat: 36.2 }, district: null, updatedAt: T0 + 99 }));
      expect(await repo.update('ghost', { name: 'n' }, T0)).toBeUndefined();
    });

    it('deletes a device with its credentials', async () => {
      await repo.insert(sampleDevice('x'), cred('x', 'h'));
      expect(await repo.delete('x')).toBe(true);
      expect(await repo.get('x')).toBeUndefined();
      expect(await repo.credentials('x')).toEqual([]);
      expect(await repo.delete('x')).toBe(false);
      await repo.insert(sampleDevice('x'), cred('x', 'h')); // the id is free again
    });

    it('rotates: caps older credentials (keeping earlier expiries) and reinstates a revoked device', async () => {
      await repo.insert(sampleDevice('r'), cred('r', 'old'));
      expect(await repo.revoke('r', T0 + 10)).toBe(true);
      expect((await repo.get('r'))?.revokedAt).toBe(T0 + 10);
      expect(await repo.credentials('r')).toEqual([cred('r', 'old', T0, T0 + 10)]);
      expect(await repo.rotate(cred('r', 'new', T0 + 20), T0 + 1_000)).toBe(true);
      const after = await repo.get('r');
      expect(after?.revokedAt).toBeNull();
      expect(after?.updatedAt).toBe(T0 + 20);
      expect(await repo.credentials('r')).toEqual([cred('r', 'new', T0 + 20), cred('r', 'old', T0, T0 + 10)]);
      expect(await repo.rotate(cred('r', 'newer', T0 + 30), T0 + 500)).toBe(true);
      expect((await repo.credentials('r')).map((c) => [c.hash, c.expiresAt])).toEqual([
        ['newer', null],
        ['new', T0 + 500],
        ['old', T0 + 10],
      ]);
      expect(await repo.rotate(cred('ghost', 'n'), T0)).toBe(false);
      expect(await repo.revoke('ghost', T0)).toBe(false);
    });

    it('persists presence in a batch and ignores unknown ids', async () => {
      await repo.insertMany([
        { device: sampleDevice('p1'), credential: cred('p1', '1') },
        { device: sampleDevice('p2'), credential: cred('p2', '2') },
      ]);
      const v = { code: 'MALFORMED_JSON', message: 'bad', topic: 'devices/p2/telemetry', at: T0 + 7 };
      await repo.savePresence([
        { id: 'p1', online: true, lastSeenAt: T0 + 3, fw: '2.0.1', lastViolation: null },
        { id: 'p2', online: false, lastSeenAt: T0 + 4, fw: null, lastViolation: v },
        { id: 'ghost', online: true, lastSeenAt: T0, fw: null, lastViolation: null },
      ]);
      expect(await repo.get('p1')).toMatchObject({ online: true, lastSeenAt: T0 + 3, fw: '2.0.1', lastViolation: null });
      expect(await repo.get('p2')).toMatchObject({ online: false, lastSeenAt: T0 + 4, lastViolation: v });
      expect(await repo.get('ghost')).toBeUndefined();
    });

    it('keeps a presence log: the change before the range, then the range in order; pruned by age, dropped with the device', async () => {
      await repo.insert(sampleDevice('pl'), cred('pl', '1'));
      const row = (at: number, online: boolean) => ({ deviceId: 'pl', at, online });
      await repo.appendPresenceLog([row(T0 + 10, true), row(T0 + 20, false), row(T0 + 30, true), { deviceId: 'other', at: T0 + 25, online: true }]);
      await repo.appendPresenceLog([row(T0 + 40, false)]);
      expect(await repo.presenceLog('pl', T0 + 15, T0 + 40)).toEqual([row(T0 + 10, true), row(T0 + 20, false), row(T0 + 30, true)]);
      expect(await repo.presenceLog('pl', T0, T0 + 100, 2)).toEqual([row(T0 + 10, true), row(T0 + 20, false)]);
      expect(await repo.prunePresenceLog(T0 + 20)).toBe(1);
      expect(await repo.presenceLog('pl', T0, T0 + 100)).toEqual([row(T0 + 20, false), row(T0 + 30, true), row(T0 + 40, false)]);
      await repo.delete('pl');
      expect(await repo.presenceLog('pl', T0, T0 + 100)).toEqual([]);
    });
  });
}
