/**
 * The `response-overdue` alert's text in zh-CN and en (kernel/i18n.ts catalog): which unit missed which
 * deadline of which task. The English is also the task's escalation note.
 */
import { defineCatalog, localize, type Localized } from '../kernel/i18n.js';
import { taskUnitNames } from './resources.js';
import { UNIT_TYPES, type Task } from './types.js';

export const OVERDUE_MESSAGES = defineCatalog({
  en: {
    'overdue.alert': 'Response overdue: {note}',
    'overdue.accept': '{unit} did not accept "{title}" in time',
    'overdue.arrive': '{unit} did not arrive for "{title}" in time',
    'overdue.noneFree': '{note}; no other {unitType} unit is free',
    'overdue.declined': 'declined by {unit}',
    'unit.gas_repair': 'gas_repair', 'unit.water_repair': 'water_repair', 'unit.heat_company': 'heat_company',
    'unit.drainage_pump': 'drainage_pump', 'unit.elevator_maintenance': 'elevator_maintenance', 'unit.bridge_inspection': 'bridge_inspection',
    'unit.fire_rescue': 'fire_rescue', 'unit.police': 'police', 'unit.medical': 'medical',
  },
  'zh-CN': {
    'overdue.alert': '响应超时：{note}',
    'overdue.accept': '{unit} 未按时接受任务“{title}”',
    'overdue.arrive': '{unit} 未按时到达任务“{title}”现场',
    'overdue.noneFree': '{note}；没有其他空闲的{unitType}单位',
    'overdue.declined': '{unit} 拒绝了任务',
    'unit.gas_repair': '燃气抢修', 'unit.water_repair': '供水抢修', 'unit.heat_company': '供热公司',
    'unit.drainage_pump': '排水泵站', 'unit.elevator_maintenance': '电梯维保', 'unit.bridge_inspection': '桥梁巡检',
    'unit.fire_rescue': '消防救援', 'unit.police': '公安', 'unit.medical': '医疗急救',
  },
});

export type OverdueMessageKey = keyof (typeof OVERDUE_MESSAGES)['en'];

const unitType = (t: string): Localized =>
  (UNIT_TYPES as readonly string[]).includes(t) ? localize(OVERDUE_MESSAGES, `unit.${t as (typeof UNIT_TYPES)[number]}`) : { en: t, 'zh-CN': t };

/** Why a task is overdue, in every language: its unit missed the accept or the arrive deadline. */
export function overdueReason(t: Pick<Task, 'unitName' | 'unitNames' | 'title' | 'titles'>, deadline: 'accept' | 'arrive'): Localized {
  const title = t.titles ?? { en: t.title, 'zh-CN': t.title };
  return localize(OVERDUE_MESSAGES, deadline === 'accept' ? 'overdue.accept' : 'overdue.arrive', { unit: taskUnitNames(t), title });
}

/** The unit declined the task. */
export function declinedReason(t: Pick<Task, 'unitName' | 'unitNames'>): Localized {
  return localize(OVERDUE_MESSAGES, 'overdue.declined', { unit: taskUnitNames(t) });
}

/** The reason, and that no other unit of the task's type is free. */
export function noneFreeReason(note: Localized, t: Pick<Task, 'unitType'>): Localized {
  return localize(OVERDUE_MESSAGES, 'overdue.noneFree', { note, unitType: unitType(t.unitType) });
}

/** The overdue alert's message in every language. */
export function overdueMessage(note: Localized): Localized {
  return localize(OVERDUE_MESSAGES, 'overdue.alert', { note });
}
