/**
 * One task on the phone: what to do and where, the next step as one large button, photos and a note,
 * and the task's history. Actions go through the outbox (offline/queue.ts); the page shows the state
 * they lead to at once, marked as queued until the server has them.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, seg } from '../api.js';
import { SeverityBadge } from '../components.js';
import { actorText, alertText, dateTime, inLang } from '../format.js';
import { lang, t } from '../i18n/index.js';
import type { Outbox } from '../offline/queue.js';
import { navigate } from '../router.js';
import { useObservable } from '../store.js';
import type { LonLat, Task, TaskState } from '../types.js';
import { TaskPhotos } from './alert-response-tasks.js';
import type { MyTasks } from './responder-live.js';
import { NavLinks, OutboxList, PhotoPicker, TaskChip, effectiveState, lateClientAt, stateLabel, taskDeadline, useDraft } from './responder-parts.js';

/** The next status a responder reports from each state (the server enforces the same order). */
const NEXT: Partial<Record<TaskState, { state: 'en_route' | 'on_site'; label: 'task.enRoute' | 'task.onSite' }>> = {
  accepted: { state: 'en_route', label: 'task.enRoute' },
  en_route: { state: 'on_site', label: 'task.onSite' },
};
const REPORTABLE: ReadonlySet<TaskState> = new Set(['accepted', 'en_route', 'on_site', 'done']);

/** Where the phone is, when the person allowed it (sent with status changes and photos). */
let position: LonLat | undefined;
function watchPosition(): () => void {
  if (!('geolocation' in navigator)) return () => undefined;
  const id = navigator.geolocation.watchPosition(
    (p) => (position = { lon: p.coords.longitude, lat: p.coords.latitude }),
    () => undefined,
    { enableHighAccuracy: true, maximumAge: 60_000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}

export function TaskDetail({ id, tasks, outbox }: { id: string; tasks: MyTasks; outbox: Outbox }) {
  const [task, setTask] = useState<Task | null | undefined>(tasks.tasks.value.find((x) => x.id === id));
  const changed = useObservable(tasks.changed);
  const pictures = useObservable(tasks.pictures);
  const actions = useObservable(outbox.actions);
  const sent = actions.filter((a) => a.taskId === id && a.state === 'sent').length;
  useEffect(() => watchPosition(), []);
  useEffect(() => {
    get<Task>(`/api/v1/tasks/${seg(id)}`).then(setTask, (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) setTask(null);
    });
  }, [id, changed === id ? tasks.tasks.value : null, sent]);
  if (task === undefined) return <p class="muted">{t('common.loading')}</p>;
  if (task === null) {
    return (
      <div>
        <BackLink />
        <p class="error r-big-text" data-testid="task-not-found">{t('responder.notFound')}</p>
      </div>
    );
  }
  const state = effectiveState(task, actions);
  const pending = actions.some((a) => a.taskId === id && (a.state === 'queued' || a.state === 'sending'));
  const act = (kind: 'accept' | 'decline' | 'status' | 'report', body: Record<string, unknown> = {}, photos: File[] = []) =>
    outbox.enqueue(id, kind, { ...body, ...(position && kind !== 'accept' && kind !== 'decline' ? { position } : {}) }, photos.map((file) => ({ file, alertId: task.alertId, ...(position ? { position } : {}) })));
  return (
    <article class="r-task" data-testid="task-detail" data-task-id={task.id} data-state={state}>
      <BackLink />
      <h2>{inLang(task.titles, task.title)}</h2>
      <p>
        <TaskChip state={state} pending={pending} /> <span class="muted">{taskDeadline(task, state)}</span>
      </p>
      {task.alert ? (
        <p class="r-alert">
          <SeverityBadge severity={task.alert.severity} /> {alertText(task.alert)}
        </p>
      ) : null}
      {task.instructions ? (
        <section>
          <h3>{t('task.instructions')}</h3>
          <p class="r-instructions">{inLang(task.instructionsByLang, task.instructions)}</p>
        </section>
      ) : null}
      <section>
        <h3>{t('task.location')}</h3>
        {task.districtName ? <p>{lang() === 'zh-CN' ? task.districtName.zh : task.districtName.en}</p> : null}
        <NavLinks task={task} />
      </section>
      <Actions state={state} taskId={id} act={act} />
      <OutboxList outbox={outbox} taskId={id} />
      <TaskPhotos key={`${task.updatedAt}-${(task.reports ?? []).length}-${pictures[task.alertId] ?? 0}`} id={task.id} />
      <History task={task} />
    </article>
  );
}

function BackLink() {
  return (
    <button type="button" class="link r-back" onClick={() => navigate('')}>
      ← {t('responder.back')}
    </button>
  );
}

type Act = (kind: 'accept' | 'decline' | 'status' | 'report', body?: Record<string, unknown>, photos?: File[]) => Promise<void>;

/** The step that comes next, as large buttons; the report (photos + note) while the task is worked. */
function Actions({ state, taskId, act }: { state: TaskState; taskId: string; act: Act }) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useDraft(`citybrain.decline.${taskId}`);
  const [note, setNote] = useDraft(`citybrain.note.${taskId}`);
  const [photos, setPhotos] = useState<File[]>([]);
  const next = NEXT[state];
  const report = async () => {
    if (photos.length > 0 || note.trim() !== '') await act('report', note.trim() ? { note: note.trim() } : {}, photos);
    setPhotos([]);
    setNote('');
  };
  return (
    <section class="r-actions" data-testid="task-actions">
      {state === 'dispatched' && !declining ? (
        <div class="r-row">
          <button type="button" class="r-big primary" data-action="accept" onClick={() => void act('accept')}>{t('task.accept')}</button>
          <button type="button" class="r-big" data-action="decline" onClick={() => setDeclining(true)}>{t('task.decline')}</button>
        </div>
      ) : null}
      {state === 'dispatched' && declining ? (
        <form class="r-form" onSubmit={(e) => (e.preventDefault(), void act('decline', { reason: reason.trim() }).then(() => setReason('')))}>
          <label>
            {t('task.declineReason')}
            <textarea name="reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <div class="r-row">
            <button type="submit" class="r-big danger" data-action="confirm-decline">{t('task.confirmDecline')}</button>
            <button type="button" class="r-big" onClick={() => setDeclining(false)}>{t('task.cancel')}</button>
          </div>
        </form>
      ) : null}
      {next ? (
        <button type="button" class="r-big primary" data-action={next.state} onClick={() => void act('status', { state: next.state })}>{t(next.label)}</button>
      ) : null}
      {REPORTABLE.has(state) ? (
        <div class="r-form" data-testid="report-form">
          <h3>{t('task.report')}</h3>
          <PhotoPicker files={photos} onChange={setPhotos} />
          <label>
            {t('task.note')}
            <textarea name="note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <div class="r-row">
            <button type="button" class="r-big" data-action="report" disabled={photos.length === 0 && note.trim() === ''} onClick={() => void report()}>{t('task.sendReport')}</button>
            {state === 'on_site' ? (
              <button type="button" class="r-big primary" data-action="done" onClick={() => void report().then(() => act('status', { state: 'done' }))}>{t('task.markDone')}</button>
            ) : null}
          </div>
        </div>
      ) : null}
    </section>
  );
}

function History({ task }: { task: Task }) {
  return (
    <section>
      <h3>{t('task.history')}</h3>
      <ol class="r-history" data-testid="task-history">
        {(task.history ?? []).map((e, i) => (
          <li key={i} data-state={e.state}>
            <b>{stateLabel(e.state)}</b> {actorText(e.by, e.byName)} · <time>{dateTime(Date.parse(e.at))}</time>
            {lateClientAt(e) ? <span class="muted"> ({lateClientAt(e)})</span> : null}
            {e.note ? <q>{e.note}</q> : null}
          </li>
        ))}
      </ol>
      {(task.reports ?? []).length > 0 ? <h3>{t('task.reports')}</h3> : null}
      <ul class="r-reports" data-testid="task-reports">
        {(task.reports ?? []).map((r) => (
          <li key={r.id}>
            <span class="muted">
              {actorText(r.by, r.byName)} · {dateTime(Date.parse(r.at))}
            </span>
            {r.note ? <p data-raw>{r.note}</p> : null}
            <div class="r-thumbs">
              {r.mediaIds.map((m) => (
                <a key={m} href={`/api/v1/media/${seg(m)}`} target="_blank" rel="noopener">
                  <img src={`/api/v1/media/${seg(m)}`} alt="" loading="lazy" data-media-id={m} />
                </a>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
