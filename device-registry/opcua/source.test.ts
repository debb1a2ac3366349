import { describe, expect, it } from 'vitest';
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
    expect(problems.map((p) => p.code)).toEqual([...Array(4).fill('OPCUA_SOURCE_INVALID'), ...Array(3).fill('OPCUA_MAPPING_INVALID')]);
    expect(problems.at(-1)!.message).toBe('required metric return_temp_c is not mapped');
    expect(problems[4]!.message).toBe('heat has no metric "ch4_lel"');
  });

  it('refuses every malformed node id, each named with its entry (not only the last)', () => {
    const bad = ['garbage id!', 'ns=x;i=1', 'ns=1;s=', ' ns=1;s=Padded', 'nsu=;s=', 'ns=1;i=-4'];
    const problems = validateSource(
      input({ mapping: [{ nodeId: 'ns=1;s=S', metric: 'supply_temp_c' }, { nodeId: 'ns=1;s=R', metric: 'return_temp_c' }, ...bad.map((nodeId, i) => ({ nodeId, metric: `m${i}` }))] }),
      HEAT,
    );
    const nodeProblems = problems.filter((p) => p.code === 'OPCUA_NODE_ID_INVALID');
    expect(nodeProblems.map((p) => p.path)).toEqual(bad.map((_, i) => `mapping[${i + 2}].nodeId`));
    expect(nodeProblems[0]!.message).toContain('"garbage id!" is not an OPC UA node id');
    // The well-formed ids of the contract's own nodes pass, numeric and string alike.
    expect(validateSource(input({ mapping: [{ nodeId: 'ns=1;s=S', metric: 'supply_temp_c' }, { nodeId: 'ns=2;i=2258', metric: 'return_temp_c' }] }), HEAT)).toEqual([]);
  });

  it('does not throw on a stored row of the wrong shape (no mapping, a node id that is not a string)', () => {
    const rows = [{ ...input(), mapping: [] }, { ...input(), mapping: [{ nodeId: 42 as unknown as string, metric: 'supply_temp_c' }, { nodeId: 'ns=1;s=R', metric: 'return_temp_c' }] }];
    expect(validateSource(rows[0]!, HEAT)).toEqual([{ path: 'mapping', code: 'OPCUA_MAPPING_INVALID', message: 'mapping is empty' }]);
    expect(validateSource(rows[1]!, HEAT)).toEqual([{ path: 'mapping[0].nodeId', code: 'OPCUA_NODE_ID_INVALID', message: 'node id must be a non-empty string' }]);
  });

  it('needs a registered device', () => {
    expect(validateSource(input(), undefined)).toEqual([{ path: 'deviceId', code: 'OPCUA_SOURCE_INVALID', message: 'device heat-1 is not registered' }]);
  });

  it('never shows the password', () => {
    const pub = toPublicSource(normalizeSource(input({ username: 'op', password: 'secret' }), 's1', 1, 2));
    expect(pub).not.toHaveProperty('password');
    expect(pub).toMatchObject({ id: 's1', username: 'op', hasPassword: true, securityMode: 'None', securityPolicy: 'None', samplingMs: 1000, enabled: true });
    expect(JSON.stringify(pub)).not.toContain('secret');
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(500, 1000, 30_000)).toBe(30_000);
  });
});
