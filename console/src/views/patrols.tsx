/**
 * Recurring patrols (`/api/v1/patrols`): each with its cron, its zone and its next three firings (the
 * API computes them); a new patrol is the planner's current drawing plus a cron. A dispatcher pauses and
 * resumes a patrol, changes its cron, or gives it the planner's drawing as its new area (`PATCH`, which
 * validates the area as a new patrol's and answers the refusal otherwise).
 */
import { useEffect, useState } from 'preact/hooks';
import { del, errorText, get, patch, seg } from '../api.js';
import { NoticeLine, type Notice } from '../components.js';
import { dateTime } from '../format.js';
import { t, tValue } from '../i18n/index.js';
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
  paused?: boolean;
}

/** The planner's current drawing (its dock and pattern), or null when there is none to offer. */
export const plannerDraft = new Observable<{ dockId: string; pattern: Record<string, unknown> } | null>(null);

/** Bumped when a patrol is created elsewhere (the planner), so the list reloads. */
export const patrolsChanged = new Observable(0);

export function Patrols({ write }: { write: boolean }) {
  const changed = useObservable(patrolsChanged);
  const [items, setItems] = useState<Patrol[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const load = () => get<Patrol[] | { items: Patrol[] }>('/api/v1/patrols').then((r) => setItems(Array.isArray(r) ? r : r.items), (e: unknown) => setNotice({ ok: false, text: errorText(e) }));
  useEffect(() => void load(), [changed]);
  const draft = useObservable(plannerDraft);
  const [editing, setEditing] = useState<{ id: string; cron: string } | null>(null);
  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      setNotice({ ok: true, text: done });
      setEditing(null);
      await load();
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  const url = (p: Patrol) => `/api/v1/patrols/${seg(p.id)}`;
  const name = (p: Patrol) => p.name ?? p.id;
  const actions = (p: Patrol) => (
    <span class="actions">
      <button class="link" data-testid="patrol-pause" onClick={() => void act(() => patch(url(p), { paused: !p.paused }), t(p.paused ? 'patrols.resumed' : 'patrols.paused', { id: name(p) }))}>
        {t(p.paused ? 'patrols.resume' : 'patrols.pause')}
      </button>
      {editing?.id === p.id ? (
        <>
          <input value={editing.cron} size={14} onInput={(e) => setEditing({ id: p.id, cron: e.currentTarget.value })} data-testid="patrol-edit-cron" aria-label={t('patrols.cron')} />
          <button class="link" data-testid="patrol-save-cron" onClick={() => void act(() => patch(url(p), { cron: editing.cron }), t('patrols.changed', { id: name(p) }))}>{t('patrols.saveCron')}</button>
        </>
      ) : (
        <button class="link" data-testid="patrol-edit" onClick={() => setEditing({ id: p.id, cron: p.cron })}>{t('patrols.editCron')}</button>
      )}
      <button class="link" data-testid="patrol-area" disabled={draft?.dockId !== p.dockId} title={t('patrols.areaHint')} onClick={() => draft && void act(() => patch(url(p), { pattern: draft.pattern }), t('patrols.changed', { id: name(p) }))}>
        {t('patrols.useDrawing')}
      </button>
      <button class="link" onClick={() => void act(() => del(url(p)), t('patrols.deleted', { id: name(p) }))}>{t('zones.delete')}</button>
    </span>
  );
  return (
    <section data-testid="patrols">
      <h3>{t('patrols.title')}</h3>
      <Table
        testid="patrol-table"
        rows={items}
        rowKey={(p) => p.id}
        rowProps={(p) => ({ 'data-patrol-id': p.id, 'data-paused': String(p.paused === true) })}
        columns={[
          { head: 'drones.col.id', cell: (p) => p.name ?? p.id },
          { head: 'drones.col.dock', cell: (p) => p.dockId },
          { head: 'drones.col.kind', cell: (p) => (p.request?.pattern?.kind ? tValue('planner.pattern', p.request.pattern.kind) : '') },
          { head: 'patrols.cron', cell: (p) => <code title={p.tz}>{p.cron}</code> },
          { head: 'patrols.next', cell: (p) => <span data-testid="patrol-next">{p.paused ? t('patrols.isPaused') : (p.nextFirings ?? []).map((at) => dateTime(at)).join(' · ') || t('common.none')}</span> },
          ...(write ? [{ head: 'admin.actions' as const, cell: actions }] : []),
        ]}
      />
      <NoticeLine notice={notice} />
    </section>
  );
}
