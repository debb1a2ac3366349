/** People (access: `/api/v1/users`): create, change role, districts and unit, disable, reset a password. */
import { useEffect, useState } from 'preact/hooks';
import { errorText, get, request, seg } from '../api.js';
import type { City } from '../city.js';
import { NoticeLine, useNotice } from '../components.js';
import { dateTime } from '../format.js';
import { lang, t } from '../i18n/index.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import { Table, type Column } from './table.js';

export const ROLES = ['admin', 'operator', 'dispatcher', 'integrator', 'responder', 'viewer'] as const;

export interface User {
  id: string;
  username: string;
  role: string;
  districts: string[] | null;
  unit: string | null;
  disabled: boolean;
  createdAt: number;
}

/** District codes as checkboxes; none ticked = the whole city (`null`, as the API has it). */
export function DistrictPicker({ city, value, onChange, testid }: { city: City; value: string[] | null; onChange: (v: string[] | null) => void; testid?: string }) {
  const codes = city.districts.features.map((f) => String(f.id ?? f.properties?.['id']));
  const set = new Set(value ?? []);
  const toggle = (c: string, on: boolean) => {
    if (on) set.add(c);
    else set.delete(c);
    onChange(set.size === 0 ? null : [...set]);
  };
  return (
    <fieldset class="districts-pick" data-testid={testid}>
      <legend>{t('admin.districts')} <span class="muted small">({value === null ? t('admin.wholeCity') : value.length})</span></legend>
      {codes.map((c) => (
        <label key={c}>
          <input type="checkbox" checked={set.has(c)} value={c} onChange={(e) => toggle(c, e.currentTarget.checked)} />
          {city.districtName(c, lang())}
        </label>
      ))}
    </fieldset>
  );
}

interface Draft {
  username: string;
  password: string;
  role: string;
  districts: string[] | null;
  unit: string;
}

const EMPTY: Draft = { username: '', password: '', role: 'operator', districts: null, unit: '' };

export function Users({ city }: { city: City }) {
  const me = useObservable(session);
  const write = can(me, 'users:write');
  const [users, setUsers] = useState<User[]>([]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<User | null>(null);
  const load = () => get<{ items: User[] }>('/api/v1/users').then((r) => setUsers(r.items), (e: unknown) => setNotice({ ok: false, text: errorText(e) }));
  const { notice, setNotice, run: act } = useNotice(load);
  useEffect(() => void load(), []);
  const create = async () => {
    const body = { username: draft.username, password: draft.password, role: draft.role, districts: draft.districts, ...(draft.unit ? { unit: draft.unit } : {}) };
    if (await act(() => request('POST', '/api/v1/users', body), t('admin.userCreated', { user: draft.username }))) setDraft(EMPTY);
  };
  const patch = (u: User, body: Record<string, unknown>, done: string) => act(() => request('PATCH', `/api/v1/users/${seg(u.id)}`, body), done);
  const columns: Column<User>[] = [
    { head: 'admin.username', cell: (u) => u.username },
    { head: 'admin.role', cell: (u) => t(`role.${u.role}` as 'role.admin') },
    { head: 'admin.districts', cell: (u) => (u.districts === null ? t('admin.wholeCity') : u.districts.map((d) => city.districtName(d, lang())).join(', ')) },
    { head: 'admin.unit', cell: (u) => u.unit ?? t('common.none') },
    { head: 'admin.state', cell: (u) => t(u.disabled ? 'admin.disabled' : 'admin.active') },
    { head: 'admin.created', cell: (u) => dateTime(u.createdAt) },
    ...(write ? [{ head: 'admin.actions' as const, cell: (u: User) => <button class="link" onClick={() => setEditing(u)} data-testid="user-edit">{t('admin.edit')}</button> }] : []),
  ];
  return (
    <section data-testid="admin-users">
      <Table testid="user-table" rows={users} rowKey={(u) => u.id} rowProps={(u) => ({ 'data-username': u.username, 'data-disabled': String(u.disabled) })} columns={columns} />
      {editing ? <UserEditor city={city} user={editing} onClose={() => setEditing(null)} patch={patch} /> : null}
      {write ? (
        <form class="dialog wide" data-testid="user-create" onSubmit={(e) => (e.preventDefault(), void create())}>
          <h3>{t('admin.newUser')}</h3>
          <div class="form-grid">
            <label>{t('admin.username')}<input name="username" value={draft.username} onInput={(e) => setDraft({ ...draft, username: e.currentTarget.value })} required /></label>
            <label>{t('admin.password')}<input name="password" type="password" autocomplete="new-password" value={draft.password} onInput={(e) => setDraft({ ...draft, password: e.currentTarget.value })} required /></label>
            <label>{t('admin.role')}<RoleSelect value={draft.role} onChange={(role) => setDraft({ ...draft, role })} /></label>
            <label>{t('admin.unit')}<input name="unit" value={draft.unit} onInput={(e) => setDraft({ ...draft, unit: e.currentTarget.value })} /></label>
          </div>
          <DistrictPicker city={city} value={draft.districts} onChange={(districts) => setDraft({ ...draft, districts })} />
          <div class="row"><button type="submit" class="primary">{t('admin.create')}</button></div>
        </form>
      ) : null}
      <NoticeLine notice={notice} testid="admin-notice" />
    </section>
  );
}

export function RoleSelect({ value, onChange }: { value: string; onChange: (r: string) => void }) {
  return (
    <select name="role" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
    </select>
  );
}

type Patch = (u: User, body: Record<string, unknown>, done: string) => Promise<boolean>;

function UserEditor({ city, user, onClose, patch }: { city: City; user: User; onClose: () => void; patch: Patch }) {
  const [role, setRole] = useState(user.role);
  const [districts, setDistricts] = useState(user.districts);
  const [unit, setUnit] = useState(user.unit ?? '');
  const [password, setPassword] = useState('');
  const save = async () => {
    if (await patch(user, { role, districts, unit: unit === '' ? null : unit }, t('admin.saved', { user: user.username }))) onClose();
  };
  return (
    <div class="dialog wide" data-testid="user-editor" data-username={user.username}>
      <h3>{user.username}</h3>
      <div class="form-grid">
        <label>{t('admin.role')}<RoleSelect value={role} onChange={setRole} /></label>
        <label>{t('admin.unit')}<input value={unit} onInput={(e) => setUnit(e.currentTarget.value)} /></label>
      </div>
      <DistrictPicker city={city} value={districts} onChange={setDistricts} />
      <div class="row">
        <button class="primary" onClick={() => void save()} data-testid="user-save">{t('admin.save')}</button>
        <button onClick={() => void patch(user, { disabled: !user.disabled }, t(user.disabled ? 'admin.enabledUser' : 'admin.disabledUser', { user: user.username })).then((ok) => ok && onClose())} data-testid="user-disable">
          {t(user.disabled ? 'admin.enable' : 'admin.disable')}
        </button>
        <button onClick={onClose}>{t('action.cancel')}</button>
      </div>
      <div class="row">
        <input type="password" autocomplete="new-password" placeholder={t('admin.newPassword')} value={password} onInput={(e) => setPassword(e.currentTarget.value)} data-testid="user-password" />
        <button disabled={password === ''} onClick={() => void patch(user, { password }, t('admin.passwordReset', { user: user.username })).then((ok) => ok && (setPassword(''), onClose()))} data-testid="user-reset-password">
          {t('admin.resetPassword')}
        </button>
      </div>
    </div>
  );
}
