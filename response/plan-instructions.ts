/**
 * The default plan pack's step instructions in the city's two languages (kernel/i18n.ts catalog), keyed
 * like the titles (plan-titles.ts), where they say more than the title: a task keeps them in both, and the
 * API, the phone and the notices show the reader's language. Also the instructions of a supervisor's
 * escalated task.
 */
import { defineCatalog, localize, type Localized, type Param } from '../kernel/i18n.js';
import { planTitle, type PlanTitleKey } from './plan-titles.js';
import { taskUnitNames } from './resources.js';

/** Steps whose instructions say more than their title; any other step's instructions are its title. */
type Own = 'lead.gas' | 'lead.water' | 'lead.heat' | 'lead.drainage' | 'lead.elevator' | 'lead.bridge' | 'fire.standByIgnitionEvacuate';
/** A step's instructions: its title's key, or one of those that say more. */
export type InstructionKey = PlanTitleKey | Own;
type Key = Own | 'escalated.accept' | 'escalated.arrive';

export const PLAN_INSTRUCTIONS = defineCatalog<Key>({
  en: {
    'lead.gas': 'Find and stop the gas leak: isolate the valve, ventilate, measure until below 10 %LEL',
    'lead.water': 'Locate the burst or leak, isolate the section, repair and restore pressure',
    'lead.heat': 'Check the exchange station, restore supply temperature and pressure',
    'lead.drainage': 'Pump the low point, clear the inlet, secure open manholes',
    'lead.elevator': 'Free trapped passengers, take the elevator out of service, find the fault',
    'lead.bridge': 'Inspect the structure at the sensor, judge whether to restrict or close',
    'fire.standByIgnitionEvacuate': 'Stand by against ignition; evacuate if the reading rises',
    'escalated.accept': '{unit} did not accept "{title}" in time. Unit {unit} is late on: {instructions}',
    'escalated.arrive': '{unit} did not arrive for "{title}" in time. Unit {unit} is late on: {instructions}',
  },
  'zh-CN': {
    'lead.gas': '查找并制止燃气泄漏：关闭阀门，通风，持续检测至 10 %LEL 以下',
    'lead.water': '查找爆管或漏点，关阀隔离管段，抢修并恢复供水压力',
    'lead.heat': '检查换热站，恢复供水温度和压力',
    'lead.drainage': '低洼点抽排，清理雨水口，看护敞开的检查井',
    'lead.elevator': '解救被困乘客，停用电梯，排查故障',
    'lead.bridge': '检查传感器处的桥梁结构，研判是否限行或封闭',
    'fire.standByIgnitionEvacuate': '现场防火待命；读数继续上升时组织疏散',
    'escalated.accept': '{unit} 未按时接受任务“{title}”。{unit} 延误的任务：{instructions}',
    'escalated.arrive': '{unit} 未按时到达任务“{title}”的现场。{unit} 延误的任务：{instructions}',
  },
});

/** A default step's instructions in every language. */
export const planInstructions = (key: InstructionKey): Localized => (key in PLAN_INSTRUCTIONS.en ? localize(PLAN_INSTRUCTIONS, key as Own) : planTitle(key as PlanTitleKey));

/** What a supervisor is asked when a unit missed a deadline: the late task's own texts, in every language. */
export function escalatedInstructions(late: 'accept' | 'arrive', old: { unitName: string; unitNames?: Localized; title: string; titles?: Localized; instructions: string; instructionsByLang?: Localized }): Localized {
  const params: Record<string, Param> = { unit: taskUnitNames(old), title: old.titles ?? old.title, instructions: old.instructionsByLang ?? old.instructions };
  return localize(PLAN_INSTRUCTIONS, late === 'accept' ? 'escalated.accept' : 'escalated.arrive', params);
}
