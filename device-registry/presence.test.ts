import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reading } from '../kernel/events.js';
import { createDatabase } from '../kernel/db/index.js';
import type { DeviceRepository, PresenceUpdate } from './device-repository.js';
import { KyselyDeviceRepository } from './device-repository.kysely.js';
import { SHINAN, T0, openTestRegistry, type TestRegistry } from './testing.js';

/** Our own port wrapped to count presence writes (the store underneath is real SQLite). */
async function countingRepo(): Promise<{ repo: DeviceRepository; batches: PresenceUpdate[][]; database: Awaited<ReturnType<typeof createDatabase>> }> {
  const database = await createDatabase({ sqliteFile: ':memory:' });
  const inner = new KyselyDeviceRepository(database);
  const batches: PresenceUpdate[][] = [];
  const repo: DeviceRepository = Object.create(inner) as DeviceRepository;
  repo.savePresence = (u) => {
    batches.push([...u]);
    return inner.savePresence(u);
  };
  return { repo, batches, database };
}

function reading(deviceId: string, receivedAt: number): Reading {
  return { deviceId, kind: 'gas', ts: receivedAt, metrics: { ch4_lel: 1 }, district: null, asset: null, receivedAt };
}

describe('presence', () => {
  let t: TestRegistry;
  afterEach(async () => {
    await t.close();
  });

  it('tracks lastSeenAt from readings in memory and persists it in one batch, not per reading', async () => {
    const c = await countingRepo();
    t = await openTestRegistry({ database: c.database, repository: c.repo });
    await t.registry.create({ id: 's1', kind: 'gas', location: SHINAN });
    await t.registry.create({ id: 's2', kind: 'gas', location: SHINAN });
    for (let i = 1; i <= 1_000; i++) t.bus.emit('reading', reading(i % 2 ? 's1' : 's2', T0 + i));
    t.bus.emit('reading', reading('stranger', T0)); // unknown devices are ignored
    expect(c.batches).toHaveLength(0);
    // get() serves the in-memory value before any write
    expect((await t.registry.get('s1')).lastSeenAt).toBe(T0 + 999);
    expect((await t.repo.get('s1'))?.lastSeenAt).toBeNull();
    await t.registry.flushPresence();
    expect(c.batches).toHaveLength(1);
    expect(c.batches[0]?.map((u) => [u.id, u.lastSeenAt]).sort()).toEqual([
      ['s1', T0 + 999],
      ['s2', T0 + 1_000],
    ]);
    expect((await t.repo.get('s2'))?.lastSeenAt).toBe(T0 + 1_000);
    await t.registry.flushPresence(); // nothing changed: no write
    expect(c.batches).toHaveLength(1);
    // an older reading (out of order) does not move lastSeenAt back
    t.bus.emit('reading', reading('s1', T0 + 5));
    expect((await t.registry.get('s1')).lastSeenAt).toBe(T0 + 999);
  });

  it('follows presence and violation events; list({ online }) sees them', async () => {
    t = await openTestRegistry();
    await t.registry.create({ id: 'v1', kind: 'gas', location: SHINAN });
    await t.registry.create({ id: 'v2', kind: 'gas', location: SHINAN });
    t.bus.emit('presence', { deviceId: 'v1', online: true, at: T0 + 10, reason: 'connect', fw: '1.4.2' });
    t.bus.emit('violation', { deviceId: 'v1', code: 'OUT_OF_RANGE', message: 'ch4_lel 140 > 100', topic: 'devices/v1/telemetry', at: T0 + 11, path: 'ch4_lel' });
    expect(await t.registry.get('v1')).toMatchObject({
      online: true,
      fw: '1.4.2',
      lastSeenAt: T0 + 10,
      lastViolation: { code: 'OUT_OF_RANGE', path: 'ch4_lel', at: T0 + 11 },
    });
    expect((await t.registry.list({ online: true })).map((d) => d.id)).toEqual(['v1']);
    expect(await t.registry.count({ online: false })).toBe(1);
    t.bus.emit('presence', { deviceId: 'v1', online: false, at: T0 + 20, reason: 'will' });
    expect(await t.registry.get('v1')).toMatchObject({ online: false, fw: '1.4.2', lastSeenAt: T0 + 10 });
    expect(await t.registry.list({ online: true })).toEqual([]);
  });

  it('appends each online/offline change to the presence log once, even when pruning the log fails', async () => {
    const database = await createDatabase({ sqliteFile: ':memory:' });
    const inner = new KyselyDeviceRepository(database);
    const appended: number[] = [];
    const repo: DeviceRepository = Object.create(inner) as DeviceRepository;
    repo.appendPresenceLog = (rows) => {
      appended.push(...rows.map((r) => r.at));
      return inner.appendPresenceLog(rows);
    };
    repo.prunePresenceLog = () => Promise.reject(new Error('prune refused'));
    t = await openTestRegistry({ database, repository: repo });
    await t.registry.create({ id: 'pl', kind: 'gas', location: SHINAN });
    t.bus.emit('presence', { deviceId: 'pl', online: true, at: T0 + 10, reason: 'connect' });
    await t.registry.flushPresence();
    t.bus.emit('presence', { deviceId: 'pl', online: false, at: T0 + 20, reason: 'will' });
    await t.registry.flushPresence();
    await t.registry.flushPresence();
    expect(appended).toEqual([T0 + 10, T0 + 20]);
  });

  it('persists on a timer and on stop(), and a restart picks the values up', async () => {
    t = await openTestRegistry({ presenceFlushMs: 20 });
    await t.registry.create({ id: 'tm', kind: 'gas', location: SHINAN });
    t.bus.emit('reading', reading('tm', T0 + 42));
    await vi.waitFor(async () => expect((await t.repo.get('tm'))?.lastSeenAt).toBe(T0 + 42));
    t.bus.emit('presence', { deviceId: 'tm', online: true, at: T0 + 50, reason: 'connect', fw: '9' });
    await t.registry.stop();
    expect(await t.repo.get('tm')).toMatchObject({ online: true, fw: '9', lastSeenAt: T0 + 50 });
    // after stop the bus is no longer followed
    t.bus.emit('reading', reading('tm', T0 + 99));
    expect((await t.registry.get('tm')).lastSeenAt).toBe(T0 + 50);
    expect(t.bus.listenerCount('reading')).toBe(0);
  });

  it('keeps fw and lastViolation from the store when only a reading arrives after a restart', async () => {
    t = await openTestRegistry();
    await t.registry.create({ id: 'rs', kind: 'gas', location: SHINAN });
    t.bus.emit('presence', { deviceId: 'rs', online: true, at: T0 + 1, reason: 'status', fw: '2.0' });
    await t.registry.stop();
    const again = await openTestRegistry({ database: t.database });
    again.bus.emit('reading', reading('rs', T0 + 7));
    await again.registry.flushPresence();
    expect(await again.repo.get('rs')).toMatchObject({ fw: '2.0', lastSeenAt: T0 + 7, online: true });
    await again.registry.stop();
  });
});
