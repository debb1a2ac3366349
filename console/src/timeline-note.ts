/**
 * A timeline note the platform writes (a drone over the target, a picture attached) in the chosen
 * language, from its code and parameters: times in the city's zone as the console writes them,
 * coordinates as everywhere else. Free text (a comment, a reason) is not ours to translate.
 */
import { coord, dateTime } from './format.js';
import { t, tValue } from './i18n/index.js';
import type { AuditEntry } from './types.js';

type Params = Record<string, string | number>;
const str = (v: string | number | undefined): string => (v === undefined ? '' : String(v));

function where(p: Params): string {
  return typeof p.lat === 'number' && typeof p.lon === 'number' ? t('note.at', { lat: coord(p.lat), lon: coord(p.lon) }) : '';
}

function picture(p: Params): string {
  const what = p.taskId !== undefined ? t('note.forTask', { taskId: p.taskId }) : p.missionId !== undefined ? t('note.fromMission', { missionId: p.missionId }) : '';
  return t('note.picture', {
    source: tValue('response.source', str(p.source)), mediaId: str(p.mediaId), contentType: str(p.contentType),
    size: p.width !== undefined ? `, ${str(p.width)}×${str(p.height)}` : '', what, where: where(p),
    takenAt: typeof p.takenAt === 'number' ? dateTime(p.takenAt) : str(p.takenAt),
  });
}

/** The note in the chosen language when the platform wrote it (a code we know); null for free text. */
export function systemNote(e: Pick<AuditEntry, 'detail'>): string | null {
  const d = e.detail;
  if (d?.code === 'picture') return picture(d.params);
  if (d?.code === 'droneOverTarget') return t('note.droneOverTarget', { droneId: str(d.params.droneId), missionId: str(d.params.missionId), where: where(d.params) });
  return null;
}
