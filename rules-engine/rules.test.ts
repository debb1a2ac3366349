import { describe, expect, it } from 'vitest';
import { getContract } from '../firmware-contracts/index.js';
import { defaultRulePack } from './default-pack.js';
import { RuleEngine } from './engine.js';
import { validateRule, type Rule } from './rules.js';

const gas: Rule = {
  id: 'gas.test', name: 'gas methane', version: 1, enabled: true, kind: 'threshold', scope: { deviceKind: 'gas' },
  metric: 'ch4_lel', direction: 'above', levels: { yellow: 20, red: 50 },
};

describe('validateRule', () => {
  it('accepts a well-formed rule and returns a copy', () => {
    const v = validateRule(gas);
    expect(v).toEqual({ ok: true, rule: gas });
    if (v.ok) expect(v.rule).not.toBe(gas);
  });

  it('lists every schema problem with its JSON path', () => {
    const v = validateRule({ ...gas, id: 'bad id!', version: 0, kind: 'magic', levels: { yellow: 'x' }, extra: 1 });
    expect(v.ok).toBe(false);
    const paths = v.ok ? [] : v.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/id', '/version', '/kind', '/levels/yellow']));
    expect(v.ok ? [] : v.errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it('requires the fields each kind needs', () => {
    const { metric: _m, levels: _l, ...bare } = gas;
    const t = validateRule(bare);
    expect(t.ok ? [] : t.errors).toEqual(expect.arrayContaining([
      { path: '/metric', message: 'required for threshold rules' },
      { path: '/levels', message: 'required for threshold rules' },
    ]));
    const r = validateRule({ ...gas, kind: 'rate' });
    expect(r.ok ? [] : r.errors).toContainEqual({ path: '/windowMs', message: 'required for rate rules' });
    const e = validateRule({ ...gas, kind: 'event', events: {} });
    expect(e.ok ? [] : e.errors.map((x) => x.path)).toContain('/events');
    const c = validateRule({ ...gas, kind: 'correlation' });
    expect(c.ok ? [] : c.errors.map((x) => x.path)).toContain('/correlation');
  });

  it('rejects levels out of order for the direction', () => {
    const up = validateRule({ ...gas, levels: { yellow: 30, orange: 25 } });
    expect(up.ok ? [] : up.errors).toContainEqual({ path: '/levels/orange', message: 'must be above the yellow level (30)' });
    const down = validateRule({ ...gas, direction: 'below', levels: { yellow: 5, red: 10 } });
    expect(down.ok ? [] : down.errors.map((e) => e.path)).toContain('/levels/red');
    expect(validateRule({ ...gas, direction: 'below', levels: { yellow: 10, red: 5 } }).ok).toBe(true);
  });

  it('checks metric and event names against the firmware contract', () => {
    const m = validateRule({ ...gas, metric: 'ch4_ppm' });
    expect(m.ok ? [] : m.errors).toContainEqual({ path: '/metric', message: 'gas has no metric "ch4_ppm"' });
    const k = validateRule({ ...gas, scope: { deviceKind: 'toaster' } });
    expect(k.ok ? [] : k.errors.map((e) => e.path)).toContain('/scope/deviceKind');
    const ev = validateRule({ ...gas, kind: 'event', scope: { deviceKind: 'elevator' }, metric: undefined, levels: undefined, events: { stuck: 'red' } });
    expect(ev.ok ? [] : ev.errors).toContainEqual({ path: '/events/stuck', message: 'elevator has no event "stuck"' });
  });

  it('rejects both absolute and fractional hysteresis', () => {
    const v = validateRule({ ...gas, clear: { absolute: 1, fraction: 0.1 } });
    expect(v.ok ? [] : v.errors.map((e) => e.path)).toContain('/clear');
  });

  it('the engine refuses invalid and duplicate rules with every problem listed', () => {
    expect(() => new RuleEngine([gas, gas])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ ruleId: 'gas.test', path: '/id' })] }));
    expect(() => new RuleEngine([{ ...gas, version: 0 }])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('default pack', () => {
  const pack = defaultRulePack();

  it('is valid, enabled and covers all six kinds plus offline', () => {
    expect(pack.every((r) => r.enabled && validateRule(r).ok)).toBe(true);
    const kinds = new Set(pack.map((r) => r.scope.deviceKind ?? 'any'));
    expect([...kinds].sort()).toEqual(['any', 'bridge', 'drainage', 'elevator', 'gas', 'heat', 'water']);
    expect(new Set(pack.map((r) => r.id)).size).toBe(pack.length);
    expect(pack.every((r) => (r.source ?? '').length > 0)).toBe(true);
  });

  it('names only metrics and events of the firmware contracts', () => {
    for (const r of pack) {
      const c = r.scope.deviceKind === undefined ? undefined : getContract(r.scope.deviceKind);
      if (!c) continue;
      for (const m of [r.metric, r.minus, r.requireRising?.metric]) if (m) expect(c.metrics.map((x) => x.name)).toContain(m);
      for (const t of Object.keys(r.events ?? {})) expect(c.events.map((e) => e.type)).toContain(t);
    }
  });
});
