/**
 * The default plan pack's step titles in the city's two languages (kernel/i18n.ts catalog): a task keeps
 * its title in both, and the API, the phone and the notices show the reader's language.
 */
import { defineCatalog, localize, type Localized } from '../kernel/i18n.js';

type Key =
  | 'lead.gas' | 'lead.water' | 'lead.heat' | 'lead.drainage' | 'lead.elevator' | 'lead.bridge'
  | 'fire.standByIgnition' | 'police.cordon100' | 'medical.standBy' | 'police.cordonArea' | 'police.cordonWell'
  | 'police.trafficWorks' | 'police.closeFlooded' | 'fire.rescueFlooded' | 'fire.freeTrapped' | 'police.closeBridge' | 'police.restrictBridge'
  | 'escalated';

export const PLAN_TITLES = defineCatalog<Key>({
  en: {
    'lead.gas': 'Find and stop the gas leak',
    'lead.water': 'Locate the burst or leak',
    'lead.heat': 'Check the exchange station',
    'lead.drainage': 'Pump the low point',
    'lead.elevator': 'Free trapped passengers',
    'lead.bridge': 'Inspect the structure at the sensor',
    'fire.standByIgnition': 'Stand by against ignition',
    'police.cordon100': 'Cordon 100 m and keep ignition sources out',
    'medical.standBy': 'Stand by for casualties',
    'police.cordonArea': 'Cordon the area',
    'police.cordonWell': 'Cordon the manhole or valve well',
    'police.trafficWorks': 'Traffic control for the road works',
    'police.closeFlooded': 'Close the flooded road to traffic',
    'fire.rescueFlooded': 'Rescue from flooded vehicles and underpasses',
    'fire.freeTrapped': 'Free trapped passengers if the firm cannot in time',
    'police.closeBridge': 'Close the bridge to traffic',
    'police.restrictBridge': 'Restrict traffic on the bridge',
    escalated: 'Escalated: {title}',
  },
  'zh-CN': {
    'lead.gas': '查找并制止燃气泄漏',
    'lead.water': '查找爆管或漏点',
    'lead.heat': '检查换热站',
    'lead.drainage': '低洼点抽排',
    'lead.elevator': '解救被困乘客',
    'lead.bridge': '检查传感器处的桥梁结构',
    'fire.standByIgnition': '现场防火待命',
    'police.cordon100': '设置 100 米警戒，严禁火源',
    'medical.standBy': '医疗救护待命',
    'police.cordonArea': '设置警戒区',
    'police.cordonWell': '警戒检查井或阀门井',
    'police.trafficWorks': '抢修路段交通管制',
    'police.closeFlooded': '封闭积水道路',
    'fire.rescueFlooded': '救援积水车辆和下穿通道被困人员',
    'fire.freeTrapped': '维保单位不能及时到场时解救被困乘客',
    'police.closeBridge': '封闭桥梁交通',
    'police.restrictBridge': '限制桥梁通行',
    escalated: '升级处置：{title}',
  },
});

export type PlanTitleKey = Exclude<Key, 'escalated'>;

/** A default step's title in every language. */
export const planTitle = (key: PlanTitleKey): Localized => localize(PLAN_TITLES, key);

/** The title of a supervisor's escalated task, from the late task's title(s). */
export const escalatedTitle = (title: string, titles: Localized | undefined): Localized => ({
  en: localize(PLAN_TITLES, 'escalated', { title: titles?.en ?? title }).en,
  'zh-CN': localize(PLAN_TITLES, 'escalated', { title: titles?.['zh-CN'] ?? title })['zh-CN'],
});
