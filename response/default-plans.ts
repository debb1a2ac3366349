/**
 * The default plan pack: the six lifeline kinds × levels I–IV (*default*, edit through the API). Units per
 * kind follow domain.md "Typical units per kind"; an elevator entrapment (level I) wants the maintenance
 * firm on site within 30 min, the common national requirement. Deadlines tighten with the level. Step
 * titles and instructions are in zh-CN and en (plan-titles.ts, plan-instructions.ts).
 */
import { planInstructions, type InstructionKey } from './plan-instructions.js';
import { planTitle, type PlanTitleKey } from './plan-titles.js';
import type { PlanInput } from './plans.js';
import type { AlertKind, Level, UnitType } from './types.js';

/** Unit type, how many, the title's key, required, and the instructions' key when they say more than the title. */
type Step = [UnitType, number, PlanTitleKey, boolean, InstructionKey?];

const ACCEPT_MIN: Record<Level, number> = { I: 5, II: 10, III: 15, IV: 30 };
const ARRIVE_MIN: Record<Level, number> = { I: 30, II: 45, III: 60, IV: 120 };

const LEAD: Record<AlertKind, [UnitType, PlanTitleKey]> = {
  gas: ['gas_repair', 'lead.gas'],
  water: ['water_repair', 'lead.water'],
  heat: ['heat_company', 'lead.heat'],
  drainage: ['drainage_pump', 'lead.drainage'],
  elevator: ['elevator_maintenance', 'lead.elevator'],
  bridge: ['bridge_inspection', 'lead.bridge'],
};

/** Supporting units from level II up (I adds medical or fire rescue where people are at risk). */
const SUPPORT: Record<AlertKind, Partial<Record<Level, Step[]>>> = {
  gas: {
    I: [['fire_rescue', 1, 'fire.standByIgnition', true, 'fire.standByIgnitionEvacuate'], ['police', 1, 'police.cordon100', true], ['medical', 1, 'medical.standBy', false]],
    II: [['fire_rescue', 1, 'fire.standByIgnition', true], ['police', 1, 'police.cordonArea', true]],
    III: [['police', 1, 'police.cordonWell', false]],
  },
  water: { I: [['police', 1, 'police.trafficWorks', true]], II: [['police', 1, 'police.trafficWorks', false]] },
  heat: {},
  drainage: {
    I: [['police', 1, 'police.closeFlooded', true], ['fire_rescue', 1, 'fire.rescueFlooded', true]],
    II: [['police', 1, 'police.closeFlooded', true]],
  },
  elevator: { I: [['fire_rescue', 1, 'fire.freeTrapped', true]] },
  bridge: { I: [['police', 1, 'police.closeBridge', true]], II: [['police', 1, 'police.restrictBridge', true]] },
};

/** A step's title and instructions from the catalogs (English in `title` and `instructions`; every language beside them). */
const texts = (key: PlanTitleKey, instructionKey: InstructionKey = key) => {
  const titles = planTitle(key);
  const instructionsByLang = planInstructions(instructionKey);
  return { title: titles.en, titles, instructions: instructionsByLang.en, instructionsByLang };
};

function steps(kind: AlertKind, level: Level): PlanInput['steps'] {
  const [type, key] = LEAD[kind];
  const lead = { unitType: type, count: level === 'I' && kind !== 'elevator' ? 2 : 1, ...texts(key), required: true };
  const rest = (SUPPORT[kind][level] ?? []).map(([unitType, count, k, required, instructions]) => ({ unitType, count, ...texts(k, instructions), required }));
  return [lead, ...rest];
}

const AUTHORITY_ZH: Record<AlertKind, string> = { gas: '市燃气主管部门', water: '市供水主管部门', heat: '市供热主管部门', drainage: '市排水主管部门', elevator: '市电梯安全监管部门', bridge: '市桥梁主管部门' };

/** The Chinese of the names the default pack's `notify` writes (a registered desk's own Chinese name wins). */
export const DEFAULT_NOTIFY_ZH: Readonly<Record<string, string>> = {
  'city emergency command centre': '市应急指挥中心',
  'district command centre': '区应急指挥中心',
  ...Object.fromEntries(Object.entries(AUTHORITY_ZH).map(([kind, zh]) => [`city ${kind} authority`, zh])),
};

export function defaultPlanPack(): PlanInput[] {
  const kinds: AlertKind[] = ['gas', 'water', 'heat', 'drainage', 'elevator', 'bridge'];
  const levels: Level[] = ['I', 'II', 'III', 'IV'];
  return kinds.flatMap((kind) => levels.map((level): PlanInput => ({
    id: `${kind}-${level}`, kind, ruleId: null, level, steps: steps(kind, level),
    acceptWithinMin: ACCEPT_MIN[level], arriveWithinMin: ARRIVE_MIN[level],
    drone: level === 'I' || level === 'II', auto: false,
    notify: { city: level === 'I' ? ['city emergency command centre', `city ${kind} authority`] : level === 'II' ? [`city ${kind} authority`] : [], district: ['district command centre'] },
    escalation: ['next_unit', 'supervisor'],
  })));
}
