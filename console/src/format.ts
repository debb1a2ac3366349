/**
 * Times in the city's zone with its offset, human durations, numbers by Intl (console.md "Conventions").
 * The zone is the city's (Asia/Shanghai by default), not the browser's: a hall in Qingdao and a
 * laptop abroad read the same clock.
 */
import { lang, t } from './i18n/index.js';

export const CITY_TZ = 'Asia/Shanghai';

const dtCache = new Map<string, Intl.DateTimeFormat>();
function dt(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang()}|${JSON.stringify(opts)}`;
  let f = dtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang(), { timeZone: CITY_TZ, ...opts });
    dtCache.set(key, f);
  }
  return f;
}

/** An alert's message in the chosen language (the server keeps rule messages in both), else as sent. */
export function alertText(a: { message: string; messages?: Partial<Record<string, string>> }): string {
  return a.messages?.[lang()] ?? a.message;
}

/** `2026-12-03 19:05:12 +08:00`: date and time in the city zone, with the offset. */
export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return t('common.none');
  const parts = dt({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' }).formatToParts(ms);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  const offset = p('timeZoneName').replace(/^GMT/, '') || '+00:00';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${offset}`;
}

/** `19:05:12` in the city zone. */
export function clock(ms: number): string {
  return dt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** "12 min ago" / "12分钟前". */
export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return t('time.never');
  const s = Math.round((ms - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto', style: 'short' });
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86_400), 'day');
}

/** A duration: "45 s", "12 min", "2 h 5 min" (units by Intl where the runtime has them). */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return t('common.none');
  const s = Math.max(0, Math.round(ms / 1000));
  const unit = (v: number, u: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(lang(), { style: 'unit', unit: u, unitDisplay: 'short' }).format(v);
  if (s < 60) return unit(s, 'second');
  if (s < 3600) return unit(Math.round(s / 60), 'minute');
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m === 0 ? unit(h, 'hour') : `${unit(h, 'hour')} ${unit(m, 'minute')}`;
}

/** A latitude or longitude: always five decimals (about 1 m), so a coordinate never loses its trailing zero. */
export function coord(v: number): string {
  return new Intl.NumberFormat(lang(), { minimumFractionDigits: 5, maximumFractionDigits: 5, useGrouping: false }).format(v);
}

export function num(v: number, digits = 0): string {
  return new Intl.NumberFormat(lang(), { maximumFractionDigits: digits }).format(v);
}

/** A length in metres: "120 m" / "120米" (Intl's unit names, so the unit reads in the chosen language). */
export function metres(v: number): string {
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: 'meter', unitDisplay: 'short', maximumFractionDigits: 0 }).format(v);
}

/** A speed in metres per second: "4.2 m/s" / "4.2米/秒". */
export function metresPerSecond(v: number): string {
  return new Intl.NumberFormat(lang(), { style: 'unit', unit: 'meter-per-second', unitDisplay: 'short', maximumFractionDigits: 1 }).format(v);
}

/**
 * Who did something, for people: the API's display name of a person (`actorName`, `byName`) rather than
 * their id; the platform itself and a drone in the chosen language.
 */
export function actorText(actor: string, name?: string | null): string {
  const who = name ?? actor;
  if (who === 'system') return t('actor.system');
  const drone = /^drone:(.+)$/.exec(who);
  return drone ? t('actor.drone', { id: drone[1]! }) : who;
}

/** A text the API keeps in every language (a task's `titles`, `instructionsByLang`) in the chosen one, else as sent. */
export function inLang(texts: Partial<Record<string, string>> | null | undefined, fallback: string): string {
  return texts?.[lang()] ?? fallback;
}

const ROMAN: Record<string, string> = { I: 'Ⅰ', II: 'Ⅱ', III: 'Ⅲ', IV: 'Ⅳ' };

/** A response level I–IV as people write it: "Level Ⅱ" / "Ⅱ级" (the Roman numeral characters, as on the severity badges). */
export function levelText(level: string | null | undefined): string {
  return level ? t('level.value', { level: ROMAN[level] ?? level }) : t('common.none');
}
