import { describe, expect, it } from 'vitest';
import { acknowledge, applySignal, dispatch, resolve, type Alert } from './lifecycle.js';
import { escalate, GATEWAY_INHIBITION, groupIntoIncidents, isInhibited, isSilenced, kpis, kpiSummary, type Silence } from './policy.js';
import type { Severity } from './severity.js';
import type { Signal, SignalLabels } from './signal.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
function alert(severity: Severity, at: number, labels: Partial<SignalLabels> = {}, extra: Partial<Signal> = {}): Alert {
  const s: Signal = {
    ruleId: 'r', ruleKind: 'threshold', ruleVersion: 1, subject: labels.deviceId ?? 'D', state: 'firing', severity, values: {}, message: 'm', messages: { en: 'm', 'zh-CN': 'm' }, at,
    labels: { deviceId: 'D', deviceKind: 'water', district: '370202', asset: null, location: null, parent: null, ...labels }, ...extra,
  };
  return applySignal(undefined, s, at).alert!;
}
const ok = (t: ReturnType<typeof acknowledge>): Alert => (t.ok ? t.alert : (() => { throw new Error(t.reason); })());

describe('escalate', () => {
  it('escalates unacknowledged alerts past their per-severity limit, then repeats up to maxLevel', () => {
    const red = alert('red', T0);
    const blue = alert('blue', T0);
    const acked = ok(acknowledge(alert('red', T0), 'op', T0 + MIN));
    const policy = { afterMs: { red: 5 * MIN, blue: 60 * MIN }, repeatMs: 10 * MIN, maxLevel: 2 };
    expect(escalate([red, blue, acked], T0 + 5 * MIN - 1, policy).escalated).toEqual([]);
    const one = escalate([red, blue, acked], T0 + 5 * MIN, policy);
    expect(one.escalated.map((a) => [a.severity, a.escalationLevel])).toEqual([['red', 1]]);
    expect(one.changes[0]).toMatchObject({ action: 'escalated', from: '0', to: '1' });
    const e1 = one.escalated[0]!;
    expect(escalate([e1], T0 + 14 * MIN, policy).escalated).toEqual([]);
    const e2 = escalate([e1], T0 + 15 * MIN, policy).escalated[0]!;
    expect(e2.escalationLevel).toBe(2);
    expect(escalate([e2], T0 + 99 * MIN, policy).escalated).toEqual([]);
  });
});

describe('silences and maintenance windows', () => {
  const s: Silence = { id: 's1', kind: 'maintenance', matchers: { district: '370202', deviceKind: 'water' }, startsAt: T0, endsAt: T0 + 60 * MIN, createdBy: 'planner', comment: 'main replacement' };
  it('mute matching alerts inside the window only', () => {
    const a = alert('orange', T0);
    expect(isSilenced(a, [s], T0 - 1)).toBe(false);
    expect(isSilenced(a, [s], T0)).toBe(true);
    expect(isSilenced(a, [s], T0 + 60 * MIN)).toBe(false);
    expect(isSilenced(alert('orange', T0, { district: '370203' }), [s], T0 + 1)).toBe(false);
    expect(isSilenced(a, [{ ...s, matchers: { ruleId: 'other' } }], T0 + 1)).toBe(false);
  });
});

describe('inhibition', () => {
  it("an offline gateway mutes its children's deadman alerts, and only while it is active", () => {
    const deadman = { ruleId: 'device.offline', ruleKind: 'deadman' as const };
    const gw = alert('yellow', T0, { deviceId: 'GW-A' }, { ...deadman, subject: 'GW-A' });
    const child = alert('yellow', T0, { deviceId: 'S-1', parent: 'GW-A' }, { ...deadman, subject: 'S-1' });
    const otherChild = alert('yellow', T0, { deviceId: 'S-2', parent: 'GW-B' }, { ...deadman, subject: 'S-2' });
    const childGas = alert('red', T0, { deviceId: 'S-1', parent: 'GW-A' });
    expect(isInhibited(child, [gw, child], [GATEWAY_INHIBITION])).toBe(true);
    expect(isInhibited(otherChild, [gw, otherChild], [GATEWAY_INHIBITION])).toBe(false);
    expect(isInhibited(childGas, [gw, childGas], [GATEWAY_INHIBITION])).toBe(false);
    const gwBack = applySignal(gw, { ...deadman, ruleVersion: 1, subject: 'GW-A', state: 'clear', severity: 'yellow', values: {}, message: '', messages: { en: '', 'zh-CN': '' }, at: T0 + 1, labels: gw.labels }, T0 + 1).alert!;
    expect(isInhibited(child, [gwBack, child], [GATEWAY_INHIBITION])).toBe(false);
    expect(isInhibited(gw, [gw], [GATEWAY_INHIBITION])).toBe(false);
  });
});

describe('KPIs', () => {
  it('time to acknowledge, dispatch and resolve from the first firing', () => {
    let a = alert('red', T0);
    expect(kpis(a)).toEqual({ ttaMs: null, ttdMs: null, ttrMs: null });
    a = ok(acknowledge(a, 'op', T0 + 7 * MIN));
    a = ok(dispatch(a, 'op', T0 + 9 * MIN, 'dock-1'));
    a = ok(resolve(a, 'op', T0 + 60 * MIN));
    expect(kpis(a)).toEqual({ ttaMs: 7 * MIN, ttdMs: 9 * MIN, ttrMs: 60 * MIN });
    const b = ok(acknowledge(alert('blue', T0), 'op', T0 + 3 * MIN));
    const c = ok(acknowledge(alert('blue', T0), 'op', T0 + 11 * MIN));
    expect(kpiSummary([a, b, c]).tta).toEqual({ n: 3, medianMs: 7 * MIN, p90Ms: 11 * MIN });
    expect(kpiSummary([a, b, c]).ttr).toEqual({ n: 1, medianMs: 60 * MIN, p90Ms: 60 * MIN });
  });
});

describe('groupIntoIncidents', () => {
  it('groups neighbouring and same-asset alerts; the incident carries the highest severity', () => {
    const near = (i: number) => ({ lon: 120.38 + i * 0.001, lat: 36.07 });
    const alerts = [
      alert('blue', T0, { deviceId: 'W-1', location: near(0) }, { subject: 'W-1' }),
      alert('orange', T0 + MIN, { deviceId: 'W-2', location: near(1) }, { subject: 'W-2' }),
      alert('yellow', T0 + 2 * MIN, { deviceId: 'W-3', location: near(2) }, { subject: 'W-3' }),
      alert('red', T0, { deviceId: 'W-9', location: { lon: 120.5, lat: 36.2 } }, { subject: 'W-9' }),
      alert('blue', T0, { deviceId: 'B-1', asset: 'bridge-1' }, { subject: 'B-1' }),
      alert('yellow', T0 + MIN, { deviceId: 'B-2', asset: 'bridge-1' }, { subject: 'B-2' }),
    ];
    const inc = groupIntoIncidents(alerts, { radiusM: 150, withinMs: 10 * MIN });
    expect(inc.map((i) => [i.devices.sort(), i.severity, i.responseLevel])).toEqual([
      [['W-1', 'W-2', 'W-3'], 'orange', 'II'],
      [['W-9'], 'red', 'I'],
      [['B-1', 'B-2'], 'yellow', 'III'],
    ]);
  });

  it('joins the members named by a correlation alert', () => {
    const corr = alert('orange', T0, { deviceId: null }, { ruleId: 'water.burst-area', ruleKind: 'correlation', subject: 'incident:x', members: ['W-1', 'W-7'] });
    const w1 = alert('orange', T0 + 99 * MIN, { deviceId: 'W-1' }, { subject: 'W-1' });
    const inc = groupIntoIncidents([corr, w1], { radiusM: 1, withinMs: 1 });
    expect(inc).toHaveLength(1);
    expect(inc[0]?.key).toBe('incident:x');
  });
});
