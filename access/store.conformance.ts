import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../kernel/errors.js';
import type { AccessStore, AuditEntry, UserRecord } from './store.js';

export interface AccessStoreHarness {
  store: AccessStore;
  close(): Promise<void>;
}

/** Past 2^32 ms: BIGINT columns must come back as exact numbers. */
const T0 = 1_760_000_000_000;

const user = (id: string, username: string, over: Partial<UserRecord> = {}): UserRecord => ({
  id, username, role: 'operator', districts: ['370202'], unit: null, disabled: false, passwordHash: '$argon2id$x', createdAt: T0, updatedAt: T0, ...over,
});

const entry = (id: string, over: Partial<AuditEntry> = {}): AuditEntry => ({
  id, at: T0, actor: 'ana', via: 'session', userId: 'u1', tokenId: null, role: 'operator', method: 'POST', route: '/api/v1/alerts/:id/ack',
  targets: { id: 'a|b|1' }, ip: '127.0.0.1', status: 200, detail: null, ...over,
});

/** The AccessStore conformance suite (style.md): every adapter's test file calls it. */
export function describeAccessStore(name: string, make: () => Promise<AccessStoreHarness>): void {
  describe(`AccessStore: ${name}`, () => {
    let h: AccessStoreHarness;
    let store: AccessStore;
    beforeEach(async () => {
      h = await make();
      store = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    it('creates, finds (case-insensitively), updates, lists and deletes users; usernames are unique', async () => {
      await store.createUser(user('u1', 'Ana'));
      await store.createUser(user('u2', 'bo', { role: 'admin', districts: null }));
      const dup = await store.createUser(user('u3', 'ANA')).catch((e: unknown) => e);
      expect(isAppError(dup) && dup.code).toBe('USER_EXISTS');
      expect((await store.findUserByName('ANA'))?.id).toBe('u1');
      expect(await store.getUser('u2')).toMatchObject({ username: 'bo', role: 'admin', districts: null, createdAt: T0 });
      expect(await store.countUsers()).toBe(2);
      const changed = await store.updateUser('u1', { updatedAt: T0 + 1, districts: ['370203', '370202'], disabled: true, unit: 'fire-3' });
      expect(changed).toMatchObject({ districts: ['370202', '370203'], disabled: true, unit: 'fire-3', updatedAt: T0 + 1 });
      const listed = await store.listUsers();
      expect(listed.map((u) => u.username)).toEqual(['ana', 'bo']);
      expect(listed[0]).not.toHaveProperty('passwordHash');
      expect(await store.updateUser('nobody', { updatedAt: T0 })).toBeUndefined();
      expect(await store.deleteUser('u1')).toBe(true);
      expect(await store.deleteUser('u1')).toBe(false);
      expect(await store.countUsers()).toBe(1);
    });

    it('keeps sessions: touch, end one, end all of a user, prune idle and expired; deleting the user ends them', async () => {
      await store.createUser(user('u1', 'ana'));
      const s = (idHash: string, over = {}) => ({ idHash, userId: 'u1', csrf: 'c', createdAt: T0, lastSeenAt: T0, expiresAt: T0 + 1000, ip: '10.0.0.1', ...over });
      await store.createSession(s('a'));
      await store.createSession(s('b'));
      await store.createSession(s('c', { expiresAt: T0 + 10 }));
      await store.touchSession('a', T0 + 500);
      expect(await store.getSession('a')).toMatchObject({ lastSeenAt: T0 + 500, expiresAt: T0 + 1000, ip: '10.0.0.1' });
      expect(await store.pruneSessions(T0 + 20, T0 + 100)).toBe(2); // c expired, b idle since T0
      expect(await store.getSession('a')).toBeDefined();
      await store.createSession(s('d'));
      expect(await store.deleteUserSessions('u1')).toBe(2);
      await store.createSession(s('e'));
      await store.deleteSession('e');
      expect(await store.getSession('e')).toBeUndefined();
      await store.createSession(s('f'));
      await store.deleteUser('u1');
      expect(await store.getSession('f')).toBeUndefined();
    });

    it('keeps tokens per owner: list newest first, revoke once, only the owner can', async () => {
      await store.createUser(user('u1', 'ana'));
      await store.createUser(user('u2', 'bo'));
      const t = (id: string, userId: string, createdAt: number) => ({ id, userId, name: id, role: 'viewer' as const, districts: ['370202'], hash: 'ab', createdAt, expiresAt: T0 + 9, revokedAt: null, lastUsedAt: null });
      await store.createToken(t('t1', 'u1', T0));
      await store.createToken(t('t2', 'u1', T0 + 1));
      await store.createToken(t('t3', 'u2', T0));
      expect((await store.listTokens('u1')).map((x) => x.id)).toEqual(['t2', 't1']);
      expect(await store.revokeToken('u2', 't1', T0 + 5)).toBe(false);
      expect(await store.revokeToken('u1', 't1', T0 + 5)).toBe(true);
      expect(await store.revokeToken('u1', 't1', T0 + 6)).toBe(false);
      await store.touchToken('t2', T0 + 7);
      expect(await store.getToken('t1')).toMatchObject({ revokedAt: T0 + 5, districts: ['370202'] });
      expect(await store.getToken('t2')).toMatchObject({ lastUsedAt: T0 + 7, revokedAt: null });
    });

    it('appends audit entries and filters them by actor, route, method, outcome and time, newest first', async () => {
      await store.appendAudit(entry('1', { at: T0 }));
      await store.appendAudit(entry('2', { at: T0 + 1, actor: null, via: null, userId: null, role: null, route: '/api/v1/session', status: 401, detail: { event: 'login_failed', username: 'x' } }));
      await store.appendAudit(entry('3', { at: T0 + 2, method: 'DELETE', route: '/api/v1/session', targets: {} }));
      const all = await store.queryAudit({ limit: 10, offset: 0 });
      expect(all.total).toBe(3);
      expect(all.items.map((e) => e.id)).toEqual(['3', '2', '1']);
      expect(all.items[1]).toEqual(entry('2', { at: T0 + 1, actor: null, via: null, userId: null, role: null, route: '/api/v1/session', status: 401, detail: { event: 'login_failed', username: 'x' } }));
      expect((await store.queryAudit({ actor: 'ana', limit: 10, offset: 0 })).total).toBe(2);
      expect((await store.queryAudit({ outcome: 'failed', limit: 10, offset: 0 })).items.map((e) => e.id)).toEqual(['2']);
      expect((await store.queryAudit({ route: '/api/v1/session', method: 'delete', limit: 10, offset: 0 })).items.map((e) => e.id)).toEqual(['3']);
      expect((await store.queryAudit({ from: T0 + 1, to: T0 + 2, limit: 10, offset: 0 })).items.map((e) => e.id)).toEqual(['2']);
      const page = await store.queryAudit({ limit: 1, offset: 1 });
      expect(page).toMatchObject({ total: 3, items: [{ id: '2' }] });
    });
  });
}
