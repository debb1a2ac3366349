/** Why the platform did not start, as one line that names the setting to change. */
import type { Config } from '../kernel/config.js';
import { isAppError } from '../kernel/errors.js';

interface SystemError extends Error {
  code?: string;
  port?: number;
  address?: string;
}

/** Which setting chose a port the platform tried to listen on. */
function portSetting(port: number | undefined, config: Config): string | undefined {
  if (port === undefined) return undefined;
  if (port === config.httpPort) return 'CITYBRAIN_HTTP_PORT';
  if (port === config.mqttPort) return 'CITYBRAIN_MQTT_PORT';
  if (port === config.mqttWsPort) return 'CITYBRAIN_MQTT_WS_PORT';
  return undefined;
}

/** The innermost `cause` (a driver's ECONNREFUSED under "Migrations failed"). */
function rootCause(e: unknown): SystemError | undefined {
  let c = e instanceof Error ? (e.cause as unknown) : undefined;
  let last: SystemError | undefined;
  for (let i = 0; c instanceof Error && i < 10; i++, c = c.cause) last = c;
  return last;
}

/** The URL setting that points at `host:port`, if one does (pg names the address it failed to reach). */
function urlSetting(err: SystemError, config: Config): string | undefined {
  if (err.port === undefined) return undefined;
  const urls = { DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl, INFLUX_URL: config.influxUrl };
  for (const [name, url] of Object.entries(urls)) {
    if (url === undefined) continue;
    try {
      if (Number(new URL(url).port) === err.port) return name;
    } catch {
      continue;
    }
  }
  return undefined;
}

export function startupFailure(e: unknown, config: Config): string {
  const cause = rootCause(e);
  if (isAppError(e) && e.code !== 'INTERNAL') return `${e.code}: ${e.message}`;
  if (isAppError(e)) {
    const setting = cause ? urlSetting(cause, config) : undefined;
    return `${e.message}${cause ? `: ${cause.message}` : ''}${setting ? ` (check ${setting})` : ''}`;
  }
  const err: SystemError = e instanceof Error ? e : new Error(String(e));
  if ((err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL')) {
    const setting = portSetting(err.port, config);
    const what = { EADDRINUSE: 'is already in use', EACCES: 'needs privileges this process does not have', EADDRNOTAVAIL: 'is not an address of this machine' }[err.code];
    return `port ${err.port ?? '?'} on ${err.address ?? '?'} ${what}${setting ? ` (set ${setting} to another port, or 0 for any free port)` : ''}`;
  }
  return err.message.split('\n')[0] ?? String(e);
}
