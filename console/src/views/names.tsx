/**
 * Names people entered (a unit's, an organisation's), in the chosen language when the API gives them in
 * every language (`unitNames`, `organisationNames`: a resource's `name_zh` / `org_zh`). A name shown as
 * entered — no translation for this language — is data and marked `data-raw`; a translated one is not, so
 * the zh-CN screen tests read it like any other text.
 */
import { inLang } from '../format.js';
import { lang } from '../i18n/index.js';

type Names = Partial<Record<'zh-CN' | 'en', string>> | null | undefined;

/** The name in the chosen language; marked `data-raw` unless it is a Chinese form differing from the English one. */
export function DataName({ names, fallback }: { names: Names; fallback: string }) {
  const text = inLang(names, fallback);
  const raw = lang() !== 'zh-CN' || names?.en === undefined || names.en === text;
  return raw ? <span data-raw>{text}</span> : <span>{text}</span>;
}
