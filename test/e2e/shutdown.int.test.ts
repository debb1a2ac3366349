/**
 * Shutdown on the real engines, as a supervisor sees it: `citybrain start` on PostgreSQL, InfluxDB 1.x and
 * a durable Redis (BullMQ), with a device connected and readings stored, then SIGTERM (and SIGINT). It
 * exits 0, says so in a few lines, and logs nothing at error level: no stack traces, no "connection
 * closed" from a store closed under a running job.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../servers/free-port.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { BIN, startCitybrain } from './cli-process.js';
import { freshPostgresDb } from './helpers.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/**
 * Lines that tell of trouble: pino error and fatal, raw stack frames, unhandled rejections, and warnings that
 * are shutdown noise (a store or broker used after it closed). A warning from the start itself (a demo
 * vehicle slow to answer on a loaded machine) is not the shutdown's.
 */
function troubles(output: string): string[] {
  return output.split('\n').filter((l) =>
    /"level":(5\d|60)\b/.test(l) ||
    (!l.startsWith('{') && /^\s+at |Unhandled|Error: /.test(l)) ||
    (/"level":40\b/.test(l) && /closed|destroyed|ECONNREFUSED|Connection is closed/i.test(l)));
}

async function engines(): Promise<Record<string, string>> {
  const [http, mqttPort] = [await freePort(), await freePort()];
  return {
    DATABASE_URL: await freshPostgresDb('cb_shutdown'),
    INFLUX_URL: inject('influxUrl'),
    INFLUX_DB: `shutdown_${randomBytes(3).toString('hex')}`,
    REDIS_URL: redis.url,
    CITYBRAIN_DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-shutdown-')),
    CITYBRAIN_HTTP_PORT: String(http),
    CITYBRAIN_MQTT_PORT: String(mqttPort),
    CITYBRAIN_MQTT_WS: 'off',
    // The default level: what an operator sees.
    CITYBRAIN_LOG_LEVEL: 'info',
  };
}

/** Sends `signal`; the exit code and what the process printed after it. */
async function stop(p: Awaited<ReturnType<typeof startCitybrain>>, signal: NodeJS.Signals): Promise<{ code: number | null; after: string }> {
  const before = p.output().length;
  p.child.kill(signal);
  const [code] = (await once(p.child, 'exit')) as [number | null];
  return { code, after: p.output().slice(before) };
}

function expectCleanStop(r: { code: number | null; after: string }, signal: string): void {
  expect(r.code, r.after).toBe(0);
  expect(troubles(r.after), r.after).toEqual([]);
  expect(r.after).toContain(`citybrain: ${signal} received, shutting down`);
  expect(r.after).toMatch(/citybrain: stopped\n?$/);
  expect(r.after.trim().split('\n').length, r.after).toBeLessThanOrEqual(8);
}

describe('shutdown on PostgreSQL + InfluxDB + Redis', () => {
  it('SIGTERM with a device connected and an alert just raised: exit code 0, a few clear lines, nothing at error level', async () => {
    const env = await engines();
    const p = await startCitybrain(env);
    const token = /admin token\s+(\S+)\s+\(generated now/.exec(p.output())?.[1];
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const base = `http://127.0.0.1:${env.CITYBRAIN_HTTP_PORT}`;
    const created = await fetch(`${base}/api/v1/devices`, { method: 'POST', headers: auth, body: JSON.stringify({ id: 'sd-1', kind: 'gas', location: { lon: 120.38, lat: 36.07 } }) });
    expect(created.status).toBe(201);
    const { credentials } = (await created.json()) as { credentials: { password: string } };
    // A device still connected when the signal comes, and a reading that raises an alert (a point in InfluxDB,
    // a message on the MQTT platform namespace) as the broker closes.
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.CITYBRAIN_MQTT_PORT}`, { clientId: 'sd-1', username: 'sd-1', password: credentials.password, reconnectPeriod: 0 });
    await device.publishAsync('devices/sd-1/telemetry', JSON.stringify({ metrics: { ch4_lel: 30, temp_c: 18 } }), { qos: 1 });
    const r = await stop(p, 'SIGTERM');
    device.end(true);
    expectCleanStop(r, 'SIGTERM');
  }, 60_000);

  it('SIGINT on the demo (BullMQ schedules, MAVLink links), started twice on the same stores: quiet start and stop', async () => {
    const env = { ...(await engines()), CITYBRAIN_DEMO: 'on' };
    expectCleanStop(await stop(await startCitybrain(env), 'SIGINT'), 'SIGINT');
    // The second start re-registers the demo drones at new addresses: the old links are closed on purpose.
    const again = await startCitybrain(env);
    const r = await stop(again, 'SIGINT');
    expect(troubles(again.output()), again.output()).toEqual([]);
    expectCleanStop(r, 'SIGINT');
  }, 90_000);

  it('SIGTERM while it is still starting: it stops once up, exit code 0, no banner', async () => {
    const env = await engines();
    const child = spawn(process.execPath, [BIN, 'start'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // The first line it prints (a log line) comes after the signal listeners are in place.
    await new Promise<void>((resolve) => child.stdout.once('data', (d: Buffer) => {
      out += d.toString();
      resolve();
    }));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, out).toBe(0);
    expect(troubles(out), out).toEqual([]);
    expect(out).toContain('citybrain: SIGTERM received, shutting down');
    expect(out).toMatch(/citybrain: stopped\n?$/);
    expect(out).not.toContain('citybrain listening');
  }, 60_000);
});
