/**
 * The live alert list (ThingsBoard's alarm table): severity as colour and text, filters by severity,
 * status, district, kind and time (seen within the last hour, day or week); new alerts appear without a reload (the city state follows the stream).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api.js';
import type { City } from '../city.js';
import { SeverityBadge, StatusText } from '../components.js';
import { ago, alertText } from '../format.js';
import { lang, t, tValue } from '../i18n/index.js';
import { navigate } from '../router.js';
import { RANGES } from './readings-chart.js';
import { Table, type Column } from './table.js';
import { ALERT_STATUSES, SEVERITIES, type Alert, type Page, type Severity } from '../types.js';

interface Filter {
  status: 'active' | 'all' | Alert['status'];
  severity: '' | Severity;
  district: string;
  kind: string;
  /** Seen within this many ms before now; 0 = any time. */
  withinMs: number;
}

const RANK: Record<Severity, number> = { blue: 0, yellow: 1, orange: 2, red: 3 };

function matches(a: Alert, f: Filter): boolean {
  if (f.status === 'active' ? !['open', 'acknowledged'].includes(a.status) : f.status !== 'all' && a.status !== f.status) return false;
  if (f.severity !== '' && a.severity !== f.severity) return false;
  if (f.district !== '' && a.labels?.district !== f.district) return false;
  if (f.kind !== '' && a.labels?.deviceKind !== f.kind) return false;
  if (f.withinMs > 0 && (a.lastSeenAt ?? 0) < Date.now() - f.withinMs) return false;
  return true;
}

export function AlertList({ city, version }: { city: City; version: number }) {
  const [filter, setFilter] = useState<Filter>({ status: 'active', severity: '', district: '', kind: '', withinMs: 0 });
  const [fetched, setFetched] = useState<Alert[]>([]);
  const [error, setError] = useState<string | null>(null);
  // Active alerts live in the city state; other statuses come from the API when asked for.
  useEffect(() => {
    if (filter.status === 'active') return setFetched([]);
    const q = new URLSearchParams({ limit: '500' });
    if (filter.status !== 'all') q.set('status', filter.status);
    if (filter.severity !== '') q.set('severity', filter.severity);
    if (filter.district !== '') q.set('district', filter.district);
    if (filter.withinMs > 0) q.set('from', String(Date.now() - filter.withinMs));
    get<Page<Alert>>(`/api/v1/alerts?${q}`).then(
      (p) => (setFetched(p.items), setError(null)),
      (e: Error) => setError(e.message),
    );
  }, [filter.status, filter.severity, filter.district, filter.withinMs]);
  const rows = useMemo(() => {
    const byId = new Map<string, Alert>();
    for (const a of fetched) byId.set(a.id, a);
    for (const a of city.alerts.values()) byId.set(a.id, a);
    return [...byId.values()].filter((a) => matches(a, filter)).sort((a, b) => RANK[b.severity] - RANK[a.severity] || (b.lastSeenAt ?? 0) - (a.lastSeenAt ?? 0));
  }, [version, fetched, filter]);
  const kinds = [...new Set([...city.devices.values()].map((d) => d.kind))].sort();
  const set = (patch: Partial<Filter>) => setFilter({ ...filter, ...patch });
  return (
    <div class="page alerts" data-testid="alert-list">
      <h2>{t('alerts.title')}</h2>
      <div class="filters">
        <label>
          {t('alerts.filter.status')}
          <select value={filter.status} onChange={(e) => set({ status: e.currentTarget.value as Filter['status'] })} data-testid="filter-status">
            <option value="active">{t('alerts.filter.active')}</option>
            <option value="all">{t('alerts.filter.any')}</option>
            {ALERT_STATUSES.map((s) => (
              <option value={s} key={s}>{t(`status.${s}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.filter.severity')}
          <select value={filter.severity} onChange={(e) => set({ severity: e.currentTarget.value as Filter['severity'] })} data-testid="filter-severity">
            <option value="">{t('alerts.filter.any')}</option>
            {SEVERITIES.map((s) => (
              <option value={s} key={s}>{t(`severity.${s}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.filter.district')}
          <select value={filter.district} onChange={(e) => set({ district: e.currentTarget.value })} data-testid="filter-district">
            <option value="">{t('alerts.filter.any')}</option>
            {city.districts.features.map((f) => {
              const code = String(f.id ?? f.properties?.['id']);
              return <option value={code} key={code}>{city.districtName(code, lang())}</option>;
            })}
          </select>
        </label>
        <label>
          {t('alerts.filter.kind')}
          <select value={filter.kind} onChange={(e) => set({ kind: e.currentTarget.value })}>
            <option value="">{t('alerts.filter.any')}</option>
            {kinds.map((k) => (
              <option value={k} key={k}>{tValue('kind', k)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.filter.time')}
          <select value={filter.withinMs} onChange={(e) => set({ withinMs: Number(e.currentTarget.value) })} data-testid="filter-time">
            <option value={0}>{t('alerts.filter.any')}</option>
            {RANGES.filter((r) => r.key !== 'range.6h').map((r) => (
              <option value={r.ms} key={r.key}>{t(r.key)}</option>
            ))}
          </select>
        </label>
        <span class="muted">{t('alerts.count', { n: rows.length })}</span>
      </div>
      {error ? <p class="error">{t('common.error', { message: error })}</p> : null}
      {rows.length === 0 ? (
        <p class="muted">{t('alerts.empty')}</p>
      ) : (
        <Table rows={rows} rowKey={(a) => a.id} rowProps={(a) => ({ class: 'clickable', 'data-alert-id': a.id, onClick: () => navigate('alerts', a.id) })} columns={alertColumns(city)} />
      )}
    </div>
  );
}

const alertColumns = (city: City): Column<Alert>[] => [
  { head: 'alerts.col.level', cell: (a) => <SeverityBadge severity={a.severity} /> },
  { head: 'alerts.col.message', cell: (a) => alertText(a) },
  { head: 'alerts.col.district', cell: (a) => city.districtName(a.labels?.district, lang()) },
  { head: 'alerts.col.status', cell: (a) => <StatusText status={a.status} /> },
  { head: 'alerts.col.seen', cell: (a) => ago(a.lastSeenAt) },
];
