/** The login limiter under a burst, and the audit log, over HTTP with the real access module. */
import { describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from '../access/index.js';
import { ADMIN, ADMIN_PASSWORD, PASSWORD, useAccessServer } from './test/access-harness.js';

const server = useAccessServer();

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** CPU time of one password check (argon2id, OWASP parameters), median of 5 — the unit the burst is measured in. */
async function kdfCpuMs(): Promise<number> {
  const stored = await hashPassword('some password for timing');
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const before = process.cpuUsage();
    await verifyPassword(stored, 'wrong password for timing');
    runs.push(cpuMs(process.cpuUsage(before)));
  }
  return runs.sort((a, b) => a - b)[2]!;
}

describe('login limiter', () => {
  it('answers a 1,000-attempt burst on one account with 401 then 429 + Retry-After, spending far less CPU than 1,000 password checks', async () => {
    const s = await server();
    await s.createUser('ana', 'operator', ['370202']);
    const perCheck = await kdfCpuMs();
    const before = process.cpuUsage();
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () => s.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'ana', password: 'guess guess guess' } })),
    );
    const spent = cpuMs(process.cpuUsage(before));
    const counts = new Map<number, number>();
    for (const r of answers) counts.set(r.statusCode, (counts.get(r.statusCode) ?? 0) + 1);
    // 5 failures per account lock it: 5 checked (401), the other 995 refused without hashing.
    expect(Object.fromEntries(counts)).toEqual({ 401: 5, 429: 995 });
    const locked = answers.find((r) => r.statusCode === 429)!;
    expect(locked.json().error.code).toBe('LOGIN_RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    console.log(`1,000 attempts: ${spent.toFixed(0)} ms CPU; one password check ${perCheck.toFixed(1)} ms CPU (1,000 checks ≈ ${(perCheck * 1000).toFixed(0)} ms)`);
    expect(spent).toBeLessThan(perCheck * 1000 * 0.25);

    // While locked, even the right password is refused, without a hash.
    const right = await s.login('ana');
    expect(right.res.statusCode).toBe(429);
    // After the lock, the right password works and clears the account's record.
    s.deps.clock.advance(15 * 60_000);
    expect((await s.login('ana')).res.statusCode).toBe(200);
  });

  it('limits one address spraying many usernames, and leaves other addresses alone', async () => {
    const s = await server();
    await s.createUser('ana', 'viewer');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => s.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '10.9.8.7', payload: { username: `user${i}`, password: 'guess guess guess' } })),
    );
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(20);
    expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(180);
    expect((await s.login('ana', PASSWORD, '10.9.8.7')).res.statusCode).toBe(429);
    expect((await s.login('ana', PASSWORD, '10.1.1.1')).res.statusCode).toBe(200);
  });
});

describe('audit log', () => {
  it('records sign-ins, failed sign-ins, sign-outs and every change with the authenticated actor; exports CSV', async () => {
    const s = await server();
    await s.login('nobody', 'wrong wrong wrong', '10.0.0.9');
    const a = await s.login('admin', ADMIN_PASSWORD, '10.0.0.5');
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/users', remoteAddress: '10.0.0.5', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf }, payload: { username: 'ana', password: PASSWORD, role: 'viewer' } });
    const anaId = created.json<{ id: string }>().id;
    await s.app.inject({ method: 'PATCH', url: `/api/v1/users/${anaId}`, headers: ADMIN, payload: { disabled: true } });
    await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf } });
    await s.app.inject({ method: 'POST', url: '/api/v1/users', payload: {} }); // no credential

    const log = await s.app.inject({ url: '/api/v1/audit?limit=50', headers: ADMIN });
    expect(log.statusCode).toBe(200);
    const items = log.json<{ items: Record<string, unknown>[] }>().items.reverse();
    expect(items.map((e) => [e.method, e.route, e.status, e.actor])).toEqual([
      ['POST', '/api/v1/session', 401, null],
      ['POST', '/api/v1/session', 200, 'admin'],
      ['POST', '/api/v1/users', 201, 'admin'],
      ['PATCH', '/api/v1/users/:id', 200, 'admin-token'],
      ['DELETE', '/api/v1/session', 204, 'admin'],
      ['POST', '/api/v1/users', 401, null],
    ]);
    expect(items[0]).toMatchObject({ ip: '10.0.0.9', detail: { event: 'login_failed', username: 'nobody' } });
    expect(items[2]).toMatchObject({ ip: '10.0.0.5', via: 'session', role: 'admin' });
    expect(items[3]).toMatchObject({ targets: { id: anaId }, via: 'bootstrap' });

    const failed = await s.app.inject({ url: '/api/v1/audit?outcome=failed', headers: ADMIN });
    expect(failed.json().total).toBe(2);
    const csv = await s.app.inject({ url: '/api/v1/audit?format=csv&actor=admin', headers: ADMIN });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('at,actor,via,role,method,route,targets,ip,status,detail');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^\d{4}-\d\d-\d\dT[^,]*\+08:00,admin,session,admin,POST,\/api\/v1\/session,\{\},10\.0\.0\.5,200,"\{""event"":""login"",""username"":""admin""\}"$/);
    // Only admins read it.
    await s.createUser('op', 'operator');
    const op = await s.login('op');
    expect((await s.app.inject({ url: '/api/v1/audit', headers: { cookie: op.cookie } })).statusCode).toBe(403);
  });
});

describe('audit write failures', () => {
  it('keep the answer, and are logged and counted', async () => {
    const s = await server();
    await s.database.db.schema.dropTable('access_audit').execute();
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/users', headers: ADMIN, payload: { username: 'ana', password: PASSWORD, role: 'viewer' } });
    expect(res.statusCode).toBe(201);
    await vi.waitFor(async () => expect(await s.deps.metrics.getSingleMetricAsString('citybrain_audit_write_failures_total')).toMatch(/ 1$/m));
  });
});

describe('bearer token limiter', () => {
  it('answers 1,000 wrong bearer tokens from one address with 100 × 401 then 429 + Retry-After (the right token too), and leaves other addresses alone', async () => {
    const s = await server();
    // Ten waves of 100 concurrent requests: a token check costs no KDF, so the limiter counts refusals as
    // they happen; what is in flight when the lock engages still gets its 401.
    const answers = [];
    for (let wave = 0; wave < 10; wave++) {
      answers.push(...(await Promise.all(
        Array.from({ length: 100 }, (_, i) => s.app.inject({ url: '/api/v1/devices', remoteAddress: '10.6.6.6', headers: { authorization: `Bearer guess-${wave}-${i}-0123456789abcdef` } })),
      )));
    }
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(100);
    const locked = answers.filter((r) => r.statusCode === 429);
    expect(locked).toHaveLength(900);
    expect(Number(locked[0]!.headers['retry-after'])).toBeGreaterThan(800);
    expect((await s.app.inject({ url: '/api/v1/devices', remoteAddress: '10.6.6.6', headers: ADMIN })).statusCode).toBe(429);
    expect((await s.app.inject({ url: '/api/v1/devices', remoteAddress: '10.7.7.7', headers: ADMIN })).statusCode).toBe(200);
    s.deps.clock.advance(15 * 60_000);
    expect((await s.app.inject({ url: '/api/v1/devices', remoteAddress: '10.6.6.6', headers: ADMIN })).statusCode).toBe(200);
  });
});
