import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../kernel/clock.js';
import { migrate } from '../kernel/db/index.js';
import { AppError, isAppError } from '../kernel/errors.js';
import type { TestDatabase } from '../test/servers/databases.js';
import { responseMigrations } from './migrations.js';
import { IdempotentReplies } from './replies.js';
import type { ResponseStore } from './store.js';
import { KyselyResponseStore } from './store.kysely.js';
import { event, plan, T0, task, unit } from './testing.js';

export interface ResponseStoreHarness {
  store: ResponseStore;
  close(): Promise<void>;
}

/** The Kysely adapter over a fresh database (test/servers/databases.ts). */
export function kyselyResponseHarness(fresh: () => Promise<TestDatabase>): () => Promise<ResponseStoreHarness> {
  return async () => {
    const t = await fresh();
    await migrate(t.db, responseMigrations);
    return { store: new KyselyResponseStore(t.db), close: () => t.cleanup() };
  };
}

/** The ResponseStore conformance suite (style.md): every adapter's test file calls it. */
export function describeResponseStore(name: string, make: () => Promise<ResponseStoreHarness>): void {
  describe(`ResponseStore: ${name}`, () => {
    let h: ResponseStoreHarness;
    let store: ResponseStore;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    it('keeps resources: put replaces, filters by kind, type and districts, delete once', async () => {
      await store.putResource(unit('u2', { type: 'police', district: '370203' }));
      await store.putResource(unit('u1'));
      await store.putResource({ ...unit('d1', { kind: 'depot', type: null }), supplies: [{ name: 'sandbags', quantity: 500 }] });
      await store.putResource(unit('u1', { name: 'renamed', updatedAt: T0 + 1 }));
      expect(await store.getResource('u1')).toMatchObject({ name: 'renamed', updatedAt: T0 + 1, location: { lon: 120.38, lat: 36.07 } });
      expect((await store.listResources({})).map((r) => r.id)).toEqual(['d1', 'u1', 'u2']);
      expect((await store.listResources({ kind: 'unit' })).map((r) => r.id)).toEqual(['u1', 'u2']);
      expect((await store.listResources({ type: 'police' })).map((r) => r.id)).toEqual(['u2']);
      expect((await store.listResources({ districts: ['370203'] })).map((r) => r.id)).toEqual(['u2']);
      expect(await store.listResources({ districts: [] })).toEqual([]);
      expect((await store.getResource('d1'))?.supplies).toEqual([{ name: 'sandbags', quantity: 500 }]);
      expect(await store.deleteResource('u2')).toBe(true);
      expect(await store.deleteResource('u2')).toBe(false);
      expect(await store.getResource('u2')).toBeUndefined();
    });

    it('replaces a resource only while it is unchanged; lists those with a webhook channel', async () => {
      const first = unit('w1', { channels: [{ type: 'webhook', url: 'http://127.0.0.1:9/x', secret: 'clear' }] });
      await store.putResource(first);
      await store.putResource(unit('m1', { channels: [{ type: 'mqtt' }] }));
      const sealed = { ...first, channels: [{ type: 'webhook' as const, url: 'http://127.0.0.1:9/x', secret: 'v1.sealed' }] };
      expect(await store.replaceResource(sealed, first)).toBe(true);
      expect(await store.replaceResource({ ...first, name: 'stale' }, first)).toBe(false);
      expect(await store.getResource('w1')).toEqual(sealed);
      expect((await store.webhookResources()).map((r) => r.id)).toEqual(['w1']);
    });

    it("keeps a resource's Chinese names and a task's unit names in both languages; an older record reads without them", async () => {
      await store.putResource(unit('z1', { name: 'Shinan gas crew', name_zh: '市南区燃气抢修队', org: 'Gas company', org_zh: '燃气公司' }));
      await store.putResource(unit('z2'));
      expect(await store.getResource('z1')).toMatchObject({ name: 'Shinan gas crew', name_zh: '市南区燃气抢修队', org: 'Gas company', org_zh: '燃气公司' });
      expect((await store.listResources({ kind: 'unit' })).find((r) => r.id === 'z1')).toMatchObject({ name_zh: '市南区燃气抢修队', org_zh: '燃气公司' });
      expect(await store.getResource('z2')).not.toHaveProperty('name_zh');
      const renamed = unit('z1', { name: 'Shinan gas crew', name_zh: '市南区燃气抢修一队', updatedAt: T0 + 1 });
      expect(await store.replaceResource(renamed, (await store.getResource('z1'))!)).toBe(true);
      expect(await store.getResource('z1')).toEqual(renamed);
      const names = { en: 'Shinan gas crew', 'zh-CN': '市南区燃气抢修队' };
      await store.createTask(task('tz', { unitId: 'z1', unitName: 'Shinan gas crew', unitNames: names }), event('dispatched'));
      await store.createTask(task('told'), event('dispatched'));
      expect(await store.getTask('tz')).toMatchObject({ unitName: 'Shinan gas crew', unitNames: names });
      expect((await store.listTasks({ limit: 10, unitId: 'z1' }))[0]?.unitNames).toEqual(names);
      const accepted = { ...(await store.getTask('tz'))!, state: 'accepted' as const, updatedAt: T0 + 2 };
      expect(await store.updateTask(accepted, 'dispatched', event('accepted', T0 + 2))).toBe(true);
      expect((await store.getTask('tz'))?.unitNames).toEqual(names);
      expect(await store.getTask('told')).not.toHaveProperty('unitNames');
    });

    it('keeps every plan version; the latest is current; a version is written once', async () => {
      await store.addPlanVersion(plan('gas-I'));
      await store.addPlanVersion(plan('gas-I', { version: 2, acceptWithinMin: 3, updatedAt: T0 + 5 }));
      await store.addPlanVersion(plan('water-II', { kind: 'water', level: 'II' }));
      const dup = await store.addPlanVersion(plan('gas-I', { version: 2 })).catch((e: unknown) => e);
      expect(isAppError(dup) && dup.code).toBe('PLAN_VERSION_CONFLICT');
      expect(await store.getPlan('gas-I')).toMatchObject({ version: 2, acceptWithinMin: 3 });
      expect(await store.getPlan('gas-I', 1)).toMatchObject({ version: 1, acceptWithinMin: 5 });
      expect((await store.listPlans()).map((p) => `${p.id}@${p.version}`)).toEqual(['gas-I@2', 'water-II@1']);
      expect((await store.planHistory('gas-I')).map((p) => p.version)).toEqual([1, 2]);
      expect(await store.getPlan('nope')).toBeUndefined();
    });

    it('changes a task only from the state it was read in, and keeps its history in order', async () => {
      await store.createTask(task('t1'), event('dispatched'));
      const accepted = { ...task('t1'), state: 'accepted' as const, acceptedAt: T0 + 10, updatedAt: T0 + 10 };
      expect(await store.updateTask(accepted, 'dispatched', event('accepted', T0 + 10, { clientAt: T0 + 5 }))).toBe(true);
      expect(await store.updateTask({ ...accepted, state: 'declined' }, 'dispatched', event('declined', T0 + 11))).toBe(false);
      expect(await store.getTask('t1')).toMatchObject({ state: 'accepted', acceptedAt: T0 + 10 });
      expect(await store.history('t1')).toEqual([event('dispatched'), event('accepted', T0 + 10, { clientAt: T0 + 5 })]);
      expect(await store.updateTask({ ...accepted, escalations: 1 }, 'accepted', null)).toBe(true);
      expect((await store.history('t1')).length).toBe(2);
      expect(await store.getTask('nope')).toBeUndefined();
    });

    it('lists tasks newest first with filters and a (createdAt, id) cursor; lists the open ones', async () => {
      await store.createTask(task('a', { createdAt: T0 }), event('dispatched'));
      await store.createTask(task('b', { createdAt: T0 + 1, unitId: 'u2', district: '370203' }), event('dispatched'));
      await store.createTask(task('c', { createdAt: T0 + 1, alertId: 'x', state: 'verified' }), event('dispatched'));
      await store.createTask(task('d', { createdAt: T0 + 2, state: 'en_route' }), event('dispatched'));
      const all = await store.listTasks({ limit: 10 });
      expect(all.map((t) => t.id)).toEqual(['d', 'c', 'b', 'a']);
      const page1 = await store.listTasks({ limit: 2 });
      const last = page1[1]!;
      expect((await store.listTasks({ limit: 10, before: { createdAt: last.createdAt, id: last.id } })).map((t) => t.id)).toEqual(['b', 'a']);
      expect((await store.listTasks({ limit: 10, unitId: 'u2' })).map((t) => t.id)).toEqual(['b']);
      expect((await store.listTasks({ limit: 10, alertId: 'x' })).map((t) => t.id)).toEqual(['c']);
      expect((await store.listTasks({ limit: 10, state: 'en_route' })).map((t) => t.id)).toEqual(['d']);
      expect((await store.listTasks({ limit: 10, districts: ['370203'] })).map((t) => t.id)).toEqual(['b']);
      expect(await store.listTasks({ limit: 10, districts: [] })).toEqual([]);
      expect((await store.listTasks({ limit: 10, from: T0 + 1, to: T0 + 2 })).map((t) => t.id)).toEqual(['c', 'b']);
      expect((await store.openTasks()).map((t) => t.id)).toEqual(['a', 'b', 'd']);
    });

    it('keeps field reports oldest first, and the first reply of an idempotency key', async () => {
      await store.createTask(task('t1'), event('dispatched'));
      await store.addReport('t1', { id: 'r2', at: T0 + 2, by: 'p1', byName: 'ana', mediaIds: ['ab'], position: { lon: 120.1, lat: 36.1 } });
      await store.addReport('t1', { id: 'r1', at: T0 + 1, by: 'p1', byName: 'ana', note: 'cordon set', mediaIds: [] });
      expect((await store.reports('t1')).map((r) => r.id)).toEqual(['r1', 'r2']);
      expect((await store.reports('t1'))[1]).toEqual({ id: 'r2', at: T0 + 2, by: 'p1', byName: 'ana', mediaIds: ['ab'], position: { lon: 120.1, lat: 36.1 } });
      expect(await store.reserveReply('p1:k1', T0)).toEqual({ state: 'reserved' });
      expect(await store.reserveReply('p1:k1', T0 + 1)).toEqual({ state: 'pending', since: T0 });
      expect(await store.getReply('p1:k1')).toBeUndefined();
      await store.completeReply({ key: 'p1:k1', status: 200, body: { ok: 1 }, createdAt: T0 });
      await store.completeReply({ key: 'p1:k1', status: 409, body: { ok: 2 }, createdAt: T0 + 1 });
      expect(await store.getReply('p1:k1')).toEqual({ key: 'p1:k1', status: 200, body: { ok: 1 }, createdAt: T0 });
      expect(await store.reserveReply('p1:k1', T0 + 2)).toEqual({ state: 'done', reply: { key: 'p1:k1', status: 200, body: { ok: 1 }, createdAt: T0 } });
      await store.releaseReply('p1:k1');
      expect(await store.getReply('p1:k1')).toBeDefined();
      expect(await store.pruneReplies(T0 + 1)).toBe(1);
      expect(await store.getReply('p1:k1')).toBeUndefined();
    });

    it('reserves an idempotency key for exactly one of many concurrent callers; a dead reservation is taken over once', async () => {
      const slots = await Promise.all(Array.from({ length: 8 }, (_, i) => store.reserveReply('p1:race', T0 + i)));
      expect(slots.filter((s) => s.state === 'reserved')).toHaveLength(1);
      expect(slots.filter((s) => s.state === 'pending')).toHaveLength(7);
      const since = (await store.reserveReply('p1:race', T0 + 100)) as { since: number };
      expect(await store.reserveReply('p1:race', T0 + 150, since.since)).toEqual({ state: 'pending', since: since.since });
      const takers = await Promise.all([store.reserveReply('p1:race', T0 + 200, since.since + 1), store.reserveReply('p1:race', T0 + 201, since.since + 1)]);
      expect(takers.filter((s) => s.state === 'reserved')).toHaveLength(1);
      await store.releaseReply('p1:race');
      expect(await store.reserveReply('p1:race', T0 + 300)).toEqual({ state: 'reserved' });
    });

    it('runs an action once for two truly concurrent requests with one key; both get its answer', async () => {
      const replies = new IdempotentReplies({ store, clock: systemClock });
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const act = async () => {
        runs++;
        await gate;
        return { status: 201, body: { run: runs } };
      };
      const first = replies.once('p1', 'click', act);
      const second = replies.once('p1', 'click', act);
      // The second is waiting on the first's reservation: let the first finish only now.
      await vi.waitFor(() => expect(runs).toBe(1));
      setTimeout(release, 50);
      const answers = await Promise.all([first, second]);
      expect(runs).toBe(1);
      expect(answers).toEqual([{ status: 201, body: { run: 1 } }, { status: 201, body: { run: 1 } }]);
      expect(await replies.once('p1', 'click', act)).toEqual({ status: 201, body: { run: 1 } });
      expect(await replies.once('p2', 'click', act)).toEqual({ status: 201, body: { run: 2 } });
    });

    it('keeps a refusal as the answer; frees the key after a crash; answers IDEMPOTENCY_IN_PROGRESS when the first runs too long', async () => {
      const replies = new IdempotentReplies({ store, clock: systemClock, waitMs: 100 });
      const refused = () => Promise.reject(new AppError('TASK_STATE_CONFLICT', { message: 'no' }));
      expect(await replies.once('p1', 'k', refused)).toMatchObject({ status: 409, body: { error: { code: 'TASK_STATE_CONFLICT' } } });
      expect(await replies.once('p1', 'k', () => Promise.resolve({ status: 200, body: 1 }))).toMatchObject({ status: 409 });
      await expect(replies.once('p1', 'boom', () => Promise.reject(new Error('disk gone')))).rejects.toThrow('disk gone');
      expect(await replies.once('p1', 'boom', () => Promise.resolve({ status: 200, body: 'again' }))).toEqual({ status: 200, body: 'again' });
      let release!: () => void;
      const slow = replies.once('p1', 'slow', () => new Promise((r) => (release = () => r({ status: 200, body: 'late' }))));
      await expect(replies.once('p1', 'slow', () => Promise.resolve({ status: 200, body: 'twice' }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', status: 409 });
      release();
      expect(await slow).toEqual({ status: 200, body: 'late' });
    });
  });
}
