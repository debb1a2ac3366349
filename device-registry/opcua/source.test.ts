import { describe, expect, it } from 'vitest';
import { publishToReading } from './batch.js';
import { normalizeSource, toPublicSource, validateSource, type OpcuaSourceInput } from './source.js';
import { backoffDelay } from './status.js';

const HEAT = { kind: 'heat' };
const input = (over: Partial<OpcuaSourceInput> = {}): OpcuaSourceInput => ({
  deviceId: 'heat-1',
  endpoint: 'opc.tcp://station-7.local:4840/UA/HeatStation',
  mapping: [
    { nodeId: 'ns=1;s=S', metric: 'supply_temp_c' },
    { nodeId: 'ns=1;s=R', metric: 'return_temp_c' },
  ],
  ...over,
});

describe('validateSource', () => {
  it('accepts a mapping onto the device kind contract', () => {
    expect(validateSource(input(), HEAT)).toEqual([]);
    expect(validateSource(input({ securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', username: 'op', password: 'x' }), HEAT)).toEqual([]);
  });

  it('lists every problem at once', () => {
    const problems = validateSource(
      input({
        id: 'bad id',
        endpoint: 'http://x',
        securityMode: 'Sign',
        securityPolicy: 'None',
        password: 'p',
        mapping: [
          { nodeId: 'ns=1;s=S', metric: 'supply_temp_c' },
          { nodeId: 'ns=1;s=S', metric: 'ch4_lel' },
        ],
      }),
      HEAT,
    );
    expect(problems.map((p) => p.path)).toEqual(['id', 'endpoint', 'securityPolicy', 'username', 'mapping[1].metric', 'mapping[1].nodeId', 'mapping']);
    expect(problems.at(-1)!.message).toBe('required metric return_temp_c is not mapped');
    expect(problems[4]!.message).toBe('heat has no metric "ch4_lel"');
  });

  it('needs a registered device', () => {
    expect(validateSource(input(), undefined)).toEqual([{ path: 'deviceId', message: 'device heat-1 is not registered' }]);
  });

  it('never shows the password', () => {
    const pub = toPublicSource(normalizeSource(input({ username: 'op', password: 'secret' }), 's1', 1, 2));
    expect(pub).not.toHaveProperty('password');
    expect(pub).toMatchObject({ id: 's1', username: 'op', hasPassword: true, securityMode: 'None', securityPolicy: 'None', samplingMs: 1000, enabled: true });
    expect(JSON.stringify(pub)).not.toContain('secret');
  });
});

describe('publishToReading', () => {
  const device = { id: 'heat-1', kind: 'heat', district: '370202', asset: null };
  const NOW = 1_795_000_000_000;

  it('makes one reading of a publish, stamped with the latest source timestamp', () => {
    const last = new Map<string, unknown>();
    const out = publishToReading(device, [
      { metric: 'supply_temp_c', value: 71.2, ts: NOW - 300 },
      { metric: 'return_temp_c', value: 48.9, ts: NOW - 200 },
    ], last, NOW);
    expect(out.violations).toEqual([]);
    expect(out.reading).toEqual({ deviceId: 'heat-1', kind: 'heat', ts: NOW - 200, metrics: { supply_temp_c: 71.2, return_temp_c: 48.9 }, district: '370202', asset: null, receivedAt: NOW });
  });

  it('carries unchanged required metrics forward from earlier publishes', () => {
    const last = new Map<string, unknown>([['supply_temp_c', 70], ['return_temp_c', 50]]);
    const out = publishToReading(device, [{ metric: 'flow_m3h', value: 120, ts: undefined }], last, NOW);
    expect(out.reading?.metrics).toEqual({ flow_m3h: 120, supply_temp_c: 70, return_temp_c: 50 });
    expect(out.reading?.ts).toBe(NOW); // no timestamp from the server: receive time, as on MQTT
  });

  it('drops a publish with an out-of-range value as a contract violation', () => {
    const out = publishToReading(device, [
      { metric: 'supply_temp_c', value: 250, ts: NOW },
      { metric: 'return_temp_c', value: 50, ts: NOW },
    ], new Map(), NOW);
    expect(out.reading).toBeUndefined();
    expect(out.violations).toEqual([expect.objectContaining({ code: 'OUT_OF_RANGE', path: 'metrics.supply_temp_c' })]);
  });

  it('reports a value of the wrong type', () => {
    const out = publishToReading(device, [
      { metric: 'supply_temp_c', value: 'hot', ts: NOW },
      { metric: 'return_temp_c', value: 50, ts: NOW },
    ], new Map(), NOW);
    expect(out.violations.map((v) => v.code)).toEqual(['WRONG_TYPE']);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(500, 1000, 30_000)).toBe(30_000);
  });
});
