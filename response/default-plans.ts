/**
 * The default plan pack: the six lifeline kinds × levels I–IV (*default*, edit through the API). Units per
 * kind follow domain.md "Typical units per kind"; an elevator entrapment (level I) wants the maintenance
 * firm on site within 30 min, the common national requirement. Deadlines tighten with the level. Step
 * titles are in zh-CN and en (plan-titles.ts).
 */
import { planTitle, type PlanTitleKey } from './plan-titles.js';
import type { PlanInput } from './plans.js';
import type { AlertKind, Level, UnitType } from './types.js';

type Step = [UnitType, number, PlanTitleKey, string, boolean];

const ACCEPT_MIN: Record<Level, number> = { I: 5, II: 10, III: 15, IV: 30 };
const ARRIVE_MIN: Record<Level, number> = { I: 30, II: 45, III: 60, IV: 120 };

const LEAD: Record<AlertKind, [UnitType, PlanTitleKey, string]> = {
  gas: ['gas_repair', 'lead.gas', 'Find and stop the gas leak: isolate the valve, ventilate, measure until below 10 %LEL'],
  water: ['water_repair', 'lead.water', 'Locate the burst or leak, isolate the section, repair and restore pressure'],
  heat: ['heat_company', 'lead.heat', 'Check the exchange station, restore supply temperature and pressure'],
  drainage: ['drainage_pump', 'lead.drainage', 'Pump the low point, clear the inlet, secure open manholes'],
  elevator: ['elevator_maintenance', 'lead.elevator', 'Free trapped passengers, take the elevator out of service, find the fault'],
  bridge: ['bridge_inspection', 'lead.bridge', 'Inspect the structure at the sensor, judge whether to restrict or close'],
};

/** Supporting units from level II up (I adds medical or fire rescue where people are at risk). */
const SUPPORT: Record<AlertKind, Partial<Record<Level, Step[]>>> = {
  gas: {
    I: [['fire_rescue', 1, 'fire.standByIgnition', 'Stand by against ignition; evacuate if the reading rises', true], ['police', 1, 'police.cordon100', 'Cordon 100 m and keep ignition sources out', true], ['medical', 1, 'medical.standBy', 'Stand by for casualties', false]],
    II: [['fire_rescue', 1, 'fire.standByIgnition', 'Stand by against ignition', true], ['police', 1, 'police.cordonArea', 'Cordon the area', true]],
    III: [['police', 1, 'police.cordonWell', 'Cordon the manhole or valve well', false]],
  },
  water: { I: [['police', 1, 'police.trafficWorks', 'Traffic control for the road works', true]], II: [['police', 1, 'police.trafficWorks', 'Traffic control for the road works', false]] },
  heat: {},
  drainage: {
    I: [['police', 1, 'police.closeFlooded', 'Close the flooded road to traffic', true], ['fire_rescue', 1, 'fire.rescueFlooded', 'Rescue from flooded vehicles and underpasses', true]],
    II: [['police', 1, 'police.closeFlooded', 'Close the flooded road to traffic', true]],
  },
  elevator: { I: [['fire_rescue', 1, 'fire.freeTrapped', 'Free trapped passengers if the firm cannot in time', true]] },
  bridge: { I: [['police', 1, 'police.closeBridge', 'Close the bridge to traffic', true]], II: [['police', 1, 'police.restrictBridge', 'Restrict traffic on the bridge', true]] },
};

/** A step titled from the catalog (its English text is `title`; every language is in `titles`). */
const titled = (key: PlanTitleKey) => {
  const titles = planTitle(key);
  return { title: titles.en, titles };
};

function steps(kind: AlertKind, level: Level): PlanInput['steps'] {
  const [type, key, text] = LEAD[kind];
  const lead = { unitType: type, count: level === 'I' && kind !== 'elevator' ? 2 : 1, ...titled(key), instructions: text, required: true };
  const rest = (SUPPORT[kind][level] ?? []).map(([unitType, count, k, instructions, required]) => ({ unitType, count, ...titled(k), instructions, required }));
  return [lead, ...rest];
}

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
