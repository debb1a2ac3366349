/**
 * The notes the platform itself writes on an alert's timeline (a drone over the target, a picture
 * attached), as structured entries: a code and its parameters (times as epoch ms, coordinates as numbers)
 * that every reader renders in its own language — the console with its catalog in the city's zone — and
 * the text in both languages here, for the API (`note` by Accept-Language) and older readers.
 */
import { defineCatalog, perLang, translate, type Lang } from '../kernel/i18n.js';
import type { NoteDetail } from '../rules-engine/index.js';
import type { MediaMeta } from '../response/index.js';

type Key = 'picture' | 'droneOverTarget' | 'forTask' | 'fromMission' | 'at' | 'source.drone' | 'source.responder' | 'source.operator';

const NOTES = defineCatalog<Key>({
  en: {
    picture: '{source} picture {mediaId} ({contentType}{size}){what}{where}, taken {takenAt}',
    droneOverTarget: 'drone {droneId} over the target (mission {missionId}){where}',
    forTask: ' for task {taskId}',
    fromMission: ' from mission {missionId}',
    at: ' at {lat},{lon}',
    'source.drone': 'drone',
    'source.responder': 'responder',
    'source.operator': 'operator',
  },
  'zh-CN': {
    picture: '{source}照片 {mediaId}（{contentType}{size}）{what}{where}，拍摄于 {takenAt}',
    droneOverTarget: '无人机 {droneId} 已到达目标上空（飞行任务 {missionId}）{where}',
    forTask: '，处置任务 {taskId}',
    fromMission: '，来自飞行任务 {missionId}',
    at: '，位置 {lat},{lon}',
    'source.drone': '无人机',
    'source.responder': '处置人员',
    'source.operator': '值班员',
  },
});

/** Asia/Shanghai is UTC+8 all year: `2026-12-03 22:30:00 +08:00`, as the console writes times. */
export function cityTime(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')} +08:00`;
}

type Params = NoteDetail['params'];
const str = (v: string | number | undefined): string => (v === undefined ? '' : String(v));
const coords = (p: Params): Params => (typeof p.lat === 'number' && typeof p.lon === 'number' ? { lat: p.lat.toFixed(6), lon: p.lon.toFixed(6) } : {});

/** The text of a note code in `lang` (fragments for what is present; times in the city's zone). */
export function renderNote(code: string, p: Params, lang: Lang): string {
  const where = 'lat' in p ? translate(NOTES, lang, 'at', coords(p)) : '';
  if (code === 'droneOverTarget') return translate(NOTES, lang, 'droneOverTarget', { droneId: str(p.droneId), missionId: str(p.missionId), where });
  const source = `source.${str(p.source)}` as Key;
  const what = p.taskId !== undefined ? translate(NOTES, lang, 'forTask', { taskId: p.taskId }) : p.missionId !== undefined ? translate(NOTES, lang, 'fromMission', { missionId: p.missionId }) : '';
  return translate(NOTES, lang, 'picture', {
    source: source in NOTES.en ? translate(NOTES, lang, source) : str(p.source),
    mediaId: str(p.mediaId), contentType: str(p.contentType), size: p.width !== undefined ? `, ${str(p.width)}×${str(p.height)}` : '',
    what, where, takenAt: typeof p.takenAt === 'number' ? cityTime(p.takenAt) : str(p.takenAt),
  });
}

function detail(code: string, params: Params): { note: string; detail: NoteDetail } {
  const notes = perLang((l) => renderNote(code, params, l));
  return { note: notes.en, detail: { code, params, notes } };
}

const position = (pos: { lat: number; lon: number } | undefined): Params => (pos ? { lat: pos.lat, lon: pos.lon } : {});

/** `media.attached`: which picture, from whom, for what, where and when it was taken. */
export function pictureNote(m: MediaMeta): { note: string; detail: NoteDetail } {
  const taken = Date.parse(m.takenAt);
  return detail('picture', {
    source: m.source, mediaId: m.id, contentType: m.contentType,
    ...(m.width && m.height ? { width: m.width, height: m.height } : {}),
    ...(m.taskId ? { taskId: m.taskId } : m.missionId ? { missionId: m.missionId } : {}),
    ...position(m.position), takenAt: Number.isNaN(taken) ? m.takenAt : taken,
  });
}

/** `drone.arrived`: the vehicle over the alert's target on its mission. */
export function droneArrivedNote(droneId: string, missionId: string, pos?: { lat: number; lon: number }): { note: string; detail: NoteDetail } {
  return detail('droneOverTarget', { droneId, missionId, ...position(pos) });
}
