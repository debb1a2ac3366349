/** The audit log (access: `GET /api/v1/audit`): newest first, filtered by actor, method, outcome and time, paged; CSV export. */
import { useEffect, useState } from 'preact/hooks';
import { errorText, get } from '../api.js';
import { dateTime, num } from '../format.js';
import { t, tValue } from '../i18n/index.js';
import { Table } from './table.js';

interface Entry {
  at: number;
  /** null for a request no one could be named for (a failed sign-in). */
  actor: string | null;
  via?: string | null;
  role?: string | null;
  method: string;
  route: string;
  targets?: unknown;
  ip?: string;
  status: number;
  detail?: unknown;
}

const PAGE = 50;

interface Filter {
  actor: string;
  method: string;
  outcome: '' | 'ok' | 'failed';
  from: string;
  to: string;
}

function query(f: Filter, offset: number): URLSearchParams {
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (f.actor) q.set('actor', f.actor);
  if (f.method) q.set('method', f.method);
  if (f.outcome) q.set('outcome', f.outcome);
  if (f.from) q.set('from', String(new Date(f.from).getTime()));
  if (f.to) q.set('to', String(new Date(f.to).getTime()));
  return q;
}

export function AuditLog() {
  const [filter, setFilter] = useState<Filter>({ actor: '', method: '', outcome: '', from: '', to: '' });
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: Entry[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<{ items: Entry[]; total: number }>(`/api/v1/audit?${query(filter, offset)}`).then((p) => (setPage(p), setError(null)), (e: unknown) => setError(errorText(e)));
  }, [filter, offset]);
  const set = (patch: Partial<Filter>) => (setFilter({ ...filter, ...patch }), setOffset(0));
  const total = page?.total ?? 0;
  const csv = `/api/v1/audit?${query(filter, 0).toString().replace(`limit=${PAGE}`, 'limit=10000')}&format=csv`;
  return (
    <section data-testid="admin-audit" data-total={total} data-offset={offset}>
      <div class="filters">
        <label>{t('audit.actor')}<input value={filter.actor} onChange={(e) => set({ actor: e.currentTarget.value })} data-testid="audit-actor" /></label>
        <label>
          {t('audit.method')}
          <select value={filter.method} onChange={(e) => set({ method: e.currentTarget.value })}>
            <option value="">{t('alerts.filter.any')}</option>
            {['POST', 'PUT', 'PATCH', 'DELETE', 'GET'].map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
        <label>
          {t('audit.outcome')}
          <select value={filter.outcome} onChange={(e) => set({ outcome: e.currentTarget.value as Filter['outcome'] })} data-testid="audit-outcome">
            <option value="">{t('alerts.filter.any')}</option>
            <option value="ok">{t('audit.ok')}</option>
            <option value="failed">{t('audit.failed')}</option>
          </select>
        </label>
        <label>{t('audit.from')}<input type="datetime-local" value={filter.from} onChange={(e) => set({ from: e.currentTarget.value })} /></label>
        <label>{t('audit.to')}<input type="datetime-local" value={filter.to} onChange={(e) => set({ to: e.currentTarget.value })} /></label>
        <a href={csv} download="citybrain-audit.csv">{t('audit.csv')}</a>
      </div>
      {error ? <p class="error">{error}</p> : null}
      <Table
        testid="audit-table"
        rows={page?.items ?? []}
        rowKey={(e) => `${e.at}|${e.actor}|${e.method}|${e.route}|${JSON.stringify(e.targets ?? '')}`}
        rowProps={(e) => ({ 'data-actor': e.actor ?? '', 'data-status': String(e.status) })}
        columns={[
          { head: 'audit.at', cell: (e) => dateTime(e.at) },
          { head: 'audit.actor', cell: (e) => `${e.actor ?? t('common.none')}${e.role ? ` (${tValue('role', e.role)})` : ''}` },
          { head: 'audit.action', cell: (e) => <code>{e.method} {e.route}</code> },
          // The request's parameters, as technical as the request beside them: shown as code, not as words.
          { head: 'audit.targets', cell: (e) => (e.targets === undefined || e.targets === null ? '' : <code>{targetsText(e.targets)}</code>) },
          { head: 'audit.status', cell: (e) => <span class={e.status >= 400 ? 'error' : ''}>{e.status}</span> },
          { head: 'audit.ip', cell: (e) => e.ip ?? '' },
        ]}
      />
      <div class="row">
        <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} data-testid="audit-prev">{t('audit.newer')}</button>
        <span class="muted" data-testid="audit-range">{t('audit.range', { from: num(total === 0 ? 0 : offset + 1), to: num(Math.min(total, offset + PAGE)), total: num(total) })}</span>
        <button disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)} data-testid="audit-next">{t('audit.older')}</button>
      </div>
    </section>
  );
}

/** `{id: "GW-1", name: "selftest"}` → `id=GW-1 name=selftest`. */
function targetsText(targets: unknown): string {
  return typeof targets === 'object' && targets !== null && !Array.isArray(targets) ? Object.entries(targets).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : JSON.stringify(targets);
}
