/**
 * Administration (console.md): people and their roles and scopes, personal tokens, the audit log, rules
 * and silences. Tabs appear only for what the session's permissions allow; the server enforces the same.
 */
import type { City } from '../city.js';
import { t, type MessageKey } from '../i18n/index.js';
import { can, session, type Me } from '../session.js';
import { useObservable } from '../store.js';
import { AuditLog } from './admin-audit.js';
import { RuleEditor } from './admin-rules.js';
import { Silences } from './admin-silences.js';
import { Tokens } from './admin-tokens.js';
import { Users } from './admin-users.js';

type Tab = 'users' | 'tokens' | 'audit' | 'rules' | 'silences';
const TABS: [Tab, MessageKey, string][] = [
  ['users', 'admin.users', 'users:read'],
  ['tokens', 'admin.tokens', 'self'],
  ['audit', 'admin.audit', 'audit:read'],
  ['rules', 'admin.rules', 'rules:read'],
  ['silences', 'admin.silences', 'silences:read'],
];

/** The tabs this person may open (the nav shows Administration when there is one). */
export function adminTabs(me: Me | null | undefined): Tab[] {
  return TABS.filter(([, , p]) => can(me, p)).map(([tab]) => tab);
}

export function Admin({ city, tab, sub }: { city: City; tab: string | undefined; sub: string | undefined }) {
  const me = useObservable(session);
  const tabs = adminTabs(me);
  const current = (tabs as string[]).includes(tab ?? '') ? (tab as Tab) : tabs[0];
  return (
    <div class="page admin" data-testid="admin" data-tab={current ?? ''}>
      <h2>{t('nav.admin')}</h2>
      <nav class="tabs">
        {TABS.filter(([id]) => tabs.includes(id)).map(([id, key]) => (
          <a key={id} href={`#/admin/${id}`} class={id === current ? 'active' : ''} data-tab={id}>{t(key)}</a>
        ))}
      </nav>
      {current === 'users' ? <Users city={city} /> : null}
      {current === 'tokens' ? <Tokens city={city} /> : null}
      {current === 'audit' ? <AuditLog /> : null}
      {current === 'rules' ? <RuleEditor id={sub} /> : null}
      {current === 'silences' ? <Silences city={city} /> : null}
    </div>
  );
}
