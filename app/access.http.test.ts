/** Sessions, personal tokens and people over HTTP, with the real access module (SQLite :memory:). */
import { describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSWORD, PASSWORD, useAccessServer } from './test/access-harness.js';

const server = useAccessServer();
const MIN = 60_000;

describe('sessions', () => {
  it('signs the first admin in: HttpOnly, SameSite=Strict cookie; GET /session tells who, role, scope and the CSRF token', async () => {
    const s = await server();
    const { res, cookie, csrf } = await s.login('admin', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^citybrain_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/); // no Secure over plain HTTP
    expect(res.headers['cache-control']).toBe('no-store');
    const me = await s.app.inject({ url: '/api/v1/session', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'admin', role: 'admin', districts: null }, via: 'session', csrfToken: csrf });
    expect(me.json().permissions).toContain('users:write');
  });

  it('answers an unknown user and a wrong password alike (401 LOGIN_FAILED)', async () => {
    const s = await server();
    await s.createUser('ana', 'operator', ['370202']);
    const wrong = (await s.login('ana', 'not the password at all')).res;
    const unknown = (await s.login('nobody', 'not the password at all')).res;
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('LOGIN_FAILED');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a cookie-authenticated change without the CSRF header (403 CSRF_REJECTED), accepts it with', async () => {
    const s = await server();
    const { cookie, csrf } = await s.login('admin', ADMIN_PASSWORD);
    const body = { username: 'bo', password: PASSWORD, role: 'viewer' };
    const none = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: { cookie }, payload: body });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('CSRF_REJECTED');
    const wrong = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: { cookie, 'x-csrf-token': `${csrf}x` }, payload: body });
    expect(wrong.json().error.code).toBe('CSRF_REJECTED');
    const ok = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: { cookie, 'x-csrf-token': csrf }, payload: body });
    expect(ok.statusCode).toBe(201);
    // Reads need no CSRF header; bearer-authenticated changes need none either (no ambient credential).
    expect((await s.app.inject({ url: '/api/v1/users', headers: { cookie } })).statusCode).toBe(200);
  });

  it('ends a session after 30 idle minutes, and 12 hours after sign-in however active', async () => {
    const s = await server();
    const a = await s.login('admin', ADMIN_PASSWORD);
    s.deps.clock.advance(29 * MIN);
    expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    s.deps.clock.advance(29 * MIN); // 29 min since the last request: still alive
    expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    s.deps.clock.advance(31 * MIN);
    const idle = await s.app.inject({ url: '/api/v1/session', headers: { cookie: a.cookie } });
    expect(idle.statusCode).toBe(401);

    const b = await s.login('admin', ADMIN_PASSWORD);
    for (let t = 0; t < 12 * 60; t += 20) {
      s.deps.clock.advance(20 * MIN);
      const r = await s.app.inject({ url: '/api/v1/session', headers: { cookie: b.cookie } });
      expect(r.statusCode, `after ${t + 20} min`).toBe(t + 20 < 12 * 60 ? 200 : 401);
    }
  });

  it('logs out one session, and everywhere', async () => {
    const s = await server();
    const one = await s.login('admin', ADMIN_PASSWORD);
    const two = await s.login('admin', ADMIN_PASSWORD);
    const three = await s.login('admin', ADMIN_PASSWORD);
    const out = await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: one.cookie, 'x-csrf-token': one.csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^citybrain_session=; .*Max-Age=0/);
    expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: one.cookie } })).statusCode).toBe(401);
    expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: two.cookie } })).statusCode).toBe(200);
    const all = await s.app.inject({ method: 'DELETE', url: '/api/v1/sessions', headers: { cookie: two.cookie, 'x-csrf-token': two.csrf } });
    expect(all.json()).toEqual({ ended: 2 });
    for (const c of [two, three]) expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: c.cookie } })).statusCode).toBe(401);
  });

  it('keeps the bootstrap admin token working, and says what it is', async () => {
    const s = await server();
    const me = await s.app.inject({ url: '/api/v1/session', headers: ADMIN });
    expect(me.json()).toMatchObject({ user: { id: null, username: 'admin-token', role: 'admin', districts: null }, via: 'bootstrap', csrfToken: null });
    const tok = await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: ADMIN, payload: { name: 'x' } });
    expect(tok.statusCode).toBe(400); // it belongs to nobody: personal tokens need a person
    expect((await s.app.inject({ url: '/api/v1/tokens', headers: ADMIN })).json()).toEqual({ items: [] });
  });

  it('changes one\'s own password: the old one stops working and sessions end', async () => {
    const s = await server();
    await s.createUser('ana', 'viewer');
    const a = await s.login('ana');
    const next = 'a brand new passphrase';
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/session/password', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf }, payload: { current: 'wrong wrong wrong', password: next } });
    expect(bad.statusCode).toBe(401);
    const weak = await s.app.inject({ method: 'POST', url: '/api/v1/session/password', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf }, payload: { current: PASSWORD, password: 'short' } });
    expect(weak.json().error.code).toBe('PASSWORD_POLICY');
    const ok = await s.app.inject({ method: 'POST', url: '/api/v1/session/password', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf }, payload: { current: PASSWORD, password: next } });
    expect(ok.statusCode).toBe(204);
    expect((await s.app.inject({ url: '/api/v1/session', headers: { cookie: a.cookie } })).statusCode).toBe(401);
    expect((await s.login('ana')).res.statusCode).toBe(401);
    expect((await s.login('ana', next)).res.statusCode).toBe(200);
  });
});

describe('personal API tokens', () => {
  it('are created by their owner with role ≤ theirs and districts ⊆ theirs, work as Bearer, and stop at once when revoked', async () => {
    const s = await server();
    await s.createUser('ana', 'operator', ['370202', '370203']);
    const a = await s.login('ana');
    const h = { cookie: a.cookie, 'x-csrf-token': a.csrf };
    const tooHigh = await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h, payload: { name: 'x', role: 'admin' } });
    expect(tooHigh.json().error.code).toBe('SCOPE_EXCEEDED');
    const outside = await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h, payload: { name: 'x', districts: ['370211'] } });
    expect(outside.json().error.code).toBe('SCOPE_EXCEEDED');
    const city = await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h, payload: { name: 'x', districts: null } });
    expect(city.json().error.code).toBe('SCOPE_EXCEEDED');
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: h, payload: { name: 'screen', role: 'viewer', districts: ['370202'], expiresInDays: 7 } });
    expect(created.statusCode).toBe(201);
    const { token, value } = created.json<{ token: { id: string; expiresAt: number }; value: string }>();
    expect(value).toMatch(/^cbt_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    expect(token.expiresAt).toBe(s.deps.clock.now() + 7 * 86_400_000);
    const bearer = { authorization: `Bearer ${value}` };
    const me = await s.app.inject({ url: '/api/v1/session', headers: bearer });
    expect(me.json()).toMatchObject({ user: { username: 'ana', role: 'viewer', districts: ['370202'] }, via: 'token' });
    expect((await s.app.inject({ url: '/api/v1/devices', headers: bearer })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/devices', headers: bearer, payload: {} })).json().error.code).toBe('FORBIDDEN');
    const listed = await s.app.inject({ url: '/api/v1/tokens', headers: h });
    expect(listed.json().items).toEqual([expect.objectContaining({ id: token.id, name: 'screen', role: 'viewer' })]);
    expect(listed.body).not.toContain(value.split('.')[1]);
    // Someone else cannot revoke it.
    await s.createUser('bo', 'operator');
    const b = await s.login('bo');
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, headers: { cookie: b.cookie, 'x-csrf-token': b.csrf } })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, headers: h })).statusCode).toBe(204);
    expect((await s.app.inject({ url: '/api/v1/devices', headers: bearer })).statusCode).toBe(401);
  });

  it('stop when they expire, and when the owner is disabled or loses the role they carry', async () => {
    const s = await server();
    const id = await s.createUser('ana', 'operator');
    const a = await s.login('ana');
    const make = async (payload: object) => (await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf }, payload })).json<{ value: string }>().value;
    const short = await make({ name: 'short', expiresInDays: 1 });
    const op = await make({ name: 'op' });
    const use = async (v: string) => (await s.app.inject({ url: '/api/v1/session', headers: { authorization: `Bearer ${v}` } })).statusCode;
    expect([await use(short), await use(op)]).toEqual([200, 200]);
    s.deps.clock.advance(86_400_000);
    expect(await use(short)).toBe(401);
    await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers: ADMIN, payload: { role: 'viewer' } });
    expect(await use(op)).toBe(401);
    await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers: ADMIN, payload: { role: 'operator' } });
    expect(await use(op)).toBe(200);
    await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers: ADMIN, payload: { disabled: true } });
    expect(await use(op)).toBe(401);
  });
});

describe('people', () => {
  it('validates roles, password policy and responder units; keeps one admin', async () => {
    const s = await server();
    const post = (payload: object) => s.app.inject({ method: 'POST', url: '/api/v1/users', headers: ADMIN, payload });
    expect((await post({ username: 'ana', password: 'short', role: 'viewer' })).json().error.code).toBe('PASSWORD_POLICY');
    expect((await post({ username: 'ana', password: 'ana-is-my-password', role: 'viewer' })).json().error.details.problems).toContain('must not contain the username');
    expect((await post({ username: 'ana', password: PASSWORD, role: 'king' })).statusCode).toBe(400);
    expect((await post({ username: 'ana', password: PASSWORD, role: 'responder' })).json().error.message).toMatch(/unit/);
    expect((await post({ username: 'ana', password: PASSWORD, role: 'responder', unit: 'fire-3' })).statusCode).toBe(201);
    expect((await post({ username: 'ANA', password: PASSWORD, role: 'viewer' })).json().error.code).toBe('USER_EXISTS');
    const users = (await s.app.inject({ url: '/api/v1/users', headers: ADMIN })).json<{ items: { id: string; username: string }[] }>().items;
    const admin = users.find((u) => u.username === 'admin')!;
    expect(users.map((u) => u.username)).toEqual(['admin', 'ana']);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/users/${admin.id}`, headers: ADMIN })).statusCode).toBe(400);
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${admin.id}`, headers: ADMIN, payload: { role: 'viewer' } })).statusCode).toBe(400);
  });
});
