/**
 * The operator's response panel in the alert detail (the "five automatics" on screen): the response level,
 * plan and scope the platform computed, the proposed tasks with their units and ETA, one-click dispatch,
 * the tasks as they move (alert-response-tasks.tsx), the photos from responders and drones, and resolving
 * with an override reason while required tasks are not all verified. Everything comes from
 * `GET /api/v1/alerts/{id}/response` and the media list; task events on the stream re-read them.
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, seg } from '../api.js';
import type { City } from '../city.js';
import { duration, inLang, levelText, metres } from '../format.js';
import { lang, t, tValue } from '../i18n/index.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import type { Alert, MediaMeta, Task } from '../types.js';
import { Photos, TaskTable } from './alert-response-tasks.js';
import { DataName } from './names.js';

/** One proposed task; `unitId` null is a gap (no unit of that type could be found). */
export interface ProposedTask {
  unitId: string | null;
  unitName?: string | null;
  /** The unit's name in every language (its resource's `name_zh` for zh-CN). */
  unitNames?: Partial<Record<'zh-CN' | 'en', string>>;
  unitType: string;
  title: string;
  titles?: Partial<Record<'zh-CN' | 'en', string>>;
  instructions?: string;
  required: boolean;
  etaS?: number | null;
  distanceM?: number | null;
  gap?: string;
}

export interface AlertResponseBody {
  alertId: string;
  level: string;
  plan: { id: string; version: number } | null;
  scope: { organisations: string[]; organisationNames?: Partial<Record<'zh-CN' | 'en', string>>[]; districts: string[]; notify?: { city: string[]; district: string[] } };
  proposal: ProposedTask[];
  tasks: Task[];
  drone: boolean;
}

type Message = { ok: boolean; text: string } | null;
export const errorText = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

export function AlertResponse({ city, alert, onChanged }: { city: City; alert: Alert; onChanged: () => void }) {
  const me = useObservable(session);
  const [body, setBody] = useState<AlertResponseBody | null | undefined>(undefined);
  const [media, setMedia] = useState<MediaMeta[]>([]);
  const [message, setMessage] = useState<Message>(null);
  const [tick, setTick] = useState(0);
  const reload = () => setTick((n) => n + 1);
  useEffect(
    () =>
      city.taskEvents.subscribe((e) => {
        if (e && e.alertId === alert.id) reload();
      }),
    [city, alert.id],
  );
  // A picture attached to the alert (a drone's, a crew's) comes as an alert event, not a task event.
  useEffect(
    () =>
      city.alertEvents.subscribe((e) => {
        if (e && e.id === alert.id && e.action === 'media.attached') reload();
      }),
    [city, alert.id],
  );
  useEffect(() => {
    get<AlertResponseBody>(`/api/v1/alerts/${seg(alert.id)}/response`).then(setBody, (e: unknown) => (e instanceof ApiError && e.status === 404 ? setBody(null) : setMessage({ ok: false, text: errorText(e) })));
    get<{ items: MediaMeta[] }>(`/api/v1/alerts/${seg(alert.id)}/media`).then((r) => setMedia(r.items), () => setMedia([]));
  }, [alert.id, alert.status, tick]);
  const act = async (fn: () => Promise<string>) => {
    try {
      setMessage({ ok: true, text: await fn() });
      reload();
      onChanged();
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    }
  };
  const mayDispatch = can(me, 'tasks:dispatch');
  return (
    <section class="response-panel" data-testid="response-panel">
      <h3>{t('response.title')}</h3>
      {message ? <p class={message.ok ? 'notice' : 'error'} role="status" data-testid="response-message">{message.text}</p> : null}
      {body === undefined ? <p class="muted">{t('common.loading')}</p> : null}
      {body === null ? <p class="muted">{t('response.unavailable')}</p> : null}
      {body ? (
        <>
          <Summary city={city} body={body} />
          <Proposal
            body={body}
            mayDispatch={mayDispatch && (alert.status === 'open' || alert.status === 'acknowledged')}
            onDispatch={() => void act(async () => t('response.dispatched', { n: (await post<{ tasks: Task[] }>(`/api/v1/alerts/${seg(alert.id)}/response/dispatch`, {})).tasks.length }))}
          />
          <h4>{t('response.tasks')}</h4>
          <TaskTable tasks={body.tasks} mayDispatch={mayDispatch} act={(fn) => void act(fn)} />
          {mayDispatch ? <Override alert={alert} tasks={body.tasks} act={(fn) => void act(fn)} /> : null}
        </>
      ) : null}
      <h4>{t('response.photos')}</h4>
      <Photos media={media} />
    </section>
  );
}

function Summary({ city, body }: { city: City; body: AlertResponseBody }) {
  const notify = [...(body.scope.notify?.city ?? []), ...(body.scope.notify?.district ?? [])];
  // Each organisation in every language, by its name as entered (the plan's notify names are among them).
  const names = new Map(body.scope.organisations.map((o, i) => [o, body.scope.organisationNames?.[i]]));
  return (
    <dl class="response-summary" data-testid="response-summary">
      <dt>{t('alert.level')}</dt>
      <dd data-testid="response-level" data-level={body.level}>{levelText(body.level)}</dd>
      {body.plan ? (
        <>
          <dt>{t('response.planLabel')}</dt>
          <dd>{t('response.plan', { id: body.plan.id, version: String(body.plan.version) })}</dd>
        </>
      ) : null}
      <dt>{t('response.organisations')}</dt>
      <dd data-testid="response-organisations">
        <Names list={body.scope.organisations} names={names} />
      </dd>
      <dt>{t('response.districts')}</dt>
      <dd>{body.scope.districts.map((d) => city.districtName(d, lang())).join(', ') || t('common.none')}</dd>
      {notify.length > 0 ? (
        <>
          <dt>{t('response.notify')}</dt>
          <dd data-testid="response-notify">
            <Names list={notify} names={names} />
          </dd>
        </>
      ) : null}
      {body.drone ? (
        <>
          <dt>{t('response.drone')}</dt>
          <dd>{t('response.droneGoes')}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** Names as a list ("a, b" / "a、b"), each in the chosen language when it has one. */
function Names({ list, names }: { list: string[]; names: Map<string, Partial<Record<'zh-CN' | 'en', string>> | undefined> }) {
  if (list.length === 0) return <>{t('common.none')}</>;
  return (
    <>
      {list.map((o, i) => (
        <Fragment key={o}>
          {i > 0 ? t('common.listSeparator') : null}
          <DataName names={names.get(o)} fallback={o} />
        </Fragment>
      ))}
    </>
  );
}

function Proposal({ body, mayDispatch, onDispatch }: { body: AlertResponseBody; mayDispatch: boolean; onDispatch: () => void }) {
  if (body.proposal.length === 0) return null;
  return (
    <>
      <h4>{t('response.proposal')}</h4>
      <table data-testid="response-proposal">
        <thead>
          <tr>
            <th>{t('response.col.unit')}</th>
            <th>{t('response.col.type')}</th>
            <th>{t('response.col.task')}</th>
            <th>{t('response.col.eta')}</th>
          </tr>
        </thead>
        <tbody>
          {body.proposal.map((p, i) => (
            <tr key={`${p.unitId ?? 'gap'}-${i}`} data-unit-id={p.unitId ?? undefined} class={p.unitId ? '' : 'gap'}>
              <td>{p.unitId ? <DataName names={p.unitNames} fallback={p.unitName ?? p.unitId} /> : <span class="error" title={p.gap}>{t('response.gap', { gap: tValue('unitType', p.unitType) })}</span>}</td>
              <td>{tValue('unitType', p.unitType)}</td>
              <td>
                {inLang(p.titles, p.title)} {p.required ? <span class="status">{t('response.required')}</span> : null}
              </td>
              <td>
                {typeof p.etaS === 'number' ? duration(p.etaS * 1000) : t('common.none')}
                {typeof p.distanceM === 'number' ? <span class="muted small"> · {metres(p.distanceM)}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {mayDispatch ? (
        <button class="primary" data-action="dispatch-tasks" onClick={onDispatch}>
          {t('response.dispatch')}
        </button>
      ) : null}
    </>
  );
}

/** Resolving before every required task is verified needs a reason (the server records it in the audit). */
function Override({ alert, tasks, act }: { alert: Alert; tasks: Task[]; act: (fn: () => Promise<string>) => void }) {
  const [reason, setReason] = useState('');
  const open = tasks.filter((x) => x.required !== false && !['verified', 'cancelled', 'reassigned', 'declined'].includes(x.state));
  if (open.length === 0 || !(alert.status === 'open' || alert.status === 'acknowledged')) return null;
  return (
    <form
      class="dialog"
      data-testid="override-form"
      onSubmit={(e) => {
        e.preventDefault();
        act(async () => (await post(`/api/v1/alerts/${seg(alert.id)}/response/resolve`, { reason: reason.trim() }), t('action.done', { action: t('action.resolve') })));
      }}
    >
      <p class="muted">{t('response.pending', { n: open.length })}</p>
      <label>
        {t('response.overrideReason')}
        <input name="override-reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <button type="submit">{t('response.override')}</button>
    </form>
  );
}
