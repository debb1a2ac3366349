/**
 * Alert messages in zh-CN and en (kernel/i18n.ts catalog). A signal carries its message in both
 * languages, rendered from the same values; the alert keeps them, and each reader (API, stream,
 * webhook, console) shows the one its language asks for. The English text is the historical `message`.
 */
import { defineCatalog, localize, untranslated, type Localized, type Param } from '../kernel/i18n.js';
import type { Rule } from './rules.js';
import type { Severity } from './severity.js';

export const ALERT_MESSAGES = defineCatalog({
  en: {
    'alert.level': '{rule} {value} {unit}{rel} at {device} — {tail}',
    'alert.level.rel': ' ({percent} % of {param} {paramValue})',
    'alert.event': '{rule} {event} at {device} — {tail}',
    'alert.deadman.firing': '{rule}: {device} silent {minutes} min (expected every {seconds} s) — {tail}',
    'alert.deadman.clear': '{rule}: {device} reporting again — {tail}',
    'alert.incident.firing': '{rule}: {count} sensors anomalous near {where} — {tail}',
    'alert.incident.clear': '{rule} near {where} — {tail}',
    'where.area': 'area',
    'severity.blue': 'blue',
    'severity.yellow': 'yellow',
    'severity.orange': 'orange',
    'severity.red': 'red',
    'state.clear': 'clear',
  },
  'zh-CN': {
    'alert.level': '{device} {rule} {value} {unit}{rel} — {tail}',
    'alert.level.rel': '（{param} {paramValue} 的 {percent} %）',
    'alert.event': '{device} {rule}：{event} — {tail}',
    'alert.deadman.firing': '{rule}：{device} 已 {minutes} 分钟无数据（应每 {seconds} 秒上报一次）— {tail}',
    'alert.deadman.clear': '{rule}：{device} 已恢复上报 — {tail}',
    'alert.incident.firing': '{rule}：{where} 附近 {count} 个传感器异常 — {tail}',
    'alert.incident.clear': '{rule}（{where} 附近）— {tail}',
    'where.area': '该区域',
    'severity.blue': '蓝色',
    'severity.yellow': '黄色',
    'severity.orange': '橙色',
    'severity.red': '红色',
    'state.clear': '已解除',
  },
});

export type AlertMessageKey = keyof (typeof ALERT_MESSAGES)['en'];

/** Device event types (firmware contracts) in Chinese; an unknown type is shown as sent. */
const EVENT_ZH: Record<string, string> = {
  fault: '设备故障', reboot: '设备重启', sensor_fault: '传感器故障', tamper: '设备被拆动', leak_suspected: '疑似泄漏',
  pump_fault: '循环泵故障', cover_open: '井盖打开', cover_closed: '井盖合上', trapped: '困人', door_fault: '门故障',
  overspeed: '超速', power_loss: '断电', impact: '撞击',
};

/** A severity's name in every language. */
export function severityName(s: Severity): Localized {
  return localize(ALERT_MESSAGES, `severity.${s}`);
}

/** What ends a message: the severity while firing, "clear" once it clears. */
export function tail(state: 'firing' | 'clear', s: Severity): Localized {
  return state === 'firing' ? severityName(s) : localize(ALERT_MESSAGES, 'state.clear');
}

/** A rule's name in every language: `name_zh` when the rule has one, else its name as written. */
export function ruleName(r: Pick<Rule, 'name' | 'name_zh'>): Localized {
  return { en: r.name, 'zh-CN': r.name_zh ?? r.name };
}

export function eventName(type: string): Localized {
  return { en: type, 'zh-CN': EVENT_ZH[type] ?? type };
}

/** The message of `key` in every language; `.en` is the `message` every reader used to get. */
export function alertMessage(key: AlertMessageKey, params: Record<string, Param>): Localized {
  return localize(ALERT_MESSAGES, key, params);
}

export { untranslated };
