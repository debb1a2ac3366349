/** Silences and maintenance windows (`/api/v1/silences`): they mute notifications of matching alerts, not the alerts. */
import { useEffect, useState } from 'preact/hooks';
import { del, errorText, get, post, seg } from '../api.js';
import type { City } from '../city.js';
import { NoticeLine, useNotice } from '../components.js';
import { dateTime } from '../format.js';
import { lang, t, tValue, type MessageKey } from '../i18n/index.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import { Table } from './table.js';

type Matchers = Partial<Record<'deviceKind' | 'district' | 'deviceId' | 'ruleId', string>>;

interface Silence {
  id: string;
  kind: 'silence' | 'maintenance';
  matchers: Matchers;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

const HOURS = [1, 4, 24, 72];

/** Each matcher's label in the form and in the list (the API's field names are not for people). */
const MATCHER_LABEL: Record<keyof Matchers, MessageKey> = { deviceKind: 'silences.deviceKind', district: 'alerts.filter.district', deviceId: 'devices.col.id', ruleId: 'alert.rule' };
/** A matcher a newer server knows and this console does not is shown by its field name. */
const matcherLabel = (k: string): string => (k in MATCHER_LABEL ? t(MATCHER_LABEL[k as keyof Matchers]) : k);

export function Silences({ city }: { city: City }) {
  const me = useObservable(session);
  const write = can(me, 'silences:write');
  const [items, setItems] = useState<Silence[]>([]);
  const [kind, setKind] = useState<Silence['kind']>('silence');
  const [matchers, setMatchers] = useState<Matchers>({});
  const [hours, setHours] = useState(4);
  const [comment, setComment] = useState('');
  const load = () => get<{ items: Silence[] }>('/api/v1/silences').then((r) => setItems(r.items), (e: unknown) => setNotice({ ok: false, text: errorText(e) }));
  const { notice, setNotice, run } = useNotice(load);
  useEffect(() => void load(), []);
  const clean = Object.fromEntries(Object.entries(matchers).filter(([, v]) => v !== undefined && v !== ''));
  const create = () => run(() => post('/api/v1/silences', { kind, matchers: clean, endsAt: Date.now() + hours * 3_600_000, ...(comment ? { comment } : {}) }), t('silences.created'));
  const kinds = [...new Set([...city.devices.values()].map((d) => d.kind))].sort();
  const field = (k: keyof Matchers) => (
    <label>{t(MATCHER_LABEL[k])}<input value={matchers[k] ?? ''} onInput={(e) => setMatchers({ ...matchers, [k]: e.currentTarget.value })} /></label>
  );
  return (
    <section data-testid="admin-silences">
      <Table
        testid="silence-table"
        rows={items}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-silence-id': s.id })}
        columns={[
          { head: 'silences.kind', cell: (s) => t(`silences.kind.${s.kind}`) },
          { head: 'silences.matchers', cell: (s) => Object.entries(s.matchers).map(([k, v]) => `${matcherLabel(k)}: ${k === 'district' ? city.districtName(v, lang()) : k === 'deviceKind' ? tValue('kind', v) : v}`).join(' · ') },
          { head: 'silences.window', cell: (s) => `${dateTime(s.startsAt)} → ${dateTime(s.endsAt)}` },
          { head: 'silences.by', cell: (s) => s.createdBy },
          { head: 'silences.comment', cell: (s) => s.comment },
          ...(write ? [{ head: 'admin.actions' as const, cell: (s: Silence) => <button class="link" onClick={() => void run(() => del(`/api/v1/silences/${seg(s.id)}`), t('silences.removed'))}>{t('zones.delete')}</button> }] : []),
        ]}
      />
      {write ? (
        <form class="dialog wide" data-testid="silence-create" onSubmit={(e) => (e.preventDefault(), void create())}>
          <h3>{t('silences.new')}</h3>
          <div class="form-grid">
            <label>
              {t('silences.kind')}
              <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Silence['kind'])}>
                <option value="silence">{t('silences.kind.silence')}</option>
                <option value="maintenance">{t('silences.kind.maintenance')}</option>
              </select>
            </label>
            <label>
              {t(MATCHER_LABEL.deviceKind)}
              <select value={matchers.deviceKind ?? ''} onChange={(e) => setMatchers({ ...matchers, deviceKind: e.currentTarget.value })} data-testid="silence-kind">
                <option value="">{t('alerts.filter.any')}</option>
                {kinds.map((k) => <option key={k} value={k}>{tValue('kind', k)}</option>)}
              </select>
            </label>
            <label>
              {t('alerts.filter.district')}
              <select value={matchers.district ?? ''} onChange={(e) => setMatchers({ ...matchers, district: e.currentTarget.value })} data-testid="silence-district">
                <option value="">{t('alerts.filter.any')}</option>
                {city.districts.features.map((f) => String(f.id ?? f.properties?.['id'])).map((c) => <option key={c} value={c}>{city.districtName(c, lang())}</option>)}
              </select>
            </label>
            {field('deviceId')}
            {field('ruleId')}
            <label>
              {t('silences.for')}
              <select value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))}>
                {HOURS.map((h) => <option key={h} value={h}>{t('silences.hours', { n: h })}</option>)}
              </select>
            </label>
            <label>{t('silences.comment')}<input value={comment} onInput={(e) => setComment(e.currentTarget.value)} /></label>
          </div>
          <div class="row"><button type="submit" class="primary" disabled={Object.keys(clean).length === 0}>{t('admin.create')}</button></div>
        </form>
      ) : null}
      <NoticeLine notice={notice} testid="admin-notice" />
    </section>
  );
}
