/**
 * The responder's phone (console.md: "the small screen is the phone of the person in the field"): my
 * unit's tasks, newest work first; one task opens full screen with accept / decline, navigation, status,
 * photos and a note. Light theme, large type and touch targets for use outdoors; every action goes
 * through the outbox, so a dead network delays it but never loses it.
 */
import { useEffect, useState } from 'preact/hooks';
import { alertText, inLang } from '../format.js';
import { t } from '../i18n/index.js';
import { Outbox, type QueuedAction } from '../offline/queue.js';
import { navigate, useRoute } from '../router.js';
import { logout, session } from '../session.js';
import { useObservable } from '../store.js';
import type { SessionUser, Task, TaskState } from '../types.js';
import { LangSwitch } from './lang-switch.js';
import { DataName } from './names.js';
import { MyTasks, POLL_S } from './responder-live.js';
import { TaskChip, effectiveState, taskDeadline } from './responder-parts.js';
import { TaskDetail } from './responder-task.js';
import './responder.css';

const FINISHED: ReadonlySet<TaskState> = new Set(['done', 'verified', 'declined', 'cancelled', 'reassigned']);

export function Responder() {
  const me = useObservable(session)!;
  const [tasks] = useState(() => new MyTasks());
  const [outbox] = useState(() => new Outbox(me.user.username, (_a, answer) => (isTask(answer) ? tasks.merge(answer) : void tasks.reload())));
  const route = useRoute();
  useEffect(() => {
    document.body.classList.add('responder-mode');
    void tasks.start();
    void outbox.start();
    // Back online: what changed meanwhile (a reassignment, a new task) shows without waiting for a poll.
    const off = outbox.online.subscribe((on) => void (on && tasks.reload()));
    return () => {
      off();
      document.body.classList.remove('responder-mode');
      tasks.stop();
      outbox.stop();
    };
  }, []);
  const taskId = route[0] === 'tasks' ? route[1] : undefined;
  return (
    <div class="responder" data-testid="responder">
      <header class="r-top">
        <b>{t('responder.title')}</b>
        {me.user.unit ? <UnitName names={me.user.unitNames} name={me.user.unitName ?? me.user.unit} /> : null}
        <LangSwitch />
        <button class="link" onClick={() => void logout()} data-testid="logout">{t('session.logout')}</button>
      </header>
      <Connection tasks={tasks} outbox={outbox} />
      <main class="r-main">{taskId ? <TaskDetail id={taskId} tasks={tasks} outbox={outbox} /> : <TaskList tasks={tasks} outbox={outbox} />}</main>
    </div>
  );
}

/** "Unit <name>": the resource's name as an administrator entered it, its Chinese name (`name_zh`) in zh-CN. */
function UnitName({ names, name }: { names: SessionUser['unitNames']; name: string }) {
  const [before = '', after = ''] = t('responder.unit', { unit: '\u0000' }).split('\u0000');
  return (
    <span class="r-unit" data-testid="responder-unit">
      {before}<b><DataName names={names} fallback={name} /></b>{after}
    </span>
  );
}

function isTask(x: unknown): x is Task {
  return typeof x === 'object' && x !== null && typeof (x as Task).id === 'string' && typeof (x as Task).state === 'string';
}

/** Online or not, how updates arrive, and how much waits in the outbox: always on screen. */
function Connection({ tasks, outbox }: { tasks: MyTasks; outbox: Outbox }) {
  const online = useObservable(outbox.online);
  const live = useObservable(tasks.liveness);
  const actions = useObservable(outbox.actions);
  const waiting = actions.filter((a) => a.state === 'queued' || a.state === 'sending').length;
  return (
    <div class={`r-conn ${online ? 'r-online' : 'r-offline'}`} role="status" data-testid="connection" data-online={String(online)} data-waiting={waiting} data-liveness={live}>
      <span>{online ? t('responder.online') : t('responder.offline')}</span>
      {online ? <span class="muted">{live === 'live' ? t('stream.live') : live === 'polling' ? t('responder.polling', { s: POLL_S }) : t('stream.connecting')}</span> : null}
      {waiting > 0 ? <b data-testid="waiting">{t('responder.queued', { n: waiting })}</b> : null}
    </div>
  );
}

function TaskList({ tasks, outbox }: { tasks: MyTasks; outbox: Outbox }) {
  const items = useObservable(tasks.tasks);
  const error = useObservable(tasks.error);
  const actions = useObservable(outbox.actions);
  const withState = items.map((task) => ({ task, state: effectiveState(task, actions) }));
  const active = withState.filter((x) => !FINISHED.has(x.state));
  const finished = withState.filter((x) => FINISHED.has(x.state));
  return (
    <div data-testid="task-list">
      {error ? <p class="error">{t('common.error', { message: error })}</p> : null}
      <h2>{t('responder.active')}</h2>
      {active.length === 0 ? <p class="muted">{t('responder.empty')}</p> : null}
      {active.map((x) => <TaskCard key={x.task.id} task={x.task} state={x.state} actions={actions} />)}
      {finished.length > 0 ? <h2>{t('responder.finished')}</h2> : null}
      {finished.map((x) => <TaskCard key={x.task.id} task={x.task} state={x.state} actions={actions} />)}
    </div>
  );
}

function TaskCard({ task, state, actions }: { task: Task; state: TaskState; actions: QueuedAction[] }) {
  const pending = actions.some((a) => a.taskId === task.id && (a.state === 'queued' || a.state === 'sending'));
  return (
    <button type="button" class={`r-card sev-edge-${task.alert?.severity ?? 'blue'}`} onClick={() => navigate('tasks', task.id)} data-task-id={task.id} data-state={state}>
      <span class="r-card-head">
        <TaskChip state={state} pending={pending} />
        <b>{inLang(task.titles, task.title)}</b>
      </span>
      {task.alert ? <span class="r-card-alert">{alertText(task.alert)}</span> : null}
      <span class="muted">{taskDeadline(task, state)}</span>
    </button>
  );
}
