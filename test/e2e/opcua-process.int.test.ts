/**
 * No input through the OPC UA API or from a station ends the process: `citybrain start` as a child process
 * (real ports, real signals), the worst mappings over HTTP, a bad source already stored by an older
 * version, and a hostile station that cuts its channels; the platform stays up and answers /healthz.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KyselyOpcuaSourceStore } from '../../device-registry/index.js';
import { normalizeSource } from '../../device-registry/opcua/source.js';
import { createDatabase } from '../../kernel/db/index.js';
import { HEAT_STATION_MAPPING, HOSTILE_NODES, HostileStation } from '../../simulators/opcua/index.js';
import { freePort } from '../servers/free-port.js';
import { startCitybrain } from './cli-process.js';

const TOKEN = 'opcua-process-token-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'cb-opcua-proc-'));
let station: HostileStation;
let child: ChildProcess | undefined;
let base = '';

interface Problem { path: string; code: string; message: string }
interface StatusBody { state: string; lastError: string | null; problems: Problem[]; nodes: { state: string; lastError: string | null }[]; counters: { readings: number } }

/** `citybrain start`, left running. */
async function boot(env: Record<string, string>): Promise<ChildProcess> {
  return (await startCitybrain(env)).child;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function stillUp(): Promise<void> {
  expect(child?.exitCode, 'the platform process ended').toBeNull();
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
}

beforeAll(async () => {
  station = new HostileStation({ seed: 8, tickMs: 200 });
  await station.start({ port: 0 });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await station.stop();
});

describe('citybrain start with the worst OPC UA input', () => {
  it('refuses every bad entry by name, survives a stored garbage node id at boot and a hostile station, and keeps answering /healthz', async () => {
    const [http, mqtt] = [await freePort(), await freePort()];
    const env = { CITYBRAIN_DATA_DIR: dataDir, CITYBRAIN_ADMIN_TOKEN: TOKEN, CITYBRAIN_HTTP_PORT: String(http), CITYBRAIN_HTTP_HOST: '127.0.0.1', CITYBRAIN_MQTT_PORT: String(mqtt), CITYBRAIN_MQTT_HOST: '127.0.0.1', CITYBRAIN_MQTT_WS: 'off' };
    base = `http://127.0.0.1:${http}`;
    child = await boot(env);
    expect((await call('POST', '/api/v1/devices', { id: 'HS-9', kind: 'heat', location: { lon: 120.38, lat: 36.07 } })).status).toBe(201);

    // Every malformed node id named, each with its entry.
    const garbage = ['garbage id!', 'ns=1;s=', 'ns=x;i=7'];
    const bad = await call<{ error: { code: string; details: { problems: Problem[] } } }>('POST', '/api/v1/opcua/sources', {
      deviceId: 'HS-9', endpoint: station.endpoint,
      mapping: [...HEAT_STATION_MAPPING.slice(0, 2), ...garbage.map((nodeId, i) => ({ nodeId, metric: ['flow_m3h', 'supply_pressure_mpa', 'return_pressure_mpa'][i]! }))],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('OPCUA_SOURCE_INVALID');
    expect(bad.body.error.details.problems).toEqual(garbage.map((_, i) => expect.objectContaining({ path: `mapping[${i + 2}].nodeId`, code: 'OPCUA_NODE_ID_INVALID' })));

    // Well-formed ids that do not fit the station: accepted, named per node, the rest collected.
    const hostile = await call('POST', '/api/v1/opcua/sources', {
      id: 'hostile', deviceId: 'HS-9', endpoint: station.endpoint, samplingMs: 100, publishingMs: 100,
      mapping: [...HEAT_STATION_MAPPING.slice(0, 2), { nodeId: HOSTILE_NODES.flowText, metric: 'flow_m3h' }, { nodeId: HOSTILE_NODES.hugeUInt64, metric: 'supply_pressure_mpa' }, { nodeId: 'ns=7;s=Nowhere', metric: 'return_pressure_mpa' }],
    });
    expect(hostile.status).toBe(201);
    await vi.waitFor(async () => expect((await call<StatusBody>('GET', '/api/v1/opcua/sources/hostile/status')).body.counters.readings).toBeGreaterThan(0), { timeout: 30_000, interval: 200 });

    // A row an older version stored: a garbage node id against a reachable station.
    const db = await createDatabase({ sqliteFile: join(dataDir, 'citybrain.sqlite') });
    await new KyselyOpcuaSourceStore(db).insert(
      normalizeSource({ deviceId: 'HS-9', endpoint: station.endpoint, mapping: [...HEAT_STATION_MAPPING.slice(0, 2), { nodeId: 'garbage id!', metric: 'flow_m3h' }, { nodeId: 'also bad', metric: 'supply_pressure_mpa' }] }, 'legacy', 1, 1),
    );
    await db.close();

    // Restart on the same data: the legacy row is held as invalid instead of crashing every boot.
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
    child = await boot(env);
    const legacy = await call<StatusBody>('GET', '/api/v1/opcua/sources/legacy/status');
    expect(legacy.body.state).toBe('invalid');
    expect(legacy.body.problems.map((p) => [p.path, p.code])).toEqual([['mapping[2].nodeId', 'OPCUA_NODE_ID_INVALID'], ['mapping[3].nodeId', 'OPCUA_NODE_ID_INVALID']]);
    await vi.waitFor(async () => {
      const st = (await call<StatusBody>('GET', '/api/v1/opcua/sources/hostile/status')).body;
      expect(st.state).toBe('connected');
      expect(st.nodes.map((n) => n.state)).toEqual(['good', 'good', 'invalid', expect.stringMatching(/bad|pending/), 'invalid']);
    }, { timeout: 30_000, interval: 200 });

    // The station cuts every channel and answers Republish with Good-but-empty: the process goes on.
    station.interruptChannels();
    await vi.waitFor(async () => expect(station.republishRequests).toBeGreaterThan(0), { timeout: 30_000, interval: 200 });
    await vi.waitFor(async () => expect((await call<StatusBody>('GET', '/api/v1/opcua/sources/hostile/status')).body.state).toBe('connected'), { timeout: 60_000, interval: 200 });
    await stillUp();
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(metrics).toMatch(/citybrain_opcua_errors_total\{kind="config"\} [1-9]/);
  }, 240_000);
});
