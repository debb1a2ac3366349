import { describe, expect, it } from 'vitest';
import { defaultPlanPack } from './default-plans.js';
import { escalatedInstructions } from './plan-instructions.js';
import { escalatedTitle } from './plan-titles.js';
import { planFor, validatePlan } from './plans.js';
import { plan } from './testing.js';

describe('response plans', () => {
  it('ships a valid default pack: six kinds × four levels, deadlines tightening with the level', () => {
    const pack = defaultPlanPack();
    expect(pack).toHaveLength(24);
    for (const p of pack) expect(validatePlan(p), p.id).toEqual({ ok: true, plan: p });
    const gas = pack.filter((p) => p.kind === 'gas').map((p) => [p.level, p.acceptWithinMin, p.arriveWithinMin]);
    expect(gas).toEqual([['I', 5, 30], ['II', 10, 45], ['III', 15, 60], ['IV', 30, 120]]);
    expect(pack.find((p) => p.id === 'elevator-I')!.steps.map((s) => s.unitType)).toEqual(['elevator_maintenance', 'fire_rescue']);
  });

  it('titles every default step in zh-CN and en (the English one is `title`), and checks titles written by hand', () => {
    for (const p of defaultPlanPack()) {
      for (const s of p.steps) {
        expect(s.titles, `${p.id} ${s.title}`).toEqual({ en: s.title, 'zh-CN': expect.stringMatching(/[\u4e00-\u9fff]/) });
      }
    }
    expect(defaultPlanPack().find((p) => p.id === 'gas-II')!.steps.map((s) => s.titles!['zh-CN'])).toEqual(['查找并制止燃气泄漏', '现场防火待命', '设置警戒区']);
    const { version: _v, updatedAt: _u, updatedBy: _b, ...input } = plan('x');
    const half = validatePlan({ ...input, steps: [{ unitType: 'police', count: 1, title: 't', titles: { en: 't' }, instructions: '', required: true }] });
    expect(half.ok ? [] : half.errors.map((e) => e.path)).toContain('/steps/0/titles/zh-CN');
    expect(escalatedTitle('Cordon the area', { en: 'Cordon the area', 'zh-CN': '设置警戒区' })).toEqual({ en: 'Escalated: Cordon the area', 'zh-CN': '升级处置：设置警戒区' });
  });

  it('gives every default step its instructions in zh-CN and en (the English ones are `instructions`), and a late unit\'s in both to its supervisor', () => {
    for (const p of defaultPlanPack()) {
      for (const s of p.steps) expect(s.instructionsByLang, `${p.id} ${s.title}`).toEqual({ en: s.instructions, 'zh-CN': expect.stringMatching(/[\u4e00-\u9fff]/) });
    }
    const gasI = defaultPlanPack().find((p) => p.id === 'gas-I')!.steps;
    expect(gasI[1]!.instructionsByLang).toEqual({ en: 'Stand by against ignition; evacuate if the reading rises', 'zh-CN': '现场防火待命；读数继续上升时组织疏散' });
    const late = { unitName: 'Crew 7', title: 'Cordon the area', titles: { en: 'Cordon the area', 'zh-CN': '设置警戒区' }, instructions: 'Cordon the area', instructionsByLang: { en: 'Cordon the area', 'zh-CN': '设置警戒区' } };
    expect(escalatedInstructions('accept', late)).toEqual({
      en: 'Crew 7 did not accept "Cordon the area" in time. Unit Crew 7 is late on: Cordon the area',
      'zh-CN': 'Crew 7 未按时接受任务“设置警戒区”。Crew 7 延误的任务：设置警戒区',
    });
    const { version: _v, updatedAt: _u, updatedBy: _b, ...input } = plan('x');
    const half = validatePlan({ ...input, steps: [{ unitType: 'police', count: 1, title: 't', instructions: 'i', instructionsByLang: { en: 'i' }, required: true }] });
    expect(half.ok ? [] : half.errors.map((e) => e.path)).toContain('/steps/0/instructionsByLang/zh-CN');
  });

  it('names an unknown unit type with its path, and reports every problem at once', () => {
    const { version: _v, updatedAt: _u, updatedBy: _b, ...input } = plan('x');
    const bad = validatePlan({ ...input, level: 'V', arriveWithinMin: 1, steps: [{ unitType: 'crane', count: 1, title: 't', instructions: '', required: true }] });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors;
    expect(errors).toContainEqual({ path: '/steps/0/unitType', message: expect.stringMatching(/unknown unit type "crane"/) });
    expect(errors.some((e) => e.path === '/level')).toBe(true);
    expect(validatePlan({ ...input, acceptWithinMin: 30, arriveWithinMin: 10 })).toEqual({ ok: false, errors: [{ path: '/arriveWithinMin', message: 'must not be shorter than acceptWithinMin' }] });
  });

  it('picks the rule\'s own plan over the kind\'s, at the alert\'s level', () => {
    const plans = [plan('gas-I'), plan('gas-II', { level: 'II' }), plan('tunnel-I', { ruleId: 'gas.tunnel' })];
    expect(planFor(plans, { ruleId: 'gas.ch4', kind: 'gas', level: 'I' })?.id).toBe('gas-I');
    expect(planFor(plans, { ruleId: 'gas.tunnel', kind: 'gas', level: 'I' })?.id).toBe('tunnel-I');
    expect(planFor(plans, { ruleId: 'gas.ch4', kind: 'gas', level: 'III' })).toBeUndefined();
    expect(planFor(plans, { ruleId: 'x', kind: null, level: 'I' })).toBeUndefined();
  });
});
