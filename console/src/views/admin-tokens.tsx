/** Personal API tokens (access: `/api/v1/tokens`): your own, role ≤ yours, districts ⊆ yours; the value is shown once. */
import { useEffect, useState } from 'preact/hooks';
import { del, errorText, get, post, seg } from '../api.js';
import type { City } from '../city.js';
import { NoticeLine, type Notice } from '../components.js';
import { dateTime } from '../format.js';
import { lang, t } from '../i18n/index.js';
import { session } from '../session.js';
import { useObservable } from '../store.js';
import { DistrictPicker, RoleSelect } from './admin-users.js';
import { Table } from './table.js';

interface Token {
  id: string;
  name: string;
  role: string;
  districts: string[] | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export function Tokens({ city }: { city: City }) {
  const me = useObservable(session);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState(me?.user.role ?? 'viewer');
  const [districts, setDistricts] = useState<string[] | null>(me?.user.districts ?? null);
  const [days, setDays] = useState(90);
  const [value, setValue] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const load = () => get<{ items: Token[] }>('/api/v1/tokens').then((r) => setTokens(r.items), (e: unknown) => setNotice({ ok: false, text: errorText(e) }));
  useEffect(() => void load(), []);
  const create = async () => {
    try {
      const r = await post<{ token: Token; value: string }>('/api/v1/tokens', { name, role, districts, expiresInDays: days });
      setValue(r.value);
      setName('');
      setNotice({ ok: true, text: t('tokens.created', { name: r.token.name }) });
      await load();
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  const revoke = async (tok: Token) => {
    try {
      await del(`/api/v1/tokens/${seg(tok.id)}`);
      setNotice({ ok: true, text: t('tokens.revoked', { name: tok.name }) });
      await load();
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  return (
    <section data-testid="admin-tokens">
      <Table
        testid="token-table"
        rows={tokens}
        rowKey={(x) => x.id}
        rowProps={(x) => ({ 'data-token-name': x.name, 'data-revoked': String(x.revokedAt !== null) })}
        columns={[
          { head: 'tokens.name', cell: (x) => x.name },
          { head: 'admin.role', cell: (x) => t(`role.${x.role}` as 'role.admin') },
          { head: 'admin.districts', cell: (x) => (x.districts === null ? t('admin.wholeCity') : x.districts.map((d) => city.districtName(d, lang())).join(', ')) },
          { head: 'tokens.expires', cell: (x) => dateTime(x.expiresAt) },
          { head: 'tokens.lastUsed', cell: (x) => dateTime(x.lastUsedAt) },
          { head: 'admin.actions', cell: (x) => (x.revokedAt === null ? <button class="link" onClick={() => void revoke(x)}>{t('tokens.revoke')}</button> : t('tokens.revokedAt', { at: dateTime(x.revokedAt) })) },
        ]}
      />
      <form class="dialog wide" data-testid="token-create" onSubmit={(e) => (e.preventDefault(), void create())}>
        <h3>{t('tokens.new')}</h3>
        <div class="form-grid">
          <label>{t('tokens.name')}<input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required /></label>
          <label>{t('admin.role')}<RoleSelect value={role} onChange={setRole} /></label>
          <label>{t('tokens.days')}<input type="number" min={1} max={365} value={days} onInput={(e) => setDays(Number(e.currentTarget.value))} /></label>
        </div>
        <DistrictPicker city={city} value={districts} onChange={setDistricts} />
        <div class="row"><button type="submit" class="primary">{t('admin.create')}</button></div>
      </form>
      {value ? <p class="secret" data-testid="token-value">{t('tokens.once')} <code>{value}</code></p> : null}
      <NoticeLine notice={notice} testid="admin-notice" />
    </section>
  );
}
