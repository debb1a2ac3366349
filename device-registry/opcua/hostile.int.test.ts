/**
 * The collector against a station that misbehaves as field stations do (simulators/opcua/hostile-station.ts),
 * over real OPC UA on loopback: Good-but-empty Republish, no TransferSubscriptions, lost sessions, nodes
 * that do not fit their metric.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import type { PresenceChange, Reading, ViolationRecord } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import { HEAT_STATION_MAPPING, HOSTILE_NODES, HostileStation } from '../../simulators/opcua/index.js';
import { OpcuaCollector } from './collector.js';
import type { WatchdogSettings } from './connection.js';
import { normalizeSource, type NodeMapping } from './source.js';

const DEVICE = { id: 'heat-hostile', kind: 'heat', district: '370202', asset: null };
const dir = mkdtempSync(join(tmpdir(), 'cb-opcua-hostile-'));
let station: HostileStation;
let collector: OpcuaCollector | undefined;

function start(watchdog: Partial<WatchdogSettings>) {
  const bus = new EventBus();
  const seen = { readings: [] as Reading[], violations: [] as ViolationRecord[], presence: [] as PresenceChange[] };
  bus.on('reading', (r) => void seen.readings.push(r));
  bus.on('violation', (v) => void seen.violations.push(v));
  bus.on('presence', (p) => void seen.presence.push(p));
  collector = new OpcuaCollector({
    bus, clock: systemClock, log: silentLogger(), devices: { lookup: (id) => (id === DEVICE.id ? DEVICE : undefined) },
    sink: { write: async () => {} }, pkiDir: join(dir, 'client-pki'), retry: { initialDelayMs: 100, maxDelayMs: 400 }, watchdog,
  });
  return { c: collector, seen };
}

const source = (id: string, mapping: NodeMapping[] = HEAT_STATION_MAPPING) =>
  normalizeSource({ id, deviceId: DEVICE.id, endpoint: station.endpoint, samplingMs: 100, publishingMs: 100, mapping }, id, 1, 1);

beforeAll(async () => {
  station = new HostileStation({ seed: 5, tickMs: 200, pkiDir: join(dir, 'station') });
  await station.start({ port: 0 });
}, 60_000);

afterEach(async () => {
  await collector?.stop();
  collector = undefined;
  station.pin({});
});

afterAll(async () => {
  await station.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchdog: recovery without an operator', () => {
  it('a network break where Republish answers Good-but-empty: the hot repair loop is cut and a fresh connection resumes the data', async () => {
    // Silence alone would take 30 s here: the hot repair loop must be what trips.
    const { c, seen } = start({ minSilenceMs: 30_000, maxRepairsPerSecond: 20 });
    await c.apply(source('brk'));
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 50 });
    station.interruptChannels();
    await vi.waitFor(() => expect(c.status('brk')!.watchdog.trips).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 50 });
    expect(c.status('brk')!.watchdog.lastReason).toMatch(/repair loop running hot: more than 20 repair requests/);
    const before = seen.readings.length;
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThan(before + 3), { timeout: 30_000, interval: 50 });
    const st = c.status('brk')!;
    expect(st).toMatchObject({ state: 'connected', lastError: null, nextRetryAt: null, attempt: 0 });
    expect(st.counters.errors).toBeGreaterThanOrEqual(1);
    // The Republish storm stopped: no more requests while data keeps coming.
    const republished = station.republishRequests;
    const now = seen.readings.length;
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThan(now + 3), { timeout: 20_000, interval: 50 });
    expect(station.republishRequests).toBe(republished);
    expect(seen.presence.map((p) => p.online)).toEqual(expect.arrayContaining([true, false]));
    expect(seen.presence.at(-1)).toMatchObject({ online: true, reason: 'opcua' });
  }, 90_000);

  it('a station restart (session lost, TransferSubscriptions unsupported): reconnects afresh, says why, clears lastError', async () => {
    const { c, seen } = start({ minSilenceMs: 3_000, maxRepairsPerSecond: 20 });
    await c.apply(source('rst'));
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 50 });
    await station.restart();
    await vi.waitFor(() => expect(c.status('rst')!.watchdog.trips).toBeGreaterThanOrEqual(1), { timeout: 30_000, interval: 50 });
    const tripped = c.status('rst')!;
    expect(tripped.watchdog.lastReason).toMatch(/repair loop running hot|no data and no keep-alive/);
    const before = seen.readings.length;
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThan(before + 3), { timeout: 30_000, interval: 50 });
    const st = c.status('rst')!;
    expect(st).toMatchObject({ state: 'connected', lastError: null, nextRetryAt: null });
    expect(st.sessions).toBeGreaterThanOrEqual(2);
    expect(station.sessionCount).toBe(1);
    expect(seen.presence.at(-1)).toMatchObject({ online: true });
  }, 90_000);
});

describe('per-node status', () => {
  it('stores the good nodes while a String node, a missing node and a UInt64 beyond 2^53 are named per node', async () => {
    const { c, seen } = start({});
    await c.apply(source('mix', [
      { nodeId: 'ns=1;s=HeatStation.SupplyTemp', metric: 'supply_temp_c' },
      { nodeId: 'ns=1;s=HeatStation.ReturnTemp', metric: 'return_temp_c' },
      { nodeId: HOSTILE_NODES.flowText, metric: 'flow_m3h' },
      { nodeId: 'ns=1;s=HeatStation.Nope', metric: 'supply_pressure_mpa' },
      { nodeId: HOSTILE_NODES.hugeUInt64, metric: 'return_pressure_mpa' },
    ]));
    await vi.waitFor(() => expect(seen.readings.length).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 50 });
    expect(Object.keys(seen.readings[0]!.metrics).sort()).toEqual(['return_temp_c', 'supply_temp_c']);
    await vi.waitFor(() => expect(c.status('mix')!.nodes[4]!.state).toBe('bad'), { timeout: 10_000, interval: 50 });
    const [supply, ret, text, nope, huge] = c.status('mix')!.nodes;
    expect(supply).toMatchObject({ state: 'good', unit: '°C', lastError: null });
    expect(supply!.lastGoodAt).toBeGreaterThan(0);
    expect(typeof supply!.value).toBe('number');
    expect(ret).toMatchObject({ state: 'good' });
    expect(text).toMatchObject({ state: 'invalid', lastError: expect.stringMatching(/^OPCUA_MAPPING_INVALID: node has data type String; metric flow_m3h needs a number/) });
    expect(nope).toMatchObject({ state: 'invalid', lastError: expect.stringMatching(/^OPCUA_MAPPING_INVALID: node does not exist .*BadNodeIdUnknown/) });
    expect(huge).toMatchObject({ state: 'bad', value: null, lastError: expect.stringMatching(/^OPCUA_MAPPING_INVALID: UInt64 value .* beyond ±9007199254740991/) });
    expect(c.status('mix')!).toMatchObject({ state: 'connected', lastError: null });
  }, 60_000);

  it('converts an Int64 node and refuses a node whose EngineeringUnits differ from the contract unit', async () => {
    const { c, seen } = start({});
    station.setFlowInt64(181);
    await c.apply(source('i64', [
      { nodeId: 'ns=1;s=HeatStation.SupplyTemp', metric: 'supply_temp_c' },
      { nodeId: 'ns=1;s=HeatStation.ReturnTemp', metric: 'return_temp_c' },
      { nodeId: HOSTILE_NODES.flowInt64, metric: 'flow_m3h' },
      { nodeId: HOSTILE_NODES.supplyTempF, metric: 'supply_pressure_mpa' },
    ]));
    await vi.waitFor(() => expect(seen.readings.some((r) => r.metrics['flow_m3h'] === 181)).toBe(true), { timeout: 20_000, interval: 50 });
    const nodes = c.status('i64')!.nodes;
    expect(nodes[2]).toMatchObject({ state: 'good', value: 181 });
    expect(nodes[3]).toMatchObject({ state: 'invalid', unit: '°F', lastError: expect.stringMatching(/station unit °F .* differs from the contract unit MPa/) });
    expect(seen.violations.filter((v) => v.path === 'metrics.flow_m3h')).toEqual([]);
  }, 60_000);

  it('flags a constant out-of-range optional value on every publish while it persists, and stores the other metrics', async () => {
    const { c, seen } = start({});
    station.pin({ SupplyTemp: 70, ReturnTemp: 50, SupplyPressure: 0.6, ReturnPressure: 0.3, Flow: 100 });
    await c.apply(source('oor'));
    await vi.waitFor(() => expect(c.status('oor')!.nodes[2]!.state).toBe('good'), { timeout: 20_000, interval: 50 });
    const goodAt = c.status('oor')!.nodes[2]!.lastGoodAt;
    station.pin({ SupplyTemp: 70, ReturnTemp: 50, SupplyPressure: 9, ReturnPressure: 0.3, Flow: 100 });
    await vi.waitFor(() => expect(seen.violations.filter((v) => v.path === 'metrics.supply_pressure_mpa').length).toBe(1), { timeout: 10_000, interval: 20 });
    const readingsAt = seen.readings.length;
    // Only the supply temperature changes from now on; the pressure stays at 9 MPa and is not re-sent.
    for (let i = 0; i < 3; i++) {
      station.pin({ SupplyTemp: 71 + i, ReturnTemp: 50, SupplyPressure: 9, ReturnPressure: 0.3, Flow: 100 });
      await vi.waitFor(() => expect(seen.readings.some((r) => r.metrics['supply_temp_c'] === 71 + i)).toBe(true), { timeout: 10_000, interval: 20 });
    }
    expect(seen.violations.filter((v) => v.path === 'metrics.supply_pressure_mpa').length).toBeGreaterThanOrEqual(4);
    expect(seen.readings.slice(readingsAt).every((r) => !('supply_pressure_mpa' in r.metrics))).toBe(true);
    expect(c.status('oor')!.nodes[2]).toMatchObject({ state: 'violating', value: 9, lastGoodAt: goodAt, lastError: expect.stringMatching(/^OUT_OF_RANGE/) });
    station.pin({ SupplyTemp: 75, ReturnTemp: 50, SupplyPressure: 0.7, ReturnPressure: 0.3, Flow: 100 });
    await vi.waitFor(() => expect(c.status('oor')!.nodes[2]).toMatchObject({ state: 'good', value: 0.7, lastError: null }), { timeout: 10_000, interval: 20 });
  }, 60_000);
});
