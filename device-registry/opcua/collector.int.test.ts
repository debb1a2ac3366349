/**
 * The OPC UA collector against the simulated heat station over a real OPC UA connection on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import type { Reading, ViolationRecord, PresenceChange } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import { HEAT_STATION_MAPPING, HeatStation } from '../../simulators/opcua/index.js';
import { createSqlTelemetryStore, TelemetryWriter, type TelemetryStore } from '../telemetry/index.js';
import { OpcuaCollector } from './collector.js';
import { normalizeSource, type OpcuaSourceInput } from './source.js';

const DEVICE = { id: 'heat-opc-1', kind: 'heat', district: '370202', asset: 'station-7' };
const dir = mkdtempSync(join(tmpdir(), 'cb-opcua-int-'));
let station: HeatStation;
let store: TelemetryStore;
let writer: TelemetryWriter;
let collector: OpcuaCollector | undefined;

const source = (endpoint: string, extra: Partial<OpcuaSourceInput> = {}) =>
  normalizeSource({ deviceId: DEVICE.id, endpoint, samplingMs: 100, publishingMs: 100, mapping: HEAT_STATION_MAPPING, ...extra }, extra.id ?? 'src-1', 1, 1);

function makeCollector(bus: EventBus): OpcuaCollector {
  collector = new OpcuaCollector({
    bus,
    clock: systemClock,
    log: silentLogger(),
    sink: writer,
    devices: { lookup: (id) => (id === DEVICE.id ? DEVICE : undefined) },
    pkiDir: join(dir, 'client-pki'),
    retry: { initialDelayMs: 100, maxDelayMs: 400 },
  });
  return collector;
}

function record(bus: EventBus) {
  const readings: Reading[] = [];
  const violations: ViolationRecord[] = [];
  const presence: PresenceChange[] = [];
  bus.on('reading', (r) => void readings.push(r));
  bus.on('violation', (v) => void violations.push(v));
  bus.on('presence', (p) => void presence.push(p));
  return { readings, violations, presence };
}

beforeAll(async () => {
  station = new HeatStation({ seed: 7, tickMs: 200, pkiDir: join(dir, 'station') });
  await station.start({ port: 0 });
  store = createSqlTelemetryStore({ file: join(dir, 'telemetry.sqlite') });
  writer = new TelemetryWriter({ store, log: silentLogger(), batchSize: 100, flushMs: 10, bufferMax: 10_000, spillDir: join(dir, 'spill'), spillMaxBytes: 1e7 });
}, 60_000);

afterEach(async () => {
  await collector?.stop();
  collector = undefined;
  station.setFault(null);
  station.pin({});
});

afterAll(async () => {
  await station.stop();
  await writer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpcuaCollector over a real OPC UA connection', () => {
  it('turns each publish into one heat reading, written to the store and emitted on the bus', async () => {
    const bus = new EventBus();
    const seen = record(bus);
    const c = makeCollector(bus);
    station.pin({ SupplyTemp: 61.5 });
    await c.apply(source(station.endpoint));
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 50 });
    const first = seen.readings[0]!;
    expect(first).toMatchObject({ deviceId: DEVICE.id, kind: 'heat', district: '370202', asset: 'station-7' });
    // The first publish carries every monitored item's initial value.
    expect(Object.keys(first.metrics).sort()).toEqual(['flow_m3h', 'return_pressure_mpa', 'return_temp_c', 'supply_pressure_mpa', 'supply_temp_c']);
    expect(first.metrics['supply_temp_c']).toBe(61.5);
    expect(Math.abs(first.ts - Date.now())).toBeLessThan(10_000);
    await vi.waitFor(async () => expect((await store.latest(DEVICE.id))['supply_temp_c']).toBeDefined(), { timeout: 5_000 });
    const st = c.status('src-1')!;
    expect(st.state).toBe('connected');
    expect(st.counters.readings).toBeGreaterThanOrEqual(2);
    expect(st.counters.values).toBeGreaterThanOrEqual(st.counters.readings);
    expect(seen.presence[0]).toMatchObject({ deviceId: DEVICE.id, online: true, reason: 'opcua' });
    expect(station.sessionCount).toBe(1);
    await c.stop();
    expect(seen.presence.at(-1)).toMatchObject({ online: false, reason: 'opcua' });
    await vi.waitFor(() => expect(station.sessionCount).toBe(0), { timeout: 5_000 });
  }, 30_000);

  it('reports an out-of-range value as a contract violation and does not store it', async () => {
    const bus = new EventBus();
    const seen = record(bus);
    const c = makeCollector(bus);
    await c.apply(source(station.endpoint));
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThanOrEqual(1), { timeout: 15_000, interval: 50 });
    station.setFault('sensor_overrange');
    await vi.waitFor(() => expect(seen.violations.length).toBeGreaterThanOrEqual(1), { timeout: 10_000, interval: 50 });
    expect(seen.violations[0]).toMatchObject({ deviceId: DEVICE.id, code: 'OUT_OF_RANGE', topic: 'opcua/src-1', path: 'metrics.supply_temp_c' });
    expect(seen.readings.some((r) => r.metrics['supply_temp_c'] === 250)).toBe(false);
    await writer.flush();
    const raw = await store.queryRaw({ deviceId: DEVICE.id, metric: 'supply_temp_c', from: 0, to: Date.now() + 60_000 });
    expect((raw['supply_temp_c'] ?? []).some((p) => p.value === 250)).toBe(false);
    expect(c.status('src-1')!.counters.violations).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('reports failed with a clear error for an endpoint where no station listens, and keeps retrying', async () => {
    const port = await freePort();
    const bus = new EventBus();
    const c = makeCollector(bus);
    await c.apply(source(`opc.tcp://127.0.0.1:${port}/UA/Nowhere`, { id: 'src-bad' }));
    await vi.waitFor(() => expect(c.status('src-bad')!.attempt).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 50 });
    const st = c.status('src-bad')!;
    expect(st.state).toBe('failed');
    expect(st.lastError).toMatch(new RegExp(`connect opc\\.tcp://127\\.0\\.0\\.1:${port}/UA/Nowhere: .*ECONNREFUSED`));
    expect(st.nextRetryAt).toBeGreaterThan(Date.now() - 1_000);
    expect(st.counters.readings).toBe(0);
  }, 30_000);
});

describe('OpcuaCollector across a station restart', () => {
  it('goes reconnecting, then connected again on the same port, with one session and readings resuming', async () => {
    const own = new HeatStation({ seed: 9, tickMs: 200, pkiDir: join(dir, 'station-2') });
    await own.start({ port: 0 });
    const port = own.port;
    try {
      const bus = new EventBus();
      const seen = record(bus);
      const c = makeCollector(bus);
      await c.apply(source(own.endpoint, { id: 'src-r' }));
      await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 50 });
      await own.stop();
      await vi.waitFor(() => expect(c.status('src-r')!.state).toBe('reconnecting'), { timeout: 15_000, interval: 50 });
      expect(seen.presence.at(-1)).toMatchObject({ online: false, reason: 'opcua' });
      await vi.waitFor(() => expect(c.status('src-r')!.attempt).toBeGreaterThanOrEqual(1), { timeout: 15_000, interval: 50 });
      expect(c.status('src-r')!.nextRetryAt).not.toBeNull();
      const before = seen.readings.length;
      await own.start({ port });
      await vi.waitFor(() => expect(c.status('src-r')!.state).toBe('connected'), { timeout: 20_000, interval: 50 });
      await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThan(before + 1), { timeout: 15_000, interval: 50 });
      expect(seen.presence.at(-1)).toMatchObject({ online: true, reason: 'opcua' });
      expect(own.sessionCount).toBe(1);
      expect(c.status('src-r')!.sessions).toBe(2);
    } finally {
      await collector?.stop();
      await own.stop();
    }
  }, 60_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

describe('OpcuaCollector with security and user names', () => {
  it('holds an unknown station certificate as pending until trusted, collects over SignAndEncrypt with a user name, and fails clearly on a wrong password', async () => {
    const secure = new HeatStation({ seed: 11, tickMs: 200, pkiDir: join(dir, 'station-secure'), secure: true, users: [{ username: 'scada', password: 'pw-7' }] });
    await secure.start({ port: 0 });
    try {
      const bus = new EventBus();
      const seen = record(bus);
      const c = makeCollector(bus);
      await c.apply(source(secure.endpoint, { id: 'src-s', securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', username: 'scada', password: 'pw-7' }));
      await vi.waitFor(() => expect(c.status('src-s')!.certificate?.trust).toBe('pending'), { timeout: 30_000, interval: 50 });
      const pending = c.status('src-s')!;
      expect(pending.state).toBe('failed');
      expect(pending.lastError).toMatch(/OPCUA_CERTIFICATE_UNTRUSTED: the station certificate [0-9a-f]{40} is not trusted yet \(pending\)/);
      const [cert] = await c.certificates();
      expect(cert).toMatchObject({ thumbprint: pending.certificate!.thumbprint, state: 'pending', decidedAt: null });
      expect(cert!.validTo).toBeGreaterThan(Date.now());
      expect(seen.readings).toEqual([]);
      await c.decide(cert!.thumbprint, 'trust');
      await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 50 });
      expect(c.status('src-s')!.certificate).toEqual({ thumbprint: cert!.thumbprint, trust: 'trusted' });
      expect(c.status('src-s')!.state).toBe('connected');
      await c.apply(source(secure.endpoint, { id: 'src-s', securityMode: 'Sign', securityPolicy: 'Basic256Sha256', username: 'scada', password: 'wrong' }));
      await vi.waitFor(() => expect(c.status('src-s')!.state).toBe('failed'), { timeout: 30_000, interval: 50 });
      expect(c.status('src-s')!.lastError).toMatch(/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/);
    } finally {
      await collector?.stop();
      await secure.stop();
    }
  }, 90_000);
});
