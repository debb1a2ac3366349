/** Pieces of the responder's page: state chips, deadlines, the outbox list, navigation links, the photo picker. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { clock, dateTime, num } from '../format.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { Outbox, QueuedAction } from '../offline/queue.js';
import { useObservable } from '../store.js';
import type { Task, TaskState } from '../types.js';

export const stateLabel = (s: TaskState): string => t(`task.state.${s}` as MessageKey);

/** The state the person sees: the server's, or the one their still-unsent action moves the task to. */
export function effectiveState(task: Task, actions: QueuedAction[]): TaskState {
  let state = task.state;
  for (const a of actions) {
    if (a.taskId !== task.id || (a.state !== 'queued' && a.state !== 'sending')) continue;
    if (a.kind === 'accept') state = 'accepted';
    else if (a.kind === 'decline') state = 'declined';
    else if (a.kind === 'status') state = a.body['state'] as TaskState;
  }
  return state;
}

export function TaskChip({ state, pending }: { state: TaskState; pending?: boolean }) {
  return (
    <span class={`r-chip r-chip-${state}`} data-testid="task-state" data-state={state} data-pending={String(Boolean(pending))}>
      {stateLabel(state)}
      {pending ? ` · ${t('outbox.queued')}` : ''}
    </span>
  );
}

/** The deadline that matters now: accept-by while new, arrive-by until on site. */
export function taskDeadline(task: Task, state: TaskState): string {
  const at = state === 'dispatched' ? task.acceptBy : state === 'accepted' || state === 'en_route' ? task.arriveBy : undefined;
  if (!at) return '';
  const ms = Date.parse(at);
  const text = t(state === 'dispatched' ? 'task.acceptBy' : 'task.arriveBy', { time: dateTime(ms) });
  return ms < Date.now() ? `${text} · ${t('task.overdue')}` : text;
}

const ACTION_LABEL = (a: QueuedAction): string =>
  a.kind === 'accept' ? t('task.accept') : a.kind === 'decline' ? t('task.decline') : a.kind === 'report' ? t('task.report') : stateLabel(a.body['state'] as TaskState);

/** What this phone did for the task, and whether it reached the server (queued → sending → sent). */
export function OutboxList({ outbox, taskId }: { outbox: Outbox; taskId: string }) {
  const actions = useObservable(outbox.actions).filter((a) => a.taskId === taskId);
  const progress = useObservable(outbox.progress);
  if (actions.length === 0) return null;
  return (
    <section>
      <h3>{t('outbox.title')}</h3>
      <ul class="r-outbox" data-testid="outbox">
        {actions.map((a) => (
          <li key={a.seq} data-kind={a.kind} data-state={a.state} data-key={a.key}>
            <b>{ACTION_LABEL(a)}</b> <span class={`r-send r-send-${a.state}`}>{a.state === 'failed' ? t('outbox.failed', { message: a.error ?? '' }) : t(`outbox.${a.state}`)}</span>
            <time class="muted">{clock(Date.parse(String(a.body['at'])))}</time>
            {a.state !== 'sent'
              ? a.photos.map((seq, i) => {
                  const p = progress[seq];
                  return p ? <span key={seq} class="muted">{t('outbox.upload', { n: i + 1, pct: num((100 * p.offset) / Math.max(1, p.size)) })}</span> : null;
                })
              : null}
            {a.state === 'failed' ? <button type="button" onClick={() => void outbox.dismiss(a.seq)}>{t('outbox.dismiss')}</button> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Navigation: a `geo:` URI (RFC 5870), which Android hands to whichever maps app the person uses, and a
 * web map link where `geo:` is not understood. Coordinates are WGS84 as everywhere in citybrain.
 */
export function NavLinks({ task }: { task: Task }) {
  const { lat, lon } = task.location;
  const geo = task.mapsUrl ?? `geo:${lat},${lon}`;
  const web = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
  return (
    <div class="r-nav">
      <a class="r-big" href={geo} data-testid="navigate">{t('task.navigate')}</a>
      <a href={web} target="_blank" rel="noopener noreferrer" data-testid="navigate-web">{t('task.openMap')}</a>
      <span class="muted">{t('task.coords', { lat: lat.toFixed(6), lon: lon.toFixed(6) })}</span>
    </div>
  );
}

/** The phone camera (`capture="environment"`: the back camera) or the gallery; previews before sending. */
export function PhotoPicker({ files, onChange }: { files: File[]; onChange: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const urls = useMemo(() => files.map((f) => URL.createObjectURL(f)), [files]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  return (
    <div class="r-photos">
      <label class="r-big r-file">
        {t('task.addPhoto')}
        <input
          ref={input}
          type="file"
          accept="image/*"
          capture="environment"
          data-testid="photo-input"
          onChange={(e) => {
            onChange([...files, ...Array.from(e.currentTarget.files ?? [])]);
            e.currentTarget.value = '';
          }}
        />
      </label>
      <div class="r-thumbs">
        {urls.map((u, i) => (
          <figure key={u}>
            <img src={u} alt={files[i]?.name ?? ''} />
            <button type="button" onClick={() => onChange(files.filter((_, j) => j !== i))}>{t('task.remove')}</button>
          </figure>
        ))}
      </div>
    </div>
  );
}

/** A reason or note typed by the person; kept per task while they move around the page. */
export function useDraft(key: string): [string, (v: string) => void] {
  const [v, setV] = useState(() => sessionStorage.getItem(key) ?? '');
  return [v, (x: string) => (setV(x), x === '' ? sessionStorage.removeItem(key) : sessionStorage.setItem(key, x))];
}

/** The phone's time of an action, when it was sent late (from the outbox) — a few seconds' skew is not shown. */
export function lateClientAt(e: { at: string; clientAt?: string }): string | null {
  if (!e.clientAt) return null;
  const c = Date.parse(e.clientAt);
  return Math.abs(Date.parse(e.at) - c) >= 5000 ? t('task.clientAt', { time: dateTime(c) }) : null;
}
