/**
 * Drone safety alarm texts in zh-CN and en (kernel/i18n.ts catalog). An alarm carries its text in both
 * languages; the English one is the mission-history note and log line, and the alert's `message`. What
 * the vehicle itself says (a STATUSTEXT failsafe reason, a refusal) is quoted as sent: nobody can
 * translate it here.
 */
import { defineCatalog, localize, perLang, type Localized, type Param } from '../kernel/i18n.js';
import type { PathViolation } from './airspace.js';

export const DRONE_ALARM_MESSAGES = defineCatalog({
  en: {
    'alarm.geofence': 'geofence breach at {lon},{lat} alt {alt} m: {what}',
    'alarm.battery': 'low battery: {pct} % left, {needed} % needed for the remaining route, the {reserve} % reserve and a {margin} % margin',
    'alarm.returning': '{alarm} during the return: re-planned',
    'alarm.link_lost': 'link lost with drone {drone} during mission {mission}',
    'alarm.failsafe': 'vehicle failsafe on drone {drone}: {reason}{mode}',
    'alarm.failsafe.mode': ' (mode {mode})',
    'alarm.upload_refused': 'vehicle {drone} refused the {missionType} upload: {reason}',
    'alarm.upload_refused.failed': 'vehicle {drone} did not take its mission: upload failed: {reason}',
    'alarm.fence_refused': 'FENCE_REFUSED: the vehicle refused its geofence or rally points: {reason}',
    'alarm.nonconforming': 'INTENT_NONCONFORMING: mission {mission} runs past its operational intent and the airspace is reserved by {owners}',
    'alarm.nonconforming.strayed': 'INTENT_NONCONFORMING: drone {drone} left the volumes of mission {mission}',
    'alarm.airspace_changed': 'AIRSPACE_CHANGED in flight: {detail}',
    'alarm.landed_away': 'LANDED_AWAY: drone {drone} landed {offM} m from its dock {dock}, at {lon},{lat}{other}; not docked until it is back there',
    'alarm.landed_away.other': ' (dock {dock})',
    'alarm.landed_away.back.flown': 'drone {drone} back in its dock {dock} (flown)',
    'alarm.landed_away.back.reported': 'drone {drone} back in its dock {dock} (reported on it)',
    'breach.zone': 'inside no-fly zone {zone}',
    'breach.zone.any': 'inside no-fly zone',
    'breach.fence': 'outside the fence',
    'breach.ceiling': 'above the ceiling',
    'path.zone': 'leg {leg} enters no-fly zone {zone}',
    'path.fence': 'leg {leg} leaves its operation area',
    'path.ceiling': 'leg {leg} is above the ceiling',
    'path.blocked': 'the route ahead is no longer clear',
    'upload.mission': 'mission',
    'upload.fence': 'fence',
    'upload.rally': 'rally',
    'list.separator': ', ',
  },
  'zh-CN': {
    'alarm.geofence': '越出地理围栏：位于 {lon},{lat}，高度 {alt} 米，{what}',
    'alarm.battery': '电量不足：剩余 {pct} %，完成剩余航线需 {needed} %（含 {reserve} % 储备和 {margin} % 余量）',
    'alarm.returning': '{alarm}（返航途中）：已重新规划返航',
    'alarm.link_lost': '执行任务 {mission} 时与无人机 {drone} 的链路中断',
    'alarm.failsafe': '无人机 {drone} 触发机载失效保护：{reason}{mode}',
    'alarm.failsafe.mode': '（模式 {mode}）',
    'alarm.upload_refused': '无人机 {drone} 拒收{missionType}上传：{reason}',
    'alarm.upload_refused.failed': '无人机 {drone} 未接收任务：上传失败：{reason}',
    'alarm.fence_refused': 'FENCE_REFUSED：无人机拒收地理围栏或集结点：{reason}',
    'alarm.nonconforming': 'INTENT_NONCONFORMING：任务 {mission} 超出其运行意图的时段，该空域已由 {owners} 预留',
    'alarm.nonconforming.strayed': 'INTENT_NONCONFORMING：无人机 {drone} 飞出任务 {mission} 的空域范围',
    'alarm.airspace_changed': 'AIRSPACE_CHANGED 飞行中空域变更：{detail}',
    'alarm.landed_away': 'LANDED_AWAY：无人机 {drone} 降落在距机库 {dock} {offM} 米处（{lon},{lat}）{other}；回到该机库前不视为入库',
    'alarm.landed_away.other': '（机库 {dock} 处）',
    'alarm.landed_away.back.flown': '无人机 {drone} 已飞回机库 {dock}',
    'alarm.landed_away.back.reported': '无人机 {drone} 已回到机库 {dock}（报告位于机库）',
    'breach.zone': '位于禁飞区 {zone} 内',
    'breach.zone.any': '位于禁飞区内',
    'breach.fence': '位于作业区域外',
    'breach.ceiling': '高于限高',
    'path.zone': '第 {leg} 段航线进入禁飞区 {zone}',
    'path.fence': '第 {leg} 段航线离开作业区域',
    'path.ceiling': '第 {leg} 段航线高于限高',
    'path.blocked': '前方航线已不再畅通',
    'upload.mission': '航点任务',
    'upload.fence': '地理围栏',
    'upload.rally': '集结点',
    'list.separator': '、',
  },
});

export type DroneAlarmMessageKey = keyof (typeof DRONE_ALARM_MESSAGES)['en'];

/** The text of `key` in every language. */
export function alarmText(key: DroneAlarmMessageKey, params: Record<string, Param> = {}): Localized {
  return localize(DRONE_ALARM_MESSAGES, key, params);
}

/** Texts joined per language with the language's list separator. */
export function joinTexts(parts: readonly Localized[]): Localized {
  const sep = alarmText('list.separator');
  return perLang((l) => parts.map((p) => p[l]).join(sep[l]));
}

/**
 * A path violation in every language: the planner's own English (`message`, with the zone's band and
 * where along the leg) and a shorter Chinese from its kind.
 */
export function violationText(v: PathViolation | undefined, zoneName?: string): Localized {
  if (!v) return alarmText('path.blocked');
  const key = v.kind === 'no_fly_zone' ? 'path.zone' : v.kind === 'outside_fence' ? 'path.fence' : 'path.ceiling';
  return { ...alarmText(key, { leg: v.leg, zone: zoneName ?? v.zoneId ?? '' }), en: v.message };
}
