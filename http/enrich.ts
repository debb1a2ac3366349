/**
 * Additive fields on every record the API answers (lists, single records, GeoJSON properties):
 * `<name>Iso` beside each epoch-ms `<name>At` — ISO 8601 with the city's offset, for spreadsheets and
 * people — and `districtName: {zh, en}` beside a `district` code. Nothing existing is renamed or removed.
 */
import type { FastifyInstance } from 'fastify';
import type { FastifyRequest } from 'fastify';
import { inLang, negotiateLang, type Lang } from '../kernel/i18n.js';
import type { FeatureCollection } from './deps.js';

/** Asia/Shanghai is UTC+8 all year (China has kept no daylight saving time since 1991). */
export const CITY_OFFSET_MIN = 480;

/** Epoch ms → `2026-12-03T22:30:00.000+08:00`. */
export function cityIso(ms: number, offsetMin = CITY_OFFSET_MIN): string {
  const shifted = new Date(ms + offsetMin * 60_000).toISOString().slice(0, -1);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Language of texts kept in every language when the request names none (CITYBRAIN_LANG). */
    defaultLang: Lang;
  }
}

type Names = Map<string, { zh: string; en: string }>;
type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Epoch ms between 2001 and 2286: a count or a duration named `...At` is not taken for a time. */
const isEpochMs = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 1e12 && v < 1e13;

function namesOf(fc: FeatureCollection): Names {
  const out: Names = new Map();
  for (const f of fc.features) {
    const p = f.properties as { id?: string; name_zh?: string; name_en?: string } | null;
    const id = p?.id ?? (f.id === undefined ? undefined : String(f.id));
    if (id !== undefined) out.set(id, { zh: p?.name_zh ?? id, en: p?.name_en ?? id });
  }
  return out;
}

export function enrichRecord(rec: Rec, names: Names, lang: Lang = 'en'): Rec {
  const r = inLang(rec, lang);
  const extra: Rec = {};
  for (const [k, v] of Object.entries(r)) if (k.endsWith('At') && isEpochMs(v) && !(`${k}Iso` in r)) extra[`${k}Iso`] = cityIso(v);
  if (typeof r.district === 'string' && !('districtName' in r)) extra.districtName = names.get(r.district) ?? null;
  return Object.keys(extra).length === 0 ? r : { ...r, ...extra };
}

/** The payload's records: a page's items, a FeatureCollection's properties, `{device}` / `{mission}` wrappers, or the record itself. */
export function enrichPayload(payload: unknown, names: Names, lang: Lang = 'en'): unknown {
  if (!isRec(payload)) return payload;
  const one = (r: Rec): Rec => enrichRecord(r, names, lang);
  if (Array.isArray(payload.items)) return { ...payload, items: payload.items.map((i) => (isRec(i) ? one(i) : i)) };
  if (payload.type === 'FeatureCollection' && Array.isArray(payload.features)) {
    return { ...payload, features: payload.features.map((f) => (isRec(f) && isRec(f.properties) ? { ...f, properties: one(f.properties) } : f)) };
  }
  const wrapped = ['device', 'mission', 'alert'].find((k) => isRec(payload[k]));
  if (wrapped) return { ...payload, [wrapped]: one(payload[wrapped] as Rec) };
  return typeof payload.id === 'string' ? one(payload) : payload;
}

/** The caller's language for texts kept in every language (alert messages): Accept-Language, else the setting. */
export function requestLang(req: FastifyRequest): Lang {
  return negotiateLang(req.headers['accept-language'], req.server.defaultLang);
}

/** Adds the fields to every `/api` answer of this plugin (before the response schema serialises it). */
export function installEnrichment(app: FastifyInstance, districts: () => FeatureCollection): void {
  let names: Names | undefined;
  app.addHook('preSerialization', async (req, _reply, payload) => enrichPayload(payload, (names ??= namesOf(districts())), requestLang(req)));
}
