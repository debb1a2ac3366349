import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertId } from './alert-id.js';
import { acknowledge, applySignal, assign, close, comment, dispatch, resolve, type Alert } from './lifecycle.js';
import { SEVERITIES, type Severity } from './severity.js';
import type { Signal } from './signal.js';

const T0 = 1_700_000_000_000;
function sig(state: Signal['state'], severity: Severity, at: number, extra: Partial<Signal> = {}): Signal {
  return {
    ruleId: 'gas.ch4', ruleKind: 'threshold', ruleVersion: 1, subject: 'GW-1', state, severity, values: { value: 1 },
    message: `gas methane at GW-1 — ${severity}`, messages: { en: `gas methane at GW-1 — ${severity}`, 'zh-CN': `GW-1 燃气甲烷浓度 — ${severity}` }, at,
    labels: { deviceId: 'GW-1', deviceKind: 'gas', district: '370202', asset: 'main-7', location: null, parent: null }, ...extra,
  };
}
function must(t: ReturnType<typeof acknowledge>): Alert {
  if (!t.ok) throw new Error(t.reason);
  return t.alert;
}

describe('applySignal', () => {
  it('opens an alert with its response level and an audit entry, and notifies', () => {
    const r = applySignal(undefined, sig('firing', 'orange', T0), T0 + 5);
    expect(r.notify).toBe(true);
    expect(r.alert).toMatchObject({ id: alertId('gas.ch4', 'GW-1', T0), status: 'open', severity: 'orange', responseLevel: 'II', count: 1, firstSeenAt: T0, openedAt: T0 + 5 });
    expect(r.changes).toEqual([expect.objectContaining({ action: 'opened', to: 'orange', actor: 'system' })]);
  });

  it('a clear with no alert is a no-op', () => {
    expect(applySignal(undefined, sig('clear', 'blue', T0), T0)).toEqual({ alert: null, changes: [], notify: false });
  });

  it('dedups repeats (count, last seen) without notifying; upgrades in place; never downgrades while open', () => {
    let a = applySignal(undefined, sig('firing', 'yellow', T0), T0).alert!;
    const rep = applySignal(a, sig('firing', 'yellow', T0 + 10), T0 + 10);
    expect([rep.alert?.count, rep.alert?.lastSeenAt, rep.notify, rep.changes]).toEqual([2, T0 + 10, false, []]);
    const up = applySignal(rep.alert!, sig('firing', 'red', T0 + 20), T0 + 20);
    expect([up.alert?.id, up.alert?.severity, up.alert?.responseLevel, up.notify]).toEqual([a.id, 'red', 'I', true]);
    expect(up.changes).toEqual([expect.objectContaining({ action: 'upgraded', from: 'yellow', to: 'red' })]);
    a = up.alert!;
    const down = applySignal(a, sig('firing', 'blue', T0 + 30), T0 + 30);
    expect([down.alert?.severity, down.alert?.currentSeverity, down.notify]).toEqual(['red', 'blue', false]);
    expect(down.changes[0]).toMatchObject({ action: 'eased', from: 'red', to: 'blue' });
  });

  it('auto-resolves on clear, reopens the same alert on a re-fire, and a closed alert gives way to a new one', () => {
    const a = applySignal(undefined, sig('firing', 'yellow', T0), T0).alert!;
    const r = applySignal(a, sig('clear', 'yellow', T0 + 60), T0 + 60);
    expect([r.alert?.status, r.alert?.resolvedBy, r.alert?.active, r.notify]).toEqual(['resolved', 'system', false, true]);
    const again = applySignal(r.alert!, sig('firing', 'yellow', T0 + 90), T0 + 90);
    expect([again.alert?.id, again.alert?.status, again.alert?.count, again.notify]).toEqual([a.id, 'open', 2, true]);
    expect(again.changes[0]).toMatchObject({ action: 'reopened' });
    const closed = must(close(applySignal(again.alert!, sig('clear', 'yellow', T0 + 99), T0 + 99).alert!, 'op', T0 + 100));
    const fresh = applySignal(closed, sig('firing', 'blue', T0 + 200), T0 + 200);
    expect(fresh.alert?.id).not.toBe(a.id);
    expect(fresh.alert?.count).toBe(1);
  });

  it('refuses a signal for another (subject, rule)', () => {
    const a = applySignal(undefined, sig('firing', 'yellow', T0), T0).alert!;
    expect(() => applySignal(a, sig('firing', 'red', T0, { subject: 'GW-2' }), T0)).toThrow(RangeError);
  });

  it('property: severity never decreases and count equals the number of firings while the alert lives', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...SEVERITIES), { minLength: 1, maxLength: 30 }), (sevs) => {
      let a: Alert | undefined;
      let prev = -1;
      sevs.forEach((s, i) => {
        a = applySignal(a, sig('firing', s, T0 + i), T0 + i).alert!;
        const rank = SEVERITIES.indexOf(a.severity);
        expect(rank).toBeGreaterThanOrEqual(prev);
        prev = rank;
      });
      expect(a?.count).toBe(sevs.length);
      expect(a?.severity).toBe(SEVERITIES[Math.max(...sevs.map((s) => SEVERITIES.indexOf(s)))]);
    }));
  });
});

describe('manual transitions', () => {
  const opened = applySignal(undefined, sig('firing', 'red', T0), T0).alert!;

  it('open → acknowledged → resolved → closed, with assignee, comment, dispatch and audit', () => {
    const ack = acknowledge(opened, 'duty-officer', T0 + 60_000, 'on it');
    expect(ack.ok && ack.changes[0]).toMatchObject({ action: 'acknowledged', actor: 'duty-officer', note: 'on it' });
    let a = must(ack);
    a = must(assign(a, 'crew-12', 'gas-company-north', 'duty-officer', T0 + 70_000));
    a = must(comment(a, 'crew-12', 'valve closed', T0 + 80_000));
    a = must(dispatch(a, 'duty-officer', T0 + 90_000, 'dock-3/drone-1'));
    a = must(resolve(a, 'crew-12', T0 + 600_000, 'repaired'));
    a = must(close(a, 'duty-officer', T0 + 700_000));
    expect(a).toMatchObject({
      status: 'closed', acknowledgedBy: 'duty-officer', assignee: 'crew-12', unit: 'gas-company-north', dispatchedAt: T0 + 90_000,
      resolvedBy: 'crew-12', closedAt: T0 + 700_000, comments: [{ at: T0 + 80_000, by: 'crew-12', text: 'valve closed' }],
    });
  });

  it('refuses transitions that do not exist, as values', () => {
    expect(close(opened, 'x', T0)).toEqual({ ok: false, reason: 'cannot close an alert that is open' });
    const acked = must(acknowledge(opened, 'x', T0));
    expect(acknowledge(acked, 'x', T0).ok).toBe(false);
    const res = must(resolve(acked, 'x', T0));
    expect(resolve(res, 'x', T0).ok).toBe(false);
    expect(dispatch(res, 'x', T0, 'dock').ok).toBe(false);
    expect(comment(opened, 'x', '  ', T0).ok).toBe(false);
    expect(assign(must(close(res, 'x', T0)), 'y', null, 'x', T0).ok).toBe(false);
  });

  it('does not mutate its input', () => {
    const copy = structuredClone(opened);
    must(acknowledge(opened, 'x', T0));
    applySignal(opened, sig('firing', 'red', T0 + 1), T0 + 1);
    expect(opened).toEqual(copy);
  });
});
