/**
 * The documented load balancer in front of the cluster (docs/scaling.md): HAProxy from Debian with
 * docs/examples/haproxy.cfg, three `citybrain start` processes with CITYBRAIN_MQTT_CLUSTER=on on one
 * PostgreSQL, InfluxDB and Redis. One node is killed with SIGKILL: its devices reconnect through HAProxy to
 * the other two, every device is online again, a device that does not come back is reported offline by a
 * survivor once the dead node's lease expired, and every reading a device had acknowledged is stored.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { findBinary, startProcess, type ServerProcess } from '../servers/child.js';
import { freePort } from '../servers/free-port.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { startCitybrain } from './cli-process.js';
import { freshPostgresDb } from './helpers.js';

const TOKEN = randomBytes(24).toString('hex');
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const DEVICES = 9;

interface Node { child: ChildProcess; http: string; mqttPort: number }
interface Device { id: string; client: MqttClient; acked: number[]; closes: number }

let redis: RedisServer;
let haproxy: ServerProcess;
let front: number;
const prefix = `h${randomBytes(3).toString('hex')}:`;
const nodes: Node[] = [];

/** The example config with its bind and server addresses replaced. */
function haproxyConfig(frontPort: number, backends: number[]): string {
  const example = readFileSync(join(import.meta.dirname, '../../docs/examples/haproxy.cfg'), 'utf8');
  const servers = backends.map((p, i) => `    server node${i + 1} 127.0.0.1:${p}`).join('\n');
  return example
    .replace(/^ {4}bind :1883$/m, `    bind 127.0.0.1:${frontPort}`)
    .replace(/(^ {4}server node\d .*\n?)+/m, `${servers}\n`)
    .replace(/^ {4}maxconn \d+$/m, '    maxconn 1000');
}

async function get<T>(node: Node, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${node.http}${path}`, { headers: auth });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * The node holding most of `ids`, from the cluster's device → node map in Redis; node ids are learnt by
 * connecting a probe device straight to each node.
 */
async function busiestNode(probe: { id: string; password: string }, ids: string[]): Promise<Node> {
  const r = new Redis(redis.url);
  const live = `${prefix}live`;
  const nodeIds: string[] = [];
  for (const n of nodes) {
    const d = await device(probe.id, probe.password, n.mqttPort, false);
    await vi.waitFor(async () => expect(await r.hget(live, probe.id)).not.toBe(nodeIds.at(-1) ?? null));
    nodeIds.push((await r.hget(live, probe.id))!);
    await d.client.endAsync();
  }
  const holders = await Promise.all(ids.map((id) => r.hget(live, id)));
  r.disconnect();
  const counts = nodeIds.map((nid) => holders.filter((h) => h === nid).length);
  return nodes[counts.indexOf(Math.max(...counts))]!;
}

beforeAll(async () => {
  redis = await startRedis();
  const env = {
    DATABASE_URL: await freshPostgresDb('cb_haproxy'),
    INFLUX_URL: inject('influxUrl'),
    INFLUX_DB: `haproxy_${randomBytes(3).toString('hex')}`,
    REDIS_URL: redis.url,
    CITYBRAIN_MQTT_CLUSTER: 'on',
    CITYBRAIN_MQTT_CLUSTER_PREFIX: prefix,
    CITYBRAIN_MQTT_CLUSTER_LEASE_MS: '2000',
    CITYBRAIN_CREDENTIAL_KEY: randomBytes(32).toString('hex'),
    CITYBRAIN_ADMIN_TOKEN: TOKEN,
    CITYBRAIN_CONSOLE: 'off',
    CITYBRAIN_MQTT_WS: 'off',
    // HAProxy sends each device's address in a PROXY v2 header (docs/examples/haproxy.cfg); the test's devices
    // all run on 127.0.0.1, so they do share one address here.
    CITYBRAIN_MQTT_PROXY_PROTOCOL: 'on',
    CITYBRAIN_MQTT_PROXY_TRUSTED: '127.0.0.1',
    CITYBRAIN_MQTT_MAX_PENDING_PER_ADDRESS: '1000',
    CITYBRAIN_MQTT_AUTH_FAILURES_PER_ADDRESS: '10000',
  };
  for (let i = 0; i < 3; i++) {
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'cb-haproxy-node-'));
    const { child } = await startCitybrain({ ...env, CITYBRAIN_HTTP_PORT: String(httpPort), CITYBRAIN_MQTT_PORT: String(mqttPort), CITYBRAIN_DATA_DIR: dataDir });
    nodes.push({ child, http: `http://127.0.0.1:${httpPort}`, mqttPort });
  }
  front = await freePort();
  const cfg = join(mkdtempSync(join(tmpdir(), 'cb-haproxy-')), 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(front, nodes.map((n) => n.mqttPort)));
  haproxy = startProcess('haproxy', findBinary('haproxy', 'haproxy'), ['-db', '-f', cfg]);
}, 240_000);

afterAll(async () => {
  await haproxy?.stop();
  for (const n of nodes) n.child.kill('SIGTERM');
  await redis?.stop();
});

/**
 * A device through HAProxy (`port` = the frontend), or straight to a node from 127.0.0.2: the nodes expect a
 * PROXY header from HAProxy's address (127.0.0.1) only, so a direct client comes from another address.
 */
function device(id: string, password: string, port: number, reconnect: boolean): Promise<Device> {
  const opts = { clientId: id, username: id, password, reconnectPeriod: reconnect ? 300 : 0, connectTimeout: 5_000 };
  const direct = port !== front;
  const client = direct ? new mqtt.MqttClient(() => connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }), opts) : mqtt.connect(`mqtt://127.0.0.1:${port}`, opts);
  const d: Device = { id, client, acked: [], closes: 0 };
  d.client.on('error', () => {});
  d.client.on('close', () => d.closes++);
  return new Promise((resolve) => d.client.once('connect', () => resolve(d)));
}

/** QoS 1 readings, one timestamp each; a reading counts once its PUBACK arrived. */
function publishing(d: Device, t0: number): () => void {
  let seq = 0;
  let on = true;
  const next = (): void => {
    if (!on) return;
    const ts = t0 + seq++;
    d.client.publishAsync(`devices/${d.id}/telemetry`, JSON.stringify({ ts, metrics: { pressure_mpa: 0.3 } }), { qos: 1 }).then(
      () => d.acked.push(ts),
      () => {}, // not acknowledged (connection lost): mqtt.js resends it after reconnecting, or it was never promised
    );
    setTimeout(next, 50);
  };
  next();
  return () => void (on = false);
}

describe('three broker nodes behind HAProxy', () => {
  it('moves the devices of a node killed with SIGKILL to the others, with presence right and no acknowledged reading lost', async () => {
    const creds: { id: string; password: string }[] = [];
    for (let i = 0; i <= DEVICES; i++) {
      const res = await fetch(`${nodes[0]!.http}/api/v1/devices`, { method: 'POST', headers: auth, body: JSON.stringify({ id: `wm-ha-${i}`, kind: 'water', location: { lon: 120.38, lat: 36.07 } }) });
      expect(res.status).toBe(201);
      creds.push({ id: `wm-ha-${i}`, password: ((await res.json()) as { credentials: { password: string } }).credentials.password });
    }
    // Nine devices through HAProxy; the node holding most of them is the one to die. One more device goes
    // straight to that node and will not come back.
    const fleet = await Promise.all(creds.slice(0, DEVICES).map((c) => device(c.id, c.password, front, true)));
    const victim = await busiestNode(creds[DEVICES]!, fleet.map((d) => d.id));
    const lone = await device(creds[DEVICES]!.id, creds[DEVICES]!.password, victim.mqttPort, false);
    const t0 = Date.now() - 5_000;
    const stops = fleet.map((d) => publishing(d, t0));
    await vi.waitFor(() => expect(fleet.every((d) => d.acked.length >= 5)).toBe(true), { timeout: 30_000 });

    victim.child.kill('SIGKILL');
    await vi.waitFor(() => expect(lone.closes).toBeGreaterThan(0), { timeout: 10_000 });
    // The victim's devices had to reconnect.
    const moved = fleet.filter((d) => d.closes > 0);
    expect(moved.length).toBeGreaterThan(0);
    const ackedAtKill = new Map(fleet.map((d) => [d.id, d.acked.length]));
    await vi.waitFor(() => expect(fleet.every((d) => d.client.connected && d.acked.length >= ackedAtKill.get(d.id)! + 5)).toBe(true), { timeout: 60_000, interval: 200 });
    for (const stop of stops) stop();

    // Presence: the fleet online (written by the nodes now holding them), the lone device offline after the lease.
    await vi.waitFor(async () => {
      const views = await Promise.all(creds.map((c) => get<{ online: boolean }>(nodes.find((n) => n !== victim)!, `/api/v1/devices/${c.id}`)));
      expect(views.map((v) => v.body.online)).toEqual([...fleet.map(() => true), false]);
    }, { timeout: 30_000, interval: 500 });

    // Every acknowledged reading is in InfluxDB (the devices on the dead node resent what it had not acknowledged).
    // Retried: a publish still in flight when the publishing stopped may be acknowledged after a query.
    await vi.waitFor(async () => {
      for (const d of fleet) {
        const r = await get<{ series: Record<string, { ts: number }[]> }>(nodes.find((n) => n !== victim)!, `/api/v1/devices/${d.id}/readings?metric=pressure_mpa&from=${t0}&to=${t0 + 100_000}`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const stored = new Set((r.body.series.pressure_mpa ?? []).map((p) => p.ts));
        expect(d.acked.filter((ts) => !stored.has(ts)), d.id).toEqual([]);
      }
    }, { timeout: 15_000, interval: 500 });
    for (const d of fleet) d.client.end(true);
    lone.client.end(true);
  }, 180_000);
});
