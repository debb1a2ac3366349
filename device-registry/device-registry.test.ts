import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceDirectory } from '../broker/index.js';
import { isAppError } from '../kernel/errors.js';
import { DeviceRegistry } from './device-registry.js';
import { silentLogger } from '../kernel/logger.js';
import { loadDistricts } from './districts.js';
import { AT_SEA, SHINAN, T0, openTestRegistry, type TestRegistry } from './testing.js';

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (isAppError(e) ? e.code : e),
  );
}

describe('DeviceRegistry', () => {
  let t: TestRegistry;
  afterEach(async () => {
    await t.close();
  });

  it('creates a device with its district and a one-time secret, and caches it for lookup', async () => {
    t = await openTestRegistry();
    const { device, credentials } = await t.registry.create({ id: 'gas-shinan-1', kind: 'gas', location: SHINAN, name: 'Valve well', tags: ['a', 'a', 'b'] });
    expect(device).toMatchObject({ id: 'gas-shinan-1', kind: 'gas', district: '370202', name: 'Valve well', tags: ['a', 'b'], createdAt: T0, online: false });
    expect(credentials.username).toBe('gas-shinan-1');
    expect(credentials.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await t.registry.get('gas-shinan-1')).toEqual(device);
    expect(t.registry.lookup('gas-shinan-1')).toEqual({ id: 'gas-shinan-1', kind: 'gas', district: '370202', asset: null });
    // the secret is not stored, only its keyed hash
    const [cred] = await t.repo.credentials('gas-shinan-1');
    expect(cred?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cred?.hash).not.toContain(credentials.password);
  });

  it('announces every create, import, update and delete on the bus (deviceChanged) with the device facts', async () => {
    t = await openTestRegistry();
    const seen: string[] = [];
    t.bus.on('deviceChanged', (c) => seen.push(`${c.change}:${c.deviceId}:${c.device?.district ?? '-'}`));
    await t.registry.create({ id: 'g1', kind: 'gas', location: SHINAN });
    await t.registry.importDevices(`id,kind,lon,lat\ng2,gas,${SHINAN.lon},${SHINAN.lat}\nbad,nokind,1,1`, 'csv');
    await t.registry.update('g1', { location: AT_SEA });
    await t.registry.delete('g2');
    expect(seen).toEqual(['created:g1:370202', 'created:g2:370202', 'updated:g1:-', 'deleted:g2:-']);
  });

  it('generates an id when none is given, and a device at sea has no district', async () => {
    t = await openTestRegistry();
    const { device } = await t.registry.create({ kind: 'water', location: AT_SEA });
    expect(device.id).toMatch(/^water-[0-9a-f]{8}$/);
    expect(device.district).toBeNull();
  });

  it('refuses bad input with stable codes', async () => {
    t = await openTestRegistry();
    const r = t.registry;
    expect(await codeOf(r.create({ kind: 'toaster', location: SHINAN }))).toBe('UNKNOWN_KIND');
    expect(await codeOf(r.create({ kind: 'gas', location: { lon: 181, lat: 0 } }))).toBe('LOCATION_INVALID');
    expect(await codeOf(r.create({ kind: 'gas', location: { lon: '120', lat: 36 } }))).toBe('LOCATION_INVALID');
    expect(await codeOf(r.create({ kind: 'gas' }))).toBe('LOCATION_INVALID');
    expect(await codeOf(r.create({ id: 'bad/id', kind: 'gas', location: SHINAN }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(r.create({ id: 'x'.repeat(65), kind: 'gas', location: SHINAN }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(r.create({ kind: 'gas', location: SHINAN, tags: 'a' }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(r.create(null))).toBe('VALIDATION_FAILED');
    await r.create({ id: 'once', kind: 'gas', location: SHINAN });
    expect(await codeOf(r.create({ id: 'once', kind: 'heat', location: SHINAN }))).toBe('DEVICE_EXISTS');
    expect(await codeOf(r.get('nobody'))).toBe('DEVICE_NOT_FOUND');
    expect(await codeOf(r.update('nobody', { name: 'n' }))).toBe('DEVICE_NOT_FOUND');
    expect(await codeOf(r.delete('nobody'))).toBe('DEVICE_NOT_FOUND');
    expect(await codeOf(r.revoke('nobody'))).toBe('DEVICE_NOT_FOUND');
    expect(await codeOf(r.rotateCredentials('nobody'))).toBe('DEVICE_NOT_FOUND');
  });

  it('updates fields, re-derives the district on a move, and keeps lookup current', async () => {
    t = await openTestRegistry();
    await t.registry.create({ id: 'd1', kind: 'drainage', location: SHINAN });
    t.clock.advance(1_000);
    const moved = await t.registry.update('d1', { location: AT_SEA, asset: 'pipe-9', tags: ['x'] });
    expect(moved).toMatchObject({ district: null, asset: 'pipe-9', tags: ['x'], updatedAt: T0 + 1_000, location: AT_SEA });
    expect(t.registry.lookup('d1')).toEqual({ id: 'd1', kind: 'drainage', district: null, asset: 'pipe-9' });
    expect(await codeOf(t.registry.update('d1', { kind: 'gas' }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(t.registry.update('d1', { location: { lon: 0, lat: 91 } }))).toBe('LOCATION_INVALID');
  });

  it('deletes a device: gone from the store and the cache, and the broker is told to drop it', async () => {
    t = await openTestRegistry();
    await t.registry.create({ id: 'gone', kind: 'gas', location: SHINAN });
    const told = t.bus.once('deviceRevoked', (e) => e.deviceId === 'gone');
    await t.registry.delete('gone');
    await expect(told).resolves.toEqual({ deviceId: 'gone', at: T0 });
    expect(t.registry.lookup('gone')).toBeUndefined();
    expect(await codeOf(t.registry.get('gone'))).toBe('DEVICE_NOT_FOUND');
  });

  it('lists with filters and paging', async () => {
    t = await openTestRegistry();
    await t.registry.create({ id: 'a', kind: 'gas', location: SHINAN });
    await t.registry.create({ id: 'b', kind: 'water', location: SHINAN });
    await t.registry.create({ id: 'c', kind: 'gas', location: AT_SEA });
    const ids = async (f: Parameters<DeviceRegistry['list']>[0]) => (await t.registry.list(f)).map((d) => d.id);
    expect(await ids({})).toEqual(['a', 'b', 'c']);
    expect(await ids({ kind: 'gas' })).toEqual(['a', 'c']);
    expect(await ids({ district: '370202' })).toEqual(['a', 'b']);
    expect(await ids({ limit: 1, offset: 1 })).toEqual(['b']);
    expect(await t.registry.count({ kind: 'gas' })).toBe(2);
    expect(await codeOf(t.registry.list({ limit: -1 }))).toBe('VALIDATION_FAILED');
    expect(await codeOf(t.registry.list({ offset: 1.5 }))).toBe('VALIDATION_FAILED');
  });

  it('loads every live device into the lookup cache at start (a second node or a restart)', async () => {
    t = await openTestRegistry();
    await t.registry.create({ id: 'keep', kind: 'bridge', location: SHINAN, asset: 'bridge-1' });
    await t.registry.create({ id: 'rev', kind: 'gas', location: SHINAN });
    await t.registry.revoke('rev');
    const second = new DeviceRegistry({
      database: t.database,
      bus: t.bus,
      log: silentLogger(),
      clock: t.clock,
      credentialKey: t.key,
      districts: await loadDistricts(),
    });
    await second.start();
    expect(second.lookup('keep')).toEqual({ id: 'keep', kind: 'bridge', district: '370202', asset: 'bridge-1' });
    expect(second.lookup('rev')).toBeUndefined();
    await second.stop();
  });

  it('satisfies the broker DeviceDirectory port', async () => {
    t = await openTestRegistry();
    const dir: DeviceDirectory = t.registry;
    const { credentials } = await t.registry.create({ id: 'p', kind: 'elevator', location: SHINAN });
    expect(await dir.authenticate('p', credentials.password)).toEqual({ ok: true, device: dir.lookup('p') });
  });
});
