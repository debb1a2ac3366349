/**
 * Names people entered (a unit's, an organisation's), in the chosen language when the API gives them in
 * every language (`unitNames`, `organisationNames`: a resource's `name_zh` / `org_zh`). A name shown as
 * entered — no translation for this language — is data and marked `data-raw`; a translated one is not, so
 * the zh-CN screen tests read it like any other text.
 */
import { lang } from '../i18n/index.js';

type Names = Partial<Record<'zh-CN' | 'en', string>> | null | undefined;

/** The name in the chosen language, and whether it is the name as entered (the same in every language). */
export function nameIn(names: Names, fallback: string): { text: string; raw: boolean } {
  const l = lang();
  const text = names?.[l] ?? fallback;
  const other = l === 'zh-CN' ? names?.en : names?.['zh-CN'];
  return { text, raw: l === 'zh-CN' ? other === undefined || other === text : true };
}

export function DataName({ names, fallback, testid }: { names: Names; fallback: string; testid?: string }) {
  const { text, raw } = nameIn(names, fallback);
  return raw ? <span data-raw data-testid={testid}>{text}</span> : <span data-testid={testid}>{text}</span>;
}
