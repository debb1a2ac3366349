/**
 * An HTTP server over the in-memory ports (http/test/memory-deps.ts) with the real access module on an
 * in-memory SQLite store: sessions, tokens, people and audit as they run in the platform.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach } from 'vitest';
import type { LimiterPolicy } from '../../access/index.js';
import { createHttpServer, type HttpDeps } from '../../http/index.js';
import { createDatabase, type Database } from '../../kernel/db/index.js';
import { silentLogger } from '../../kernel/logger.js';
import { memoryDeps, TEST_TOKEN, type MemoryDeps } from '../../http/test/memory-deps.js';
import { startAccess, type AccessWiring } from '../access.js';

export const ADMIN = { authorization: `Bearer ${TEST_TOKEN}` } as const;
export const ADMIN_PASSWORD = 'first-start-secret-42';
export const PASSWORD = 'correct horse battery staple';

export interface AccessServer {
  app: FastifyInstance;
  deps: MemoryDeps;
  access: AccessWiring;
  database: Database;
  /** Creates a person through the API with the bootstrap token; returns their id. */
  createUser(username: string, role: string, districts?: string[] | null, extra?: Record<string, unknown>): Promise<string>;
  /** Signs in; returns the cookie header value and the CSRF token. */
  login(username: string, password?: string, ip?: string): Promise<{ cookie: string; csrf: string; res: LightMyRequestResponse }>;
}

export function useAccessServer(): (opts?: { limiter?: LimiterPolicy; extra?: (deps: MemoryDeps) => Partial<HttpDeps> }) => Promise<AccessServer> {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c();
  });
  return async (opts = {}) => {
    const deps = memoryDeps();
    const database = await createDatabase({ sqliteFile: ':memory:' });
    const access = await startAccess({
      database, clock: deps.clock, log: silentLogger(), metrics: deps.metrics,
      config: { adminPassword: ADMIN_PASSWORD, sessionIdleMinutes: 30, sessionMaxHours: 12 },
      ...(opts.limiter ? { limiter: opts.limiter } : {}),
    });
    const app = createHttpServer({ ...deps, ...opts.extra?.(deps), access: access.http });
    await app.ready();
    open.push(async () => {
      await app.close();
      access.stop();
      await database.close();
    });
    return {
      app, deps, access, database,
      async createUser(username, role, districts = null, extra = {}) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/users', headers: ADMIN, payload: { username, password: PASSWORD, role, districts, ...extra } });
        if (res.statusCode !== 201) throw new Error(`create user ${username}: ${res.statusCode} ${res.body}`);
        return res.json<{ id: string }>().id;
      },
      async login(username, password = PASSWORD, ip) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, ...(ip ? { remoteAddress: ip } : {}) });
        const set = String(res.headers['set-cookie'] ?? '');
        return { cookie: set.split(';')[0] ?? '', csrf: res.statusCode === 200 ? res.json<{ csrfToken: string }>().csrfToken : '', res };
      },
    };
  };
}
