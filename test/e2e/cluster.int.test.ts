/**
 * Scaling out (architecture.md "MQTT broker at scale"): two platform nodes on one PostgreSQL database, one
 * InfluxDB and one durable Redis with CITYBRAIN_MQTT_CLUSTER=on, as behind a TCP load balancer. A device provisioned through
 * node A's HTTP API connects to node B; its reading is queryable through A; a command sent through A's HTTP
 * API round-trips through B (audited); a revocation on A closes the live session on B.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { startRedis, type RedisServer } from '../servers/redis.js';
import { api, bootPlatform, freshPostgresDb, provision } from './helpers.js';

let redis: RedisServer;
let a: Platform;
let b: Platform;

beforeAll(async () => {
  redis = await startRedis();
  const env = {
    DATABASE_URL: await freshPostgresDb('cb_cluster'),
    INFLUX_URL: inject('influxUrl'),
    INFLUX_DB: `cluster_${randomBytes(3).toString('hex')}`,
    REDIS_URL: redis.url,
    CITYBRAIN_MQTT_CLUSTER: 'on',
    CITYBRAIN_CREDENTIAL_KEY: randomBytes(32).toString('hex'),
    CITYBRAIN_MQTT_CLUSTER_PREFIX: `t${randomBytes(3).toString('hex')}:`,
  };
  a = await bootPlatform(env);
  b = await bootPlatform(env);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await redis?.stop();
});

describe('two broker nodes sharing Redis', () => {
  it('provisions on A, connects to B, stores the reading, round-trips a command and revokes across nodes', async () => {
    const d = await provision(a, 'wm-cluster-1', 'water', 120.38, 36.07);
    // B learns of the device through the shared registry (PostgreSQL) when it authenticates.
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.mqtt.tcpPort}`, { clientId: d.id, username: d.id, password: d.password, reconnectPeriod: 0 });
    await device.subscribeAsync(`devices/${d.id}/commands/+`, { qos: 1 });
    device.on('message', (topic, payload) => {
      if (!topic.endsWith('/selftest')) return;
      void device.publishAsync(`${topic}/reply`, JSON.stringify({ ok: true, message: `selftest passed (${payload.length} bytes)` }), { qos: 1 });
    });

    const ts = Date.now() - 1000;
    await device.publishAsync(`devices/${d.id}/telemetry`, JSON.stringify({ ts, metrics: { pressure_mpa: 0.33 } }), { qos: 1 });
    const raw = await api<{ series: Record<string, { ts: number; value: number }[]> }>(a, 'GET', `/api/v1/devices/${d.id}/readings?metric=pressure_mpa&from=${ts - 1}&to=${ts + 1}`);
    expect(raw.body.series.pressure_mpa).toEqual([{ ts, value: 0.33 }]);

    // The HTTP route on A (the device is on B), with its audit entry.
    const sent = await api<{ reply: { ok: boolean; message?: string } }>(a, 'POST', `/api/v1/devices/${d.id}/commands/selftest`, { timeoutMs: 5_000 });
    expect(sent.status).toBe(200);
    expect(sent.body.reply).toMatchObject({ ok: true });
    // The audit entry is written once the response has gone out (after the reply), so it is polled for.
    await vi.waitFor(async () => {
      const audit = await api<{ items: { route?: string; status?: number; detail?: Record<string, unknown> }[] }>(a, 'GET', '/api/v1/audit?limit=20');
      expect(audit.body.items.find((e) => e.detail?.command === 'selftest')).toMatchObject({ status: 200, detail: { command: 'selftest', outcome: 'ok' } });
    }, { timeout: 10_000 });
    // A command the contract does not know, and one to a device no node holds.
    expect((await api<{ error: { code: string } }>(b, 'POST', `/api/v1/devices/${d.id}/commands/self_destruct`, {})).body.error.code).toBe('CONTRACT_VIOLATION');
    const idle = await provision(a, 'wm-cluster-idle', 'water', 120.38, 36.07);
    const off = await api<{ error: { code: string } }>(b, 'POST', `/api/v1/devices/${idle.id}/commands/selftest`);
    expect([off.status, off.body.error.code]).toEqual([409, 'DEVICE_OFFLINE']);

    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    expect((await api(a, 'POST', `/api/v1/devices/${d.id}/revoke`)).status).toBe(204);
    await closed;
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.mqtt.tcpPort}`, { clientId: d.id, username: d.id, password: d.password, reconnectPeriod: 0 }).catch((e: Error) => e);
    expect(again).toBeInstanceOf(Error);
    await vi.waitFor(async () => expect((await api<{ online: boolean }>(a, 'GET', `/api/v1/devices/${d.id}`)).body.online).toBe(false), { timeout: 5_000 });
    device.end(true);
  });
});
