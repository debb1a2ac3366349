/**
 * Server-side messages in the city's two languages (zh-CN, en): a typed catalog per module (every
 * language has every key, checked by the compiler; every template's `{placeholders}` are the same in
 * both, checked at load), the language chosen per request from `Accept-Language` (RFC 9110 §12.5.4),
 * with the operator's setting (CITYBRAIN_LANG) as the fallback.
 */

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** One text in every language. */
export type Localized = Record<Lang, string>;

/** Per language, one template per key; `{name}` is replaced by the parameter `name`. */
export type Catalog<K extends string> = Readonly<Record<Lang, Readonly<Record<K, string>>>>;

/** A parameter: a plain value (same in every language) or an already localised text (a severity, a name). */
export type Param = string | number | Localized;

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

const holes = (t: string): string => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

/** Checks that each key's templates name the same placeholders in every language; throws on a mismatch (a bug). */
export function defineCatalog<K extends string>(catalog: Catalog<K>): Catalog<K> {
  for (const key of Object.keys(catalog.en) as K[]) {
    const want = holes(catalog.en[key]);
    for (const lang of LANGS) {
      if (holes(catalog[lang][key]) !== want) throw new Error(`catalog key ${key}: ${lang} placeholders differ from en`);
    }
  }
  return catalog;
}

const pick = (p: Param, lang: Lang): string => (typeof p === 'object' ? p[lang] : String(p));

/** The template of `key` in `lang` with its placeholders filled (an unknown placeholder stays as written). */
export function translate<K extends string>(catalog: Catalog<K>, lang: Lang, key: K, params: Record<string, Param> = {}): string {
  return catalog[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : pick(params[name], lang)));
}

/** One text per language, each made by `make`. */
export function perLang(make: (lang: Lang) => string): Localized {
  return Object.fromEntries(LANGS.map((l) => [l, make(l)])) as Localized;
}

/** The text of `key` in every language. */
export function localize<K extends string>(catalog: Catalog<K>, key: K, params: Record<string, Param> = {}): Localized {
  return perLang((l) => translate(catalog, l, key, params));
}

/** The same text in every language (a name nobody translated). */
export function untranslated(text: string): Localized {
  return perLang(() => text);
}

/** A language tag → one of ours: any `zh…` is zh-CN (the catalog is Simplified Chinese), any `en…` is en. */
function ours(tag: string): Lang | null {
  const t = tag.toLowerCase();
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

/**
 * The language an `Accept-Language` header asks for: the range with the highest weight that we have
 * (ties in the header's order; `q=0` refuses); undefined when it names none of ours. `*` ("anything",
 * what fetch sends by default) names none.
 */
export function preferredLang(header: string | undefined): Lang | undefined {
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header?.split(',') ?? []) {
    const [tag = '', ...attrs] = part.trim().split(';');
    const qAttr = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
    const q = qAttr === undefined ? 1 : Number(qAttr.slice(2));
    const lang = ours(tag.trim());
    if (lang && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang;
}

/** The language to answer in: what `Accept-Language` asks for, else `fallback` (the operator's setting). */
export function negotiateLang(header: string | undefined, fallback: Lang): Lang {
  return preferredLang(header) ?? fallback;
}

function isLocalized(v: unknown): v is Localized {
  return typeof v === 'object' && v !== null && LANGS.every((l) => typeof (v as Record<string, unknown>)[l] === 'string');
}

/** `rec` with `one` set to `all[lang]` when `all` holds the text in every language; otherwise unchanged. */
function fieldInLang<T extends object>(rec: T, lang: Lang, one: string, all: string): T {
  const texts = (rec as Record<string, unknown>)[all];
  return isLocalized(texts) && (rec as Record<string, unknown>)[one] !== texts[lang] ? { ...rec, [one]: texts[lang] } : rec;
}

/**
 * A record as a reader of `lang` sees it: `message` is `messages[lang]` when the record carries its
 * message in every language (`messages` stays, for readers who want both); otherwise unchanged.
 */
export function inLang<T extends object>(rec: T, lang: Lang): T {
  return fieldInLang(rec, lang, 'message', 'messages');
}

/**
 * A record as a reader of `lang` sees its title: `title` is `titles[lang]` when the record carries its
 * title in every language (response plan steps and tasks); otherwise unchanged.
 */
export function titleInLang<T extends object>(rec: T, lang: Lang): T {
  return fieldInLang(rec, lang, 'title', 'titles');
}
