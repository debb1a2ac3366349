/**
 * Every alert the platform can raise has its message in zh-CN and in en, from a catalog: the rules
 * engine's rule kinds, the drone safety alarms and the response module's overdue alerts. A new source of
 * alerts (a new caller of applySignal) or a new rule or alarm kind fails here until it has both texts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DRONE_ALARM_KINDS, DRONE_ALARM_MESSAGES, type DroneAlarmMessageKey } from '../drone-ops/service/index.js';
import { LANGS, localize, type Catalog, type Localized } from '../kernel/i18n.js';
import { OVERDUE_MESSAGES, noneFreeReason, overdueMessage, overdueReason } from '../response/index.js';
import { ALERT_MESSAGES, RuleEngine, RuleSchema, defaultRulePack, type Signal } from '../rules-engine/index.js';
import { deviceEvent, reading } from '../rules-engine/testing.js';
import { DRONE_SAFETY_RULE, droneAlarmSignal } from './drone-alarms.js';
import { RESPONSE_OVERDUE_RULE, overdueSignal } from './response.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const T0 = Date.UTC(2026, 0, 10, 2);
const MIN = 60_000;

/** Both languages present, filled in, and not the same text (a Chinese reader must not get the English). */
function expectBothLanguages(m: Localized | undefined, what: string): void {
  expect(m, what).toBeDefined();
  for (const l of LANGS) {
    expect(m![l], `${what} ${l}`).toMatch(/\S/);
    expect(m![l], `${what} ${l}: a placeholder left unfilled`).not.toMatch(/\{\w+\}/);
  }
  expect(m!['zh-CN'], `${what}: zh-CN is the English text`).not.toBe(m!.en);
  expect(m!['zh-CN'], `${what}: zh-CN has no Chinese`).toMatch(/[\u4e00-\u9fff]/);
}

/** The rules engine driven through the default pack: readings, an event, silence, a burst on one main. */
function engineSignals(): Signal[] {
  const e = new RuleEngine(defaultRulePack());
  const out: Signal[] = [];
  out.push(...e.evaluateReading(reading('GW-1', 'gas', T0, { ch4_lel: 27 })));
  out.push(...e.evaluateReading(reading('GW-1', 'gas', T0 + 1000, { ch4_lel: 1 })));
  out.push(...e.evaluateEvent(deviceEvent('EL-7', 'elevator', T0, 'trapped')));
  const main = Array.from({ length: 5 }, (_, i) => ({ id: `W-${i + 1}`, location: { lon: 120.38 + i * 0.0015, lat: 36.07 } }));
  for (let minute = 0; minute < 3; minute++) {
    main.forEach((s, i) => out.push(...e.evaluateReading(reading(s.id, 'water', T0 + minute * MIN + i * 1000, { pressure_mpa: 0.4 - (0.2 * minute) / 2 }), { location: s.location })));
  }
  out.push(...e.tick(T0 + 60 * MIN));
  return out;
}

/** A catalog's template with every placeholder filled, in every language. */
function filled<K extends string>(catalog: Catalog<K>, key: K): Localized {
  const names = [...catalog.en[key].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return localize(catalog, key, Object.fromEntries(names.map((n) => [n, 'X-1'])));
}

/** Production files that fold a signal into the alert lifecycle: every place an alert can come from. */
function alertSources(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (['node_modules', 'dist', 'test', 'bench', 'simulators', 'console', '.git', 'data', '.tmp'].includes(name)) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !/\.(test|int\.test|conformance)\.ts$/.test(p) && /\bapplySignal\(/.test(readFileSync(p, 'utf8'))) found.push(relative(ROOT, p));
    }
  };
  walk(ROOT);
  return found.filter((p) => p !== 'rules-engine/lifecycle.ts').sort();
}

describe('every alert the platform raises has its message in zh-CN and en', () => {
  it('the sources of alerts are the ones checked below', () => {
    // The rules engine (live and backtest), drone safety alarms, response deadlines. A new one: check its texts here.
    expect(alertSources()).toEqual(['app/drone-alarms.ts', 'app/response.ts', 'rules-engine/service/alert-service.ts', 'rules-engine/service/backtest.ts']);
  });

  it('every rule kind: the signals the engine raises carry both languages', () => {
    const signals = engineSignals();
    const kinds = (RuleSchema.properties.kind.anyOf as { const: string }[]).map((k) => k.const);
    for (const kind of kinds) expect(signals.some((s) => s.ruleKind === kind), `no ${kind} signal raised`).toBe(true);
    for (const s of signals) expectBothLanguages(s.messages, `${s.ruleId} ${s.state}`);
    expect(signals.find((s) => s.state === 'clear')?.messages['zh-CN']).toMatch(/已解除$/);
  });

  it('every drone alarm kind: its catalog text becomes the drone-safety alert in both languages', () => {
    for (const kind of DRONE_ALARM_KINDS) {
      const key = `alarm.${kind}` as DroneAlarmMessageKey;
      expect(DRONE_ALARM_MESSAGES.en[key], `no text for the ${kind} alarm`).toBeDefined();
      const messages = filled(DRONE_ALARM_MESSAGES, key);
      const s = droneAlarmSignal({ kind, droneId: 'D-1', dockId: 'K-1', missionId: 'M-1', at: T0, message: messages.en, messages });
      expect(s.ruleId).toBe(DRONE_SAFETY_RULE);
      expectBothLanguages(s.messages, `drone alarm ${kind}`);
    }
  });

  it('the response-overdue alert, for each deadline and when no other unit is free', () => {
    const task = { unitName: 'Gas crew 3', title: 'Find and stop the gas leak', titles: { en: 'Find and stop the gas leak', 'zh-CN': '查找并制止燃气泄漏' }, unitType: 'gas_repair' };
    for (const note of [overdueReason(task, 'accept'), overdueReason(task, 'arrive'), noneFreeReason(overdueReason(task, 'accept'), task)]) {
      const s = overdueSignal('al-1', 'gas', '370202', { lon: 120.38, lat: 36.07 }, overdueMessage(note), T0, 'II');
      expect(s.ruleId).toBe(RESPONSE_OVERDUE_RULE);
      expectBothLanguages(s.messages, 'response-overdue');
      expect(s.message).toBe(s.messages.en);
    }
    expect(overdueMessage(overdueReason(task, 'accept'))['zh-CN']).toBe('响应超时：Gas crew 3 未按时接受任务“查找并制止燃气泄漏”');
  });

  it('every key of every alert catalog has a Chinese text of its own', () => {
    const catalogs = { ALERT_MESSAGES, DRONE_ALARM_MESSAGES, OVERDUE_MESSAGES } as Record<string, Catalog<string>>;
    for (const [name, catalog] of Object.entries(catalogs)) {
      for (const key of Object.keys(catalog.en)) {
        expect(Object.keys(catalog['zh-CN']), `${name}: zh-CN lacks ${key}`).toContain(key);
        expect(catalog['zh-CN'][key], `${name} ${key}: zh-CN is the English text`).not.toBe(catalog.en[key]);
      }
    }
  });
});
