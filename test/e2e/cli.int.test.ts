/**
 * The `citybrain` command as a user runs it: a child process, real ports, real signals.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { freePort } from '../servers/free-port.js';
import { startRedis } from '../servers/redis.js';
import { BIN, startCitybrain } from './cli-process.js';


function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('citybrain CLI', () => {
  it('--help lists the commands and every setting', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/start/);
    expect(r.stdout).toMatch(/contracts/);
    expect(r.stdout).toMatch(/CITYBRAIN_HTTP_PORT/);
    expect(r.stdout).toMatch(/INFLUX_URL/);
    expect(run(['start', '--help']).status).toBe(0);
    expect(run(['contracts', '--help']).status).toBe(0);
  });

  it('an unknown command is a usage error', () => {
    const r = run(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('refuses to start on invalid configuration, listing every problem before listening', async () => {
    const port = await freePort();
    const r = run(['start'], { CITYBRAIN_HTTP_PORT: 'eighty', CITYBRAIN_MQTT_PORT: String(port), DATABASE_URL: 'mysql://x/y', CITYBRAIN_LOG_LEVEL: 'loud' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/CITYBRAIN_HTTP_PORT/);
    expect(r.stderr).toMatch(/DATABASE_URL/);
    expect(r.stderr).toMatch(/CITYBRAIN_LOG_LEVEL/);
    expect(r.stdout).not.toMatch(/listening/);
  });

  it('exits 1 with one line naming the setting when a port is taken (a real listener holds it)', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as { port: number }).port;
    try {
      const base = { CITYBRAIN_DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-cli-port-')), CITYBRAIN_HTTP_HOST: '127.0.0.1', CITYBRAIN_MQTT_HOST: '127.0.0.1', CITYBRAIN_MQTT_WS: 'off' };
      for (const [setting, other] of [['CITYBRAIN_HTTP_PORT', 'CITYBRAIN_MQTT_PORT'], ['CITYBRAIN_MQTT_PORT', 'CITYBRAIN_HTTP_PORT']] as const) {
        const r = run(['start'], { ...base, [setting]: String(taken), [other]: '0' });
        expect(r.status, setting).toBe(1);
        // One line and nothing else: no deprecation or other warning either.
        expect(r.stderr.trim().split('\n'), setting).toEqual([
          `citybrain: startup failed: port ${taken} on 127.0.0.1 is already in use (set ${setting} to another port, or 0 for any free port)`,
        ]);
        expect(r.stdout).not.toMatch(/citybrain listening/);
      }
    } finally {
      holder.close();
    }
  });

  it('exits 1 naming the URL setting when PostgreSQL or Redis cannot be reached', async () => {
    const closed = await freePort();
    const base = { CITYBRAIN_DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-cli-url-')), CITYBRAIN_HTTP_PORT: '0', CITYBRAIN_MQTT_PORT: '0', CITYBRAIN_MQTT_WS: 'off', CITYBRAIN_LOG_LEVEL: 'silent' };
    const pg = run(['start'], { ...base, DATABASE_URL: `postgres://u:secret@127.0.0.1:${closed}/db` });
    expect(pg.status).toBe(1);
    expect(pg.stderr).toMatch(new RegExp(`startup failed: .*ECONNREFUSED 127.0.0.1:${closed} \\(check DATABASE_URL\\)`));
    const redis = run(['start'], { ...base, REDIS_URL: `redis://127.0.0.1:${closed}` });
    expect(redis.status).toBe(1);
    expect(redis.stderr.trim()).toBe(`citybrain: startup failed: DEPENDENCY_UNREACHABLE: cannot reach Redis at redis://127.0.0.1:${closed} (REDIS_URL): connect ECONNREFUSED 127.0.0.1:${closed}`);
  });

  it('config names the variable, the value and what is allowed', () => {
    const r = run(['config'], { CITYBRAIN_HTTP_PORT: 'abc', CITYBRAIN_AUTO_DISPATCH: 'yellow', CITYBRAIN_TELEMETRY_FLUSH_MS: '50ms' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('CITYBRAIN_HTTP_PORT="abc": must be an integer from 0 to 65535');
    expect(r.stderr).toContain('CITYBRAIN_AUTO_DISPATCH="yellow": must be one of off, red, orange');
    expect(r.stderr).not.toMatch(/FLUSH/);
  });

  it('refuses to start on a Redis that could lose scheduled jobs (no appendonly), saying why', async () => {
    const redis = await startRedis({ appendonly: false });
    try {
      const [http, mqttPort] = [await freePort(), await freePort()];
      const r = run(['start'], {
        REDIS_URL: redis.url, CITYBRAIN_DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-cli-redis-')), CITYBRAIN_HTTP_PORT: String(http),
        CITYBRAIN_MQTT_PORT: String(mqttPort), CITYBRAIN_MQTT_WS: 'off', CITYBRAIN_LOG_LEVEL: 'silent',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/REDIS_NOT_DURABLE: .*appendonly/);
      expect(r.stdout).not.toMatch(/listening/);
    } finally {
      await redis.stop();
    }
  });

  it('starts, prints where it listens and the generated token once, and on SIGTERM flushes what it acknowledged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-cli-'));
    const [http, mqttPort] = [await freePort(), await freePort()];
    const env = { CITYBRAIN_DATA_DIR: dataDir, CITYBRAIN_HTTP_PORT: String(http), CITYBRAIN_MQTT_PORT: String(mqttPort), CITYBRAIN_MQTT_WS: 'off', CITYBRAIN_HTTP_HOST: '127.0.0.1', CITYBRAIN_MQTT_HOST: '127.0.0.1' };
    const first = await startCitybrain(env);
    const banner = first.output();
    expect(banner).toContain(`http://127.0.0.1:${http}`);
    expect(banner).toContain(`mqtt://127.0.0.1:${mqttPort}`);
    const token = /admin token\s+(\S+)\s+\(generated now/.exec(banner)?.[1];
    expect(token).toBeTruthy();
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);

    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`http://127.0.0.1:${http}/api/v1/devices`, {
      method: 'POST', headers: auth, body: JSON.stringify({ id: 'dr-7', kind: 'drainage', location: { lon: 120.4, lat: 36.1 } }),
    });
    expect(created.status).toBe(201);
    const { credentials } = (await created.json()) as { credentials: { username: string; password: string } };
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'dr-7', username: 'dr-7', password: credentials.password, reconnectPeriod: 0 });
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 50; i++) await c.publishAsync('devices/dr-7/telemetry', JSON.stringify({ ts: t0 + i, metrics: { level_m: i / 100 } }), { qos: 1 });
    await c.endAsync();

    first.child.kill('SIGTERM');
    const [code] = (await once(first.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(first.output()).toMatch(/stopped/);

    // Second start: same data dir, the token is not printed again, and every acknowledged reading is there.
    const second = await startCitybrain(env);
    expect(second.output()).not.toContain(token!);
    const res = await fetch(`http://127.0.0.1:${http}/api/v1/devices/dr-7/readings?metric=level_m&from=${t0}&to=${t0 + 1000}`, { headers: auth });
    const body = (await res.json()) as { series: Record<string, unknown[]> };
    expect(body.series.level_m).toHaveLength(50);
    const dev = (await (await fetch(`http://127.0.0.1:${http}/api/v1/devices/dr-7`, { headers: auth })).json()) as { online: boolean };
    expect(dev.online).toBe(false);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });
});
