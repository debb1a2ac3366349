import type { TestProject } from 'vitest/node';
import { startInflux } from './influx.js';
import { startPostgres } from './postgres.js';
import type { ServerProcess } from './child.js';

declare module 'vitest' {
  export interface ProvidedContext {
    influxUrl: string;
    postgresUrl: string;
  }
}

/**
 * Starts the real servers the integration tests talk to, once per run, on free ports.
 * A missing server binary fails the run with the Debian package to install: never a silent skip.
 * Tests isolate themselves by namespace (database name, schema, key prefix).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: ServerProcess[] = [];
  try {
    const [influx, pg] = await Promise.all([startInflux(), startPostgres()]);
    started.push(influx, pg);
    project.provide('influxUrl', influx.url);
    project.provide('postgresUrl', pg.url);
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
}
