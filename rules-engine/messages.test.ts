import { describe, expect, it } from 'vitest';
import { getContract } from '../firmware-contracts/index.js';
import { defaultRulePack } from './default-pack.js';
import { RuleEngine } from './engine.js';
import { applySignal } from './lifecycle.js';
import { deviceEvent, reading } from './testing.js';

const T0 = Date.UTC(2026, 0, 10, 4);
const pack = defaultRulePack();

describe('alert messages in zh-CN and en', () => {
  it('every default rule has a Chinese name', () => {
    expect(pack.filter((r) => !r.name_zh).map((r) => r.id)).toEqual([]);
  });

  it('threshold, relative threshold, event and deadman signals carry both languages; en is the message', () => {
    const e = new RuleEngine(pack.filter((r) => ['gas.ch4', 'drainage.level', 'elevator.events', 'device.offline'].includes(r.id)));
    const [gas] = e.evaluateReading(reading('GW-0412', 'gas', T0, { ch4_lel: 27 }));
    expect(gas!.messages).toEqual({ en: 'gas methane 27 %LEL at GW-0412 — orange', 'zh-CN': 'GW-0412 燃气甲烷浓度 27 %LEL — 橙色' });
    expect(gas!.message).toBe(gas!.messages.en);
    const [clear] = e.evaluateReading(reading('GW-0412', 'gas', T0 + 1000, { ch4_lel: 1 }));
    expect(clear!.messages['zh-CN']).toBe('GW-0412 燃气甲烷浓度 1 %LEL — 已解除');

    e.track({ deviceId: 'DR-1', kind: 'drainage', district: null, asset: null, lastSeenAt: T0 }, { params: { depth_m: 2 } });
    const [level] = e.evaluateReading(reading('DR-1', 'drainage', T0, { level_m: 1.8 }));
    expect(level!.messages).toEqual({
      en: 'drainage water level 1.8 m (90 % of depth_m 2) at DR-1 — orange',
      'zh-CN': 'DR-1 排水井水位 1.8 m（depth_m 2 的 90 %） — 橙色',
    });

    const [trapped] = e.evaluateEvent(deviceEvent('EL-7', 'elevator', T0, 'trapped'));
    expect(trapped!.messages).toEqual({ en: 'elevator trapped at EL-7 — red', 'zh-CN': 'EL-7 电梯：困人 — 红色' });

    const [offline] = e.tick(T0 + 3 * getContract('elevator')!.intervalMs + 1);
    expect(offline!.messages['zh-CN']).toMatch(/^设备离线：EL-7 已 [\d.]+ 分钟无数据（应每 \d+ 秒上报一次）— 黄色$/);
  });

  it('the alert keeps both languages, and takes the upgrade\'s', () => {
    const e = new RuleEngine(pack.filter((r) => r.id === 'gas.ch4'));
    const [a] = e.evaluateReading(reading('GW-1', 'gas', T0, { ch4_lel: 12 }));
    const [b] = e.evaluateReading(reading('GW-1', 'gas', T0 + 1000, { ch4_lel: 55 }));
    const opened = applySignal(undefined, a!, T0).alert!;
    expect(opened.messages!['zh-CN']).toBe('GW-1 燃气甲烷浓度 12 %LEL — 蓝色');
    const upgraded = applySignal(opened, b!, T0 + 1000).alert!;
    expect(upgraded.messages).toEqual({ en: 'gas methane 55 %LEL at GW-1 — red', 'zh-CN': 'GW-1 燃气甲烷浓度 55 %LEL — 红色' });
  });

  it('a renamed rule without name_zh shows its own name in both languages', () => {
    const gas = pack.find((r) => r.id === 'gas.ch4')!;
    const e = new RuleEngine([{ ...gas, name: 'CH4 (tunnel 3)', name_zh: undefined }]);
    const [s] = e.evaluateReading(reading('GW-1', 'gas', T0, { ch4_lel: 30 }));
    expect(s!.messages['zh-CN']).toBe('GW-1 CH4 (tunnel 3) 30 %LEL — 橙色');
  });
});
