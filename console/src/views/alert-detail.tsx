/**
 * One alert: the rule, the values charted around the trigger, the timeline of everything done and by
 * whom, the impact area on the map with the devices inside, the nearest resources with ETA, and the
 * actions this person may take — each also on a key (a, s, c, d, r, x, m to silence; Esc goes back).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post, seg } from '../api.js';
import type { City } from '../city.js';
import { LiveMap, SeverityBadge, StatusText } from '../components.js';
import { actorText, alertText, dateTime, duration, levelText, metres, num } from '../format.js';
import { t, tValue, type MessageKey } from '../i18n/index.js';
import { navigate } from '../router.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import type { Alert, AuditEntry } from '../types.js';
import { systemNote } from '../timeline-note.js';
import { AlertChart } from './chart.js';
import { AlertResponse } from './alert-response.js';
import type { CityMap } from '../map/city-map.js';

type Action = 'ack' | 'assign' | 'comment' | 'dispatch' | 'resolve' | 'close' | 'silence';
const KEYS: Record<string, Action> = { a: 'ack', s: 'assign', c: 'comment', d: 'dispatch', r: 'resolve', x: 'close', m: 'silence' };
/** A silence from the alert: its rule on its device, for this long (longer ones: Administration → Silences). */
const SILENCE_MS = 4 * 3_600_000;
const ALLOWED: Record<Action, (a: Alert) => boolean> = {
  ack: (a) => a.status === 'open',
  assign: (a) => a.status === 'open' || a.status === 'acknowledged',
  comment: () => true,
  dispatch: (a) => a.status === 'open' || a.status === 'acknowledged',
  resolve: (a) => a.status === 'open' || a.status === 'acknowledged',
  close: (a) => a.status === 'resolved',
  silence: (a) => a.status === 'open' || a.status === 'acknowledged',
};

interface DispatchResult {
  dockId: string;
  etaS: number;
  mission: { id: string; droneId: string };
}

export function AlertDetail({ city, version, id }: { city: City; version: number; id: string }) {
  const me = useObservable(session);
  const [alert, setAlert] = useState<Alert | null | undefined>(undefined);
  const [dialog, setDialog] = useState<Action | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const live = city.alerts.get(id);
  const liveKey = live ? `${live.status}|${live.severity}|${live.lastSeenAt ?? ''}|${live.count ?? ''}` : '';
  useEffect(() => {
    get<Alert>(`/api/v1/alerts/${seg(id)}`).then(setAlert, (e: unknown) => (e instanceof ApiError && e.status === 404 ? setAlert(null) : setMessage({ ok: false, text: String((e as Error).message) })));
  }, [id, liveKey]);
  const actions = (['ack', 'assign', 'comment', 'dispatch', 'resolve', 'close', 'silence'] as const).filter((a) =>
    a === 'dispatch' ? can(me, 'alerts:dispatch') : a === 'silence' ? can(me, 'silences:write') : can(me, 'alerts:write'),
  );
  // Bound as the DOM changes, not after the next paint: a key pressed as soon as the alert shows (a busy
  // page, e.g. its map being made) must reach the listener that knows the alert.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Escape') return dialog ? setDialog(null) : navigate('alerts');
      const action = KEYS[e.key];
      if (action && alert && actions.includes(action) && ALLOWED[action](alert)) {
        e.preventDefault();
        setDialog(action);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [alert, dialog, actions.join()]);
  if (alert === undefined) return <p class="page muted">{t('common.loading')}</p>;
  if (alert === null) return <p class="page error" data-testid="alert-not-found">{t('alert.notFound')}</p>;

  const run = async (action: Action, fields: Record<string, string>) => {
    try {
      if (action === 'silence') {
        const endsAt = Date.now() + SILENCE_MS;
        const matchers = { ruleId: alert.ruleId, deviceId: alert.labels?.deviceId ?? alert.subject };
        await post('/api/v1/silences', { kind: 'silence', matchers, endsAt, ...(fields['note'] ? { comment: fields['note'] } : {}) });
        setMessage({ ok: true, text: t('action.silenced', { until: dateTime(endsAt) }) });
      } else if (action === 'dispatch') {
        const r = await post<DispatchResult>(`/api/v1/alerts/${seg(id)}/dispatch`, fields);
        setMessage({ ok: true, text: t('action.dispatched', { drone: r.mission.droneId, dock: r.dockId, eta: duration(r.etaS * 1000) }) });
      } else {
        // The action's answer is the alert without its timeline: the detail read below replaces both at once.
        await post<Alert>(`/api/v1/alerts/${seg(id)}/${action}`, fields);
        setMessage({ ok: true, text: t('action.done', { action: t(`action.${action}`) }) });
      }
      setDialog(null);
      setAlert(await get<Alert>(`/api/v1/alerts/${seg(id)}`));
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    }
  };

  const docks = alert.resources?.docks?.items ?? [];
  return (
    <div class="page alert-detail" data-testid="alert-detail" data-alert-status={alert.status}>
      <header>
        <button class="link" onClick={() => navigate('alerts')}>← {t('alerts.title')}</button>
        <h2>
          <SeverityBadge severity={alert.severity} /> {alertText(alert)}
        </h2>
        <StatusText status={alert.status} />
      </header>
      <div class="actions" data-testid="alert-actions">
        {actions.map((a) => (
          <button key={a} disabled={!ALLOWED[a](alert)} onClick={() => setDialog(a)} data-action={a}>
            {t(`action.${a}`)}
          </button>
        ))}
        <span class="muted small">{t('action.shortcuts')}</span>
      </div>
      {message ? <p class={message.ok ? 'notice' : 'error'} role="status" data-testid="action-message">{message.text}</p> : null}
      {dialog ? <ActionDialog action={dialog} onCancel={() => setDialog(null)} onSubmit={(f) => void run(dialog, f)} /> : null}
      <div class="detail-grid">
        <section>
          <dl>
            <dt>{t('alert.rule')}</dt>
            <dd>{alert.ruleId}</dd>
            <dt>{t('alert.subject')}</dt>
            <dd>{alert.subject}</dd>
            <dt>{t('alert.level')}</dt>
            <dd>{levelText(alert.responseLevel)}</dd>
            <dt>{t('alert.count')}</dt>
            <dd>{num(alert.count ?? 1)}</dd>
            <dt>{t('alert.firstSeen')}</dt>
            <dd>{dateTime(alert.firstSeenAt)}</dd>
            <dt>{t('alert.lastSeen')}</dt>
            <dd>{dateTime(alert.lastSeenAt)}</dd>
            <dt>{t('alert.assignee')}</dt>
            <dd data-testid="assignee">{alert.assignee ?? t('common.none')}</dd>
          </dl>
          <p class="muted small">{t('alert.kpis', { tta: duration(alert.kpis?.ttaMs), ttd: duration(alert.kpis?.ttdMs), ttr: duration(alert.kpis?.ttrMs) })}</p>
          <h3>{t('alert.chart')}</h3>
          <AlertChart alert={alert} />
          <h3>{t('alert.timeline')}</h3>
          <ol class="timeline" data-testid="timeline">
            {(alert.audit ?? []).map((e, i) => (
              <li key={i} data-action={e.action}>
                <time>{dateTime(e.at)}</time> <b>{tValue('timeline', e.action)}</b> <span class="actor" data-testid="actor">{t('alert.by', { actor: actorText(e.actor, e.actorName) })}</span>
                <Note alert={alert} e={e} />
              </li>
            ))}
          </ol>
        </section>
        <section>
          <h3>
            {t('alert.impact')} {alert.impact?.radiusM ? <span class="muted">{t('alert.radius', { m: num(alert.impact.radiusM) })}</span> : null}
          </h3>
          <div class="detail-map">
            <LiveMap city={city} version={version} options={{ onlyAlert: alert.id }} onMap={(m) => void focus(m, alert)} />
          </div>
          <h3>{t('alert.devicesInside')}</h3>
          <ul class="compact">
            {(alert.impact?.devices ?? []).map((d) => (
              <li key={d.deviceId}>
                {d.deviceId} · {tValue('kind', d.kind)} · {metres(d.distanceM)}
              </li>
            ))}
          </ul>
          <h3>{t('alert.resources')}</h3>
          <h4>{t('alert.docks')}</h4>
          <ul class="compact" data-testid="resources-docks">
            {docks.map((d) => (
              <li key={d.dockId}>
                {d.dockId} · {d.etaS !== undefined ? t('alert.eta', { t: duration(d.etaS * 1000) }) : t('alert.unavailable')}
              </li>
            ))}
          </ul>
          {docks.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        </section>
      </div>
      <AlertResponse city={city} alert={alert} onChanged={() => void get<Alert>(`/api/v1/alerts/${seg(id)}`).then(setAlert)} />
    </div>
  );
}

/** A note the platform wrote reads in the chosen language (checked for English like the page); free text is quoted as written. */
function Note({ alert, e }: { alert: Alert; e: AuditEntry }) {
  const system = systemNote(e);
  if (system !== null) return <span class="note" data-testid="system-note">{system}</span>;
  return e.note ? <q>{noteText(alert, e.note)}</q> : null;
}

/** A timeline note that is the alert's message (the rules engine records it on opening) reads in the chosen language. */
function noteText(alert: Alert, note: string): string {
  return note === alert.message || Object.values(alert.messages ?? {}).includes(note) ? alertText(alert) : note;
}

async function focus(m: CityMap, alert: Alert): Promise<void> {
  const area = alert.impact?.area;
  await m.update();
  if (area) m.fit({ type: 'FeatureCollection', features: [area] }, 40);
}

function ActionDialog({ action, onCancel, onSubmit }: { action: Action; onCancel: () => void; onSubmit: (fields: Record<string, string>) => void }) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [action]);
  const field: { key: string; label: MessageKey; required: boolean } =
    action === 'assign' ? { key: 'assignee', label: 'action.assignee', required: true } : action === 'comment' ? { key: 'text', label: 'action.text', required: true } : { key: 'note', label: 'action.note', required: false };
  return (
    <form
      class="dialog"
      data-testid="action-dialog"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(value.trim() === '' ? {} : { [field.key]: value.trim() });
      }}
    >
      <h3>{t(`action.${action}`)}</h3>
      <label>
        {t(field.label)}
        <input ref={input} value={value} required={field.required} onInput={(e) => setValue(e.currentTarget.value)} name={field.key} />
      </label>
      <div class="row">
        <button type="submit" class="primary">{t('action.submit')}</button>
        <button type="button" onClick={onCancel}>{t('action.cancel')}</button>
      </div>
    </form>
  );
}
