/**
 * The alert's tasks for the operator: unit, state, who did what and when (the phone's time beside the
 * server's when they differ), verify and reassign; and the alert's photos, from responders and drones,
 * with where and when each was taken.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, post, seg } from '../api.js';
import { actorText, coord, dateTime, inLang, metres } from '../format.js';
import { t, type MessageKey } from '../i18n/index.js';
import type { MediaMeta, Task } from '../types.js';
import { DataName } from './names.js';
import { lateClientAt } from './responder-parts.js';

const stateText = (s: string): string => t(`task.state.${s}` as MessageKey);
const CLOSED = new Set(['verified', 'cancelled', 'reassigned', 'declined']);

export function TaskTable({ tasks, mayDispatch, act }: { tasks: Task[]; mayDispatch: boolean; act: (fn: () => Promise<string>) => void }) {
  const [open, setOpen] = useState<string | null>(null);
  if (tasks.length === 0) return <p class="muted">{t('response.noTasks')}</p>;
  return (
    <table data-testid="response-tasks">
      <thead>
        <tr>
          <th>{t('response.col.unit')}</th>
          <th>{t('response.col.task')}</th>
          <th>{t('response.col.state')}</th>
          <th>{t('response.col.updated')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <Fragment key={task.id}>
            <tr data-task-id={task.id} data-state={task.state} class="clickable" onClick={() => setOpen(open === task.id ? null : task.id)}>
              <td data-testid="task-unit">
                <DataName names={task.unitNames} fallback={task.unitName ?? task.unitId} />
              </td>
              <td>
                {inLang(task.titles, task.title)} {task.required ? <span class="status">{t('response.required')}</span> : null}
              </td>
              <td>
                <span class={`status task-${task.state}`}>{stateText(task.state)}</span>
              </td>
              <td>{dateTime(Date.parse(task.updatedAt))}</td>
              <td onClick={(e) => e.stopPropagation()}>{mayDispatch ? <TaskActions task={task} act={act} /> : null}</td>
            </tr>
            {open === task.id ? (
              <tr>
                <td colSpan={5}>
                  <TaskHistory key={task.updatedAt} id={task.id} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function TaskActions({ task, act }: { task: Task; act: (fn: () => Promise<string>) => void }) {
  const [unit, setUnit] = useState('');
  const [reassigning, setReassigning] = useState(false);
  const [units, setUnits] = useState<{ id: string; name: string; name_zh?: string }[]>([]);
  // Units of the same type are the candidates (the server checks the one chosen).
  useEffect(() => {
    if (reassigning) void get<{ items: { id: string; name: string; name_zh?: string }[] }>(`/api/v1/response/resources?kind=unit&type=${encodeURIComponent(task.unitType ?? '')}`).then((r) => setUnits(r.items), () => setUnits([]));
  }, [reassigning]);
  const path = `/api/v1/tasks/${seg(task.id)}`;
  return (
    <span class="row task-actions">
      {task.state === 'done' ? (
        <button class="primary" data-action="verify" onClick={() => act(async () => (await post(`${path}/verify`, {}), t('response.verified')))}>
          {t('response.verify')}
        </button>
      ) : null}
      {!CLOSED.has(task.state) && !reassigning ? (
        <button data-action="reassign" onClick={() => setReassigning(true)}>
          {t('response.reassign')}
        </button>
      ) : null}
      {reassigning ? (
        <form class="row" onSubmit={(e) => (e.preventDefault(), act(async () => (await post(`${path}/reassign`, { unitId: unit.trim() }), t('response.reassignedOk'))), setReassigning(false))}>
          <input name="unitId" list={`units-${task.id}`} required placeholder={t('response.reassignTo')} value={unit} onInput={(e) => setUnit(e.currentTarget.value)} />
          <datalist id={`units-${task.id}`}>
            {units.filter((u) => u.id !== task.unitId).map((u) => <option key={u.id} value={u.id}>{inLang({ 'zh-CN': u.name_zh }, u.name)}</option>)}
          </datalist>
          <button type="submit">{t('action.submit')}</button>
          <button type="button" onClick={() => setReassigning(false)}>{t('action.cancel')}</button>
        </form>
      ) : null}
    </span>
  );
}

/** The task's history and reports, and its pictures (the responder's and the drone's), read when the row is opened. */
function TaskHistory({ id }: { id: string }) {
  const [task, setTask] = useState<Task | null>(null);
  useEffect(() => void get<Task>(`/api/v1/tasks/${seg(id)}`).then(setTask, () => setTask(null)), [id]);
  if (!task) return <p class="muted">{t('common.loading')}</p>;
  return (
    <>
      <TaskEvents task={task} />
      <TaskPhotos id={id} />
    </>
  );
}

/** A task's pictures: what its unit uploaded and what the drone took over the site, with where and when. */
export function TaskPhotos({ id }: { id: string }) {
  const [media, setMedia] = useState<MediaMeta[] | null>(null);
  useEffect(() => void get<{ items: MediaMeta[] }>(`/api/v1/tasks/${seg(id)}/media`).then((r) => setMedia(r.items), () => setMedia([])), [id]);
  return (
    <div class="task-photos" data-testid="task-photos" data-task-id={id}>
      <h4>{t('response.photos')}</h4>
      {media ? <Photos media={media} testid="task-photo-grid" /> : <p class="muted">{t('common.loading')}</p>}
    </div>
  );
}

function TaskEvents({ task }: { task: Task }) {
  return (
    <ol class="timeline" data-testid="task-history">
      {(task.history ?? []).map((e, i) => (
        <li key={i} data-state={e.state}>
          <time>{dateTime(Date.parse(e.at))}</time> <b>{stateText(e.state)}</b> <span class="actor">{actorText(e.by, e.byName)}</span>
          {lateClientAt(e) ? <span class="muted small"> ({lateClientAt(e)})</span> : null}
          {e.note ? <q>{e.note}</q> : null}
        </li>
      ))}
      {(task.reports ?? []).map((r) => (
        <li key={r.id} data-report-id={r.id}>
          <time>{dateTime(Date.parse(r.at))}</time> <b>{t('task.report')}</b> <span class="actor">{actorText(r.by, r.byName)}</span>
          {r.note ? <q>{r.note}</q> : null} {r.mediaIds.length > 0 ? <span class="muted">{t('task.photoCount', { n: r.mediaIds.length })}</span> : null}
        </li>
      ))}
    </ol>
  );
}

export function Photos({ media, testid = 'response-photos' }: { media: MediaMeta[]; testid?: string }) {
  // One picture can be attached twice (the upload names the task, the report cites it): show it once.
  const shown = media.filter((m, i) => media.findIndex((x) => x.id === m.id) === i);
  if (shown.length === 0) return <p class="muted">{t('response.noPhotos')}</p>;
  return (
    <div class="photo-grid" data-testid={testid}>
      {shown.map((m) => (
        <figure key={m.id} data-media-id={m.id} data-source={m.source}>
          <a href={`/api/v1/media/${seg(m.id)}`} target="_blank" rel="noopener">
            <img src={`/api/v1/media/${seg(m.id)}`} alt={m.filename ?? m.id} loading="lazy" />
          </a>
          <figcaption class="small">
            <b>{t(`response.source.${m.source}` as MessageKey)}</b> · {dateTime(Date.parse(m.takenAt))}
            {m.position ? <span class="muted"> · {coord(m.position.lat)}, {coord(m.position.lon)}{m.position.altM !== undefined ? ` · ${metres(m.position.altM)}` : ''}</span> : null}
            {m.note ? <q>{m.note}</q> : null}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
