/**
 * The role × route matrix, generated from the OpenAPI document: every operation, every role, with a
 * city-wide and a district scope, against the whole platform. The decision expected comes from
 * access/'s role table; docs/access.md carries the same table, and this test keeps the two in step
 * (UPDATE_ACCESS_DOCS=1 rewrites it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, ROLES } from '../../access/index.js';
import type { Platform } from '../../app/platform.js';
import { api, bootPlatform, TOKEN } from './helpers.js';

const DOC = resolve(import.meta.dirname, '../../docs/access.md');
const START = '<!-- access-matrix:start -->';
const END = '<!-- access-matrix:end -->';
const PASSWORD = 'matrix test passphrase';
const DISTRICT = '370202';

interface Operation {
  method: string;
  path: string;
  permission: string;
  sse: boolean;
}

async function operations(p: Platform): Promise<Operation[]> {
  const doc = (await (await fetch(`${p.http.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { description?: string; produces?: string[] }>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const d = op.description ?? '';
      const permission = /Public: no credential\./.test(d) ? 'public' : /Permission: `([^`]+)`/.exec(d)?.[1] ?? 'undeclared';
      ops.push({ method: method.toUpperCase(), path, permission, sse: path.endsWith('/stream') });
    }
  }
  return ops.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

const isPublic = (o: Operation) => o.permission === 'public';

function cell(role: string, o: Operation): string {
  if (isPublic(o)) return 'public';
  const city = decide(role, true, o.permission) === 'ok';
  const district = decide(role, false, o.permission) === 'ok';
  return city && district ? '✓' : city ? 'city' : '—';
}

function table(ops: Operation[]): string {
  const head = `| route | permission | ${ROLES.join(' | ')} |\n|---|---|${ROLES.map(() => '---|').join('')}`;
  const rows = ops.map((o) => `| \`${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}\` | ${isPublic(o) ? 'public' : `\`${o.permission.replaceAll('|', '\\|')}\``} | ${ROLES.map((r) => cell(r, o)).join(' | ')} |`);
  return [head, ...rows].join('\n');
}

describe('role × route matrix (OpenAPI)', () => {
  let p: Platform;
  let ops: Operation[];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    p = await bootPlatform({ CITYBRAIN_ADMIN_PASSWORD: 'first start secret 42' });
    ops = await operations(p);
    for (const role of ROLES) {
      for (const scope of ['city', 'district'] as const) {
        const username = `${role}-${scope}`;
        const districts = scope === 'city' ? null : [DISTRICT];
        const created = await api(p, 'POST', '/api/v1/users', { username, password: PASSWORD, role, districts, ...(role === 'responder' ? { unit: 'fire-3' } : {}) });
        expect(created.status, username).toBe(201);
        const login = await fetch(`${p.http.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
        const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
        const t = await fetch(`${p.http.url}/api/v1/tokens`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'matrix' }) });
        tokens.set(username, ((await t.json()) as { value: string }).value);
      }
    }
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('declares a permission on every /api operation, and docs/access.md shows the table', () => {
    expect(ops.length).toBeGreaterThan(60);
    expect(ops.filter((o) => o.permission === 'undeclared').map((o) => `${o.method} ${o.path}`)).toEqual([]);
    const text = readFileSync(DOC, 'utf8');
    const expected = `${START}\n${table(ops)}\n${END}`;
    const current = text.slice(text.indexOf(START), text.indexOf(END) + END.length);
    if (process.env.UPDATE_ACCESS_DOCS === '1') writeFileSync(DOC, text.replace(current, expected));
    else expect(current, 'docs/access.md matrix is stale: run with UPDATE_ACCESS_DOCS=1').toBe(expected);
  });

  it('answers every operation for every role and scope as the table says: 403 FORBIDDEN, else the route runs', async () => {
    const wrong: string[] = [];
    for (const o of ops) {
      // A probe id that exists nowhere; the stream gets an invalid filter so it answers instead of streaming.
      const url = `${p.http.url}${o.path.replace(/\{\w+\}/g, 'zz-probe')}${o.sse ? '?types=zz' : ''}`;
      const anonymous = await fetch(url, { method: o.method });
      if (!isPublic(o) && anonymous.status !== 401) wrong.push(`anonymous ${o.method} ${o.path}: ${anonymous.status}`);
      for (const [who, token] of tokens) {
        const [role, scope] = who.split('-') as [string, 'city' | 'district'];
        const res = await fetch(url, { method: o.method, headers: { authorization: `Bearer ${token}` } });
        const body = (await res.text()) || '{}';
        const code = res.headers.get('content-type')?.includes('json') ? (JSON.parse(body) as { error?: { code?: string } }).error?.code : undefined;
        const allowed = isPublic(o) || decide(role, scope === 'city', o.permission) === 'ok';
        const ok = allowed ? res.status !== 401 && code !== 'FORBIDDEN' : res.status === 403 && code === 'FORBIDDEN';
        if (!ok) wrong.push(`${who} ${o.method} ${o.path}: ${res.status} ${code ?? ''} (expected ${allowed ? 'to run' : '403'})`);
      }
    }
    // The bootstrap admin token runs everything.
    for (const o of ops) {
      const res = await fetch(`${p.http.url}${o.path.replace(/\{\w+\}/g, 'zz-probe')}${o.sse ? '?types=zz' : ''}`, { method: o.method, headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status === 401 || res.status === 403) wrong.push(`admin-token ${o.method} ${o.path}: ${res.status}`);
      await res.body?.cancel();
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
