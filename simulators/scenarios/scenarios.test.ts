import { describe, expect, it } from 'vitest';
import { decodeTelemetry } from '../../firmware-contracts/index.js';
import { buildScenario, SCENARIOS, scenarioNames } from './index.js';
import { parseSseBlock } from './platform-api.js';
import { stepPayload } from './runner.js';
import { formatVerdict, judge, type Observed, type SeenAlert } from './verify.js';

const alert = (ruleId: string, deviceId: string | null, severity: string, members: string[] = [], count = 1): SeenAlert => ({
  id: `${ruleId}|${deviceId ?? 'corr'}|${severity}|${members.length}`, ruleId, severity, status: 'open', count, labels: { deviceId }, members,
});
const none: Observed = { alerts: [], incidents: [], violations: [], online: {} };

describe('scenario scripts', () => {
  it('are deterministic for a seed and run id, and differ across seeds', () => {
    for (const name of scenarioNames()) {
      expect(buildScenario(name, 42, 'abc'), name).toEqual(buildScenario(name, 42, 'abc'));
      expect(JSON.stringify(buildScenario(name, 43, 'abc')), name).not.toEqual(JSON.stringify(buildScenario(name, 42, 'abc')));
    }
    expect(buildScenario('nope', 1, 'x')).toBeUndefined();
  });

  it('give every run unique device ids, keep steps in time order and only name their own devices', () => {
    for (const s of SCENARIOS) {
      const a = s.build(7, 'r1');
      const ids = a.devices.map((d) => d.id);
      expect(new Set(ids).size, s.name).toBe(ids.length);
      expect(s.build(7, 'r2').devices.map((d) => d.id).some((id) => ids.includes(id))).toBe(false);
      expect(a.steps.map((x) => x.at)).toEqual([...a.steps.map((x) => x.at)].sort((x, y) => x - y));
      for (const st of a.steps) expect(ids).toContain(st.device);
      expect(a.expect.length, s.name).toBeGreaterThan(0);
    }
  });

  it('send valid telemetry (per the firmware contract) except where bad-firmware means not to', () => {
    const t0 = Date.parse('2026-01-15T08:00:00Z');
    for (const seed of [1, 2, 3]) {
      for (const s of SCENARIOS) {
        const script = s.build(seed, 'v');
        for (const st of script.steps) {
          if (st.type !== 'telemetry') continue;
          const kind = script.devices.find((d) => d.id === st.device)!.kind;
          const r = decodeTelemetry(kind, stepPayload(st, t0).payload, { now: t0 });
          const future = (st.tsOffsetMs ?? 0) > 5 * 60_000;
          expect(r.violations.map((v) => v.code), `${s.name} seed ${seed} ${JSON.stringify(st)}`).toEqual(future ? ['FUTURE_TIMESTAMP'] : []);
        }
      }
    }
  });

  it('resolve explicit sample times against the timeline start', () => {
    const burst = buildScenario('pipe-burst', 1, 'x')!;
    const first = burst.steps[0]!;
    expect(JSON.parse(stepPayload(first as Exclude<typeof first, { type: 'silence' }>, 1_000_000).payload)).toMatchObject({ ts: 1_000_000 - 150_000, seq: 0 });
    const fw = buildScenario('bad-firmware', 1, 'x')!.steps.find((s) => s.type === 'raw')!;
    expect(stepPayload(fw as Exclude<typeof fw, { type: 'silence' }>, 0)).toMatchObject({ topic: `devices/${fw.device}/telemetry`, payload: expect.stringMatching(/^\{"seq": 1/) });
  });
});

describe('judge (verify)', () => {
  const gas = buildScenario('gas-leak', 1, 'j')!;
  const [well, neighbour] = gas.devices.map((d) => d.id) as [string, string];

  it('passes when exactly the expected alert is seen', () => {
    const v = judge(gas, { ...none, alerts: [alert('gas.ch4', well, 'orange', [], 3), alert('gas.ch4', 'someone-else', 'red')] });
    expect(v.ok).toBe(true);
    expect(formatVerdict(v).at(-1)).toBe('PASS: 1 expectations hold');
  });

  it('fails on a missing alert, a wrong severity, three alerts instead of one upgraded alert, and anything extra', () => {
    expect(judge(gas, none).rows[0]).toMatchObject({ seen: 'none', ok: false });
    expect(judge(gas, { ...none, alerts: [alert('gas.ch4', well, 'yellow', [], 3)] }).ok).toBe(false);
    expect(judge(gas, { ...none, alerts: [alert('gas.ch4', well, 'orange', [], 1)] }).rows[0]).toMatchObject({ seen: 'orange, 1 firings', ok: false });
    const three = judge(gas, { ...none, alerts: ['blue', 'yellow', 'orange'].map((s) => alert('gas.ch4', well, s)) });
    expect(three.rows[0]).toMatchObject({ seen: '3 alerts: blue, yellow, orange', ok: false });
    const extra = judge(gas, { ...none, alerts: [alert('gas.ch4', well, 'orange', [], 3), alert('device.offline', neighbour, 'yellow')] });
    expect(extra.ok).toBe(false);
    expect(extra.rows[1]).toEqual({ expectation: `nothing else: device.offline on ${neighbour}`, expected: 'no alert', seen: 'yellow (open)', ok: false });
    expect(formatVerdict(extra).at(-1)).toBe('FAIL: 1 of 2 rows do not hold');
  });

  it('checks correlation members, one incident, violations (and unexpected codes) and presence', () => {
    const burst = buildScenario('pipe-burst', 1, 'j')!;
    const ids = burst.devices.map((d) => d.id);
    const perDevice = ids.flatMap((id) => [alert('water.pressure.burst', id, 'orange'), alert('water.pressure.drop', id, 'yellow')]);
    const good: Observed = { ...none, alerts: [...perDevice, alert('water.burst-area', null, 'orange', ids)], incidents: [{ key: 'k', severity: 'orange', devices: ids }] };
    expect(judge(burst, good).ok).toBe(true);
    expect(judge(burst, { ...good, alerts: [...perDevice, alert('water.burst-area', null, 'orange', ids.slice(0, 3))] }).ok).toBe(false);
    expect(judge(burst, { ...good, incidents: [{ key: 'a', severity: 'orange', devices: ids.slice(0, 2) }, { key: 'b', severity: 'orange', devices: ids.slice(2) }] }).ok).toBe(false);

    const fw = buildScenario('bad-firmware', 1, 'j')!;
    const dev = fw.devices[0]!.id;
    const codes = ['MALFORMED_JSON', 'UNKNOWN_METRIC', 'OUT_OF_RANGE', 'FUTURE_TIMESTAMP'];
    const violations = codes.map((code) => ({ deviceId: dev, code, message: 'x' }));
    expect(judge(fw, { ...none, violations, online: { [dev]: true } }).ok).toBe(true);
    expect(judge(fw, { ...none, violations, online: { [dev]: false } }).ok).toBe(false);
    expect(judge(fw, { ...none, violations: violations.slice(1), online: { [dev]: true } }).ok).toBe(false);
    const extra = judge(fw, { ...none, violations: [...violations, { deviceId: dev, code: 'BAD_SHAPE', message: 'x' }], online: { [dev]: true } });
    expect(extra.rows.at(-1)).toEqual({ expectation: `nothing else: violation ${dev} BAD_SHAPE`, expected: 'no violation', seen: '1', ok: false });
  });
});

describe('parseSseBlock', () => {
  it('reads event, multi-line data and id; skips comments and data-less blocks', () => {
    expect(parseSseBlock('id: b-7\nevent: violation\ndata: {"a":\ndata: 1}')).toEqual({ event: 'violation', data: '{"a":\n1}', id: 'b-7' });
    expect(parseSseBlock(': heartbeat')).toBeUndefined();
    expect(parseSseBlock('retry: 3000')).toBeUndefined();
  });
});
