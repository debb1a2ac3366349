/** Builds a server over the in-memory deps for one test; closes it afterwards. */
import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import { createHttpServer } from '../index.js';
import { memoryDeps, TEST_TOKEN, type MemoryDeps } from './memory-deps.js';

export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` } as const;

type MemoryOpts = Parameters<typeof memoryDeps>[0];

export function useServer(): (opts?: MemoryOpts) => Promise<{ app: FastifyInstance; deps: MemoryDeps }> {
  const open: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((a) => a.close()));
  });
  return async (opts: MemoryOpts = {}) => {
    const deps = memoryDeps(opts);
    const app = createHttpServer(deps);
    open.push(app);
    await app.ready();
    return { app, deps };
  };
}
