/**
 * Where the built console is: `console/dist` beside the sources (run through tsx) or one level up when
 * this file runs compiled from `dist/app/`. The platform serves whichever exists.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../kernel/config.js';
import type { ConsoleOptions } from '../http/index.js';

export const CITY_TIME_ZONE = 'Asia/Shanghai';

export function consoleDir(): string {
  const candidates = ['../console/dist', '../../console/dist'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}

export function consoleOptions(config: Config): ConsoleOptions | undefined {
  if (config.console === 'off') return undefined;
  return { dir: consoleDir(), timeZone: CITY_TIME_ZONE, ...(config.basemapUrl ? { basemapUrl: config.basemapUrl } : {}) };
}

/** Spread into the HTTP deps: `{console}` when served, nothing when off. */
export function withConsole(opts: ConsoleOptions | undefined): { console?: ConsoleOptions } {
  return opts ? { console: opts } : {};
}
