import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pg from 'pg';
import { expect, inject, vi } from 'vitest';
import { startPlatform, type Platform, type PlatformOptions } from '../../app/platform.js';
import { loadConfig, type Config } from '../../kernel/config.js';
import { silentLogger } from '../../kernel/logger.js';
import { startRedis } from '../servers/redis.js';
import { startSimDocks, type SimVehicle } from '../../simulators/index.js';

export const TOKEN = 'e2e-admin-token-0123456789';

/** The whole platform in this process on free ports, with its own data dir (and optional real engines). */
export async function bootPlatform(env: Record<string, string> = {}, overrides: Partial<Config> = {}, opts: Omit<PlatformOptions, 'log'> = {}): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-e2e-'));
  const config = loadConfig(
    { CITYBRAIN_ADMIN_TOKEN: TOKEN, CITYBRAIN_DATA_DIR: dataDir, ...env },
    { httpHost: '127.0.0.1', httpPort: 0, mqttHost: '127.0.0.1', mqttPort: 0, mqttWsPort: 0, mqttTlsPort: 0, telemetryFlushMs: 10, ...overrides },
  );
  return startPlatform(config, { log: silentLogger(), ...opts });
}

export async function api<T = unknown>(p: Platform, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${p.http.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface Provisioned {
  id: string;
  password: string;
}

export async function provision(p: Platform, id: string, kind: string, lon = 120.38, lat = 36.07): Promise<Provisioned> {
  const r = await api<{ credentials: { username: string; password: string } }>(p, 'POST', '/api/v1/devices', { id, kind, location: { lon, lat } });
  if (r.status !== 201) throw new Error(`provision ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return { id, password: r.body.credentials.password };
}

export function connectDevice(p: Platform, d: Provisioned, extra: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, {
      clientId: d.id,
      username: d.id,
      password: d.password,
      reconnectPeriod: 0,
      protocolVersion: 4,
      ...extra,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      reject(e);
    });
  });
}

/** A fresh database on the test PostgreSQL server (integration project only). */
export async function freshPostgresDb(prefix = 'cb_e2e'): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: inject('postgresUrl') });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return inject('postgresUrl').replace(/\/postgres$/, `/${name}`);
}

/**
 * The two configurations every end-to-end suite runs in: embedded defaults, and the real engines
 * (PostgreSQL registry and stores, InfluxDB 1.x telemetry) started by the integration global setup.
 */
export const ENGINE_CONFIGURATIONS: [string, () => Promise<Record<string, string>>][] = [
  ['embedded (SQLite registry, SQLite telemetry)', async () => ({})],
  [
    'real engines (PostgreSQL registry, InfluxDB 1.x telemetry)',
    async () => ({ DATABASE_URL: await freshPostgresDb(), INFLUX_URL: inject('influxUrl'), INFLUX_DB: `e2e_${randomBytes(4).toString('hex')}` }),
  ],
];

export interface EngineSetup {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Every engine switched on: ENGINE_CONFIGURATIONS' real engines plus a durable Redis of the test's own
 * (BullMQ Job Schedulers, Redis-atomic airspace intents). Pair each with `stop()` in afterAll.
 */
export const ALL_ENGINES: [string, () => Promise<EngineSetup>][] = [
  ['embedded (SQLite, in-process scheduler)', async () => ({ env: {}, stop: async () => {} })],
  [
    'real engines (PostgreSQL, InfluxDB 1.x, Redis: BullMQ and intents)',
    async () => {
      const redis = await startRedis();
      return { env: { ...(await ENGINE_CONFIGURATIONS[1]![1]()), REDIS_URL: redis.url }, stop: () => redis.stop() };
    },
  ],
];

/**
 * The platform with CITYBRAIN_DEMO=on: simulated MAVLink vehicles (loopback UDP, 25× time) at the demo docks,
 * resolved once every drone's session is up (first HEARTBEAT). `vehicles[i]` flies from `demoDocks[i]`.
 */
export async function bootDemoPlatform(options: Omit<PlatformOptions, 'log'> = {}, env: Record<string, string> = {}, sim: { cameraHost?: string } = {}): Promise<{ p: Platform; vehicles: SimVehicle[] }> {
  let vehicles: SimVehicle[] = [];
  const p = await bootPlatform({ CITYBRAIN_DEMO: 'on', CITYBRAIN_DEMO_SPEEDUP: '25', ...env }, {}, {
    ...options,
    demoVehicles: async (homes, o) => {
      const f = await startSimDocks(homes, { timeScale: o.timeScale, tickMs: 20, minLinkLossMs: 4000, ...sim });
      vehicles = f.vehicles;
      return f;
    },
  });
  await vi.waitFor(() => expect([...p.droneOps.vehicles.values()].every((v) => v.state.health === 'ok')).toBe(true), { timeout: 10_000, interval: 50 });
  return { p, vehicles };
}
