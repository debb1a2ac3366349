/**
 * Recurring patrols (`/api/v1/patrols`): each with its cron, its zone and its next three firings (the
 * API computes them); a new patrol is the planner's current drawing plus a cron. The API has no pause:
 * a patrol is stopped by deleting it and re-created to change it.
 */
import { useEffect, useState } from 'preact/hooks';
import { del, errorText, get, seg } from '../api.js';
import { NoticeLine, type Notice } from '../components.js';
import { dateTime } from '../format.js';
import { t } from '../i18n/index.js';
import { Observable, useObservable } from '../store.js';
import { Table } from './table.js';

export interface Patrol {
  id: string;
  name: string | null;
  dockId: string;
  cron: string;
  tz: string;
  request?: { pattern?: { kind?: string } };
  nextFirings?: number[];
}

/** Bumped when a patrol is created elsewhere (the planner), so the list reloads. */
export const patrolsChanged = new Observable(0);

export function Patrols({ write }: { write: boolean }) {
  const changed = useObservable(patrolsChanged);
  const [items, setItems] = useState<Patrol[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const load = () => get<Patrol[] | { items: Patrol[] }>('/api/v1/patrols').then((r) => setItems(Array.isArray(r) ? r : r.items), (e: unknown) => setNotice({ ok: false, text: errorText(e) }));
  useEffect(() => void load(), [changed]);
  const remove = async (p: Patrol) => {
    try {
      await del(`/api/v1/patrols/${seg(p.id)}`);
      setNotice({ ok: true, text: t('patrols.deleted', { id: p.name ?? p.id }) });
      await load();
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  return (
    <section data-testid="patrols">
      <h3>{t('patrols.title')}</h3>
      <Table
        testid="patrol-table"
        rows={items}
        rowKey={(p) => p.id}
        rowProps={(p) => ({ 'data-patrol-id': p.id })}
        columns={[
          { head: 'drones.col.id', cell: (p) => p.name ?? p.id },
          { head: 'drones.col.dock', cell: (p) => p.dockId },
          { head: 'drones.col.kind', cell: (p) => p.request?.pattern?.kind ?? '' },
          { head: 'patrols.cron', cell: (p) => <code title={p.tz}>{p.cron}</code> },
          { head: 'patrols.next', cell: (p) => <span data-testid="patrol-next">{(p.nextFirings ?? []).map((at) => dateTime(at)).join(' · ') || t('common.none')}</span> },
          ...(write ? [{ head: 'admin.actions' as const, cell: (p: Patrol) => <button class="link" onClick={() => void remove(p)}>{t('zones.delete')}</button> }] : []),
        ]}
      />
      <NoticeLine notice={notice} />
    </section>
  );
}
