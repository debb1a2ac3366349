/**
 * Where the platform is, read from the same environment the platform reads (architecture.md "Process and
 * configuration"): a simulator started beside `citybrain start` finds it with no flags, and `--http` /
 * `--mqtt` / `--token` override.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Flags } from './cli-args.js';

type Env = Record<string, string | undefined>;

/** A listen address as a client dials it: the wildcard addresses mean this machine. */
function dialHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

const flag = (f: Flags, k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);

/** `--http`, else `http://<CITYBRAIN_HTTP_HOST>:<CITYBRAIN_HTTP_PORT>` (defaults 127.0.0.1:8080). */
export function platformHttpUrl(f: Flags, env: Env): string {
  return flag(f, 'http') ?? `http://${dialHost(env['CITYBRAIN_HTTP_HOST'])}:${env['CITYBRAIN_HTTP_PORT'] || '8080'}`;
}

/** `--mqtt`, else `mqtt://<CITYBRAIN_MQTT_HOST>:<CITYBRAIN_MQTT_PORT>` (defaults 127.0.0.1:1883). */
export function platformMqttUrl(f: Flags, env: Env): string {
  return flag(f, 'mqtt') ?? `mqtt://${dialHost(env['CITYBRAIN_MQTT_HOST'])}:${env['CITYBRAIN_MQTT_PORT'] || '1883'}`;
}

/** `--token`, else CITYBRAIN_ADMIN_TOKEN, else `<CITYBRAIN_DATA_DIR>/admin-token` (the file the platform writes). */
export function platformAdminToken(f: Flags, env: Env): string | undefined {
  const given = flag(f, 'token') ?? env['CITYBRAIN_ADMIN_TOKEN'];
  if (given) return given;
  const file = join(env['CITYBRAIN_DATA_DIR'] || './data', 'admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Help text shared by every simulator that talks to the platform. */
export const PLATFORM_FLAGS_HELP = {
  http: '--http URL           platform HTTP API (default http://127.0.0.1:$CITYBRAIN_HTTP_PORT, 8080)',
  mqtt: '--mqtt URL           platform MQTT broker (default mqtt://127.0.0.1:$CITYBRAIN_MQTT_PORT, 1883)',
  token: '--token T            admin token (default $CITYBRAIN_ADMIN_TOKEN, else $CITYBRAIN_DATA_DIR/admin-token, ./data)',
};

/**
 * `fetch` whose network failures name the URL and the cause: undici's own message is a bare "fetch failed".
 */
export async function fetchPlatform(url: string | URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (init?.signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new Error(`cannot reach the platform at ${String(url)}: ${why} (is it running? set --http or CITYBRAIN_HTTP_PORT)`, { cause: err });
  }
}
