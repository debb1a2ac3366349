import { lang, setLang, t } from '../i18n/index.js';

/** zh-CN ⇄ en; the choice is remembered (localStorage). */
export function LangSwitch() {
  return (
    <button type="button" class="link lang" data-testid="lang-switch" onClick={() => setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN')}>
      {t('lang.other')}
    </button>
  );
}
