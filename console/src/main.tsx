/**
 * The console (architecture.md "console/"): served by the platform at `/`, it uses only the public HTTP
 * API and the event stream. Sign in, then the city overview, alerts, devices, drone operations and the
 * hall's big screen.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { City, type AlertNotice } from './city.js';
import { SeverityBadge } from './components.js';
import { alertText } from './format.js';
import { lang, onLang, t, tValue, type MessageKey } from './i18n/index.js';
import { navigate, useRoute } from './router.js';
import { can, checkSession, logout, session } from './session.js';
import { Observable, useObservable } from './store.js';
import { streamState } from './stream.js';
import './styles.css';
import { AlertDetail } from './views/alert-detail.js';
import { AlertList } from './views/alerts.js';
import { Admin, adminTabs } from './views/admin.js';
import { DeviceDetail } from './views/device-detail.js';
import { DeviceTable } from './views/devices.js';
import { DroneOps } from './views/drones.js';
import { Hall } from './views/hall.js';
import { LangSwitch } from './views/lang-switch.js';
import { Login } from './views/login.js';
import { Overview } from './views/overview.js';
import { Responder } from './views/responder.js';

function useLang(): string {
  const [l, setL] = useState(lang());
  useEffect(() => onLang(setL), []);
  return l;
}

function App() {
  useLang();
  const me = useObservable(session);
  if (me === undefined) return <p class="page muted">{t('common.loading')}</p>;
  if (me === null) return <Login />;
  // The person in the field gets the phone page, not the command centre.
  if (me.user.role === 'responder') return <Responder key={me.user.username} />;
  return <Shell key={me.user.username} />;
}

/** The tabs, each with the permission its page reads (docs/console.md "Views"); a tab the person cannot use is not offered. */
const NAV: [string, MessageKey, string?][] = [
  ['', 'nav.overview'],
  ['alerts', 'nav.alerts', 'alerts:read'],
  ['devices', 'nav.devices', 'devices:read'],
  ['drones', 'nav.drones', 'drones:read'],
  ['hall', 'nav.hall'],
  ['admin', 'nav.admin'],
];

function Shell() {
  const me = useObservable(session)!;
  const [city] = useState(() => new City());
  const [error, setError] = useState<string | null>(null);
  const version = useObservable(city.version);
  const stream = useObservable(streamState);
  const route = useRoute();
  useEffect(() => {
    city.start().catch((e: Error) => setError(e.message));
    return () => city.stop();
  }, [city]);
  // The big screen: a viewer lands in hall mode.
  useEffect(() => {
    if (me.user.role === 'viewer' && route.length === 0) navigate('hall');
  }, []);
  const page = route[0] ?? '';
  // The overview and the hall mount their map while the city loads (the map's set-up then overlaps the
  // requests instead of following them: bench:console's first render); other views wait for the data.
  const mapFirst = error === null && (page === '' || page === 'hall');
  const body = !city.loaded && !mapFirst ? (
    <p class="page muted">{error ? t('common.error', { message: error }) : t('common.loading')}</p>
  ) : page === 'alerts' && route[1] !== undefined ? (
    <AlertDetail city={city} version={version} id={route[1]} />
  ) : page === 'alerts' ? (
    <AlertList city={city} version={version} />
  ) : page === 'devices' && route[1] !== undefined ? (
    <DeviceDetail city={city} version={version} id={route[1]} />
  ) : page === 'admin' ? (
    <Admin city={city} tab={route[1]} sub={route[2]} />
  ) : page === 'devices' ? (
    <DeviceTable city={city} version={version} />
  ) : page === 'drones' ? (
    <DroneOps city={city} version={version} />
  ) : page === 'hall' ? (
    <Hall city={city} version={version} />
  ) : (
    <Overview city={city} version={version} />
  );
  return (
    <div class="shell">
      <header class="top">
        <b class="brand">{t('app.title')}</b>
        <nav>
          {NAV.filter(([path, , needs]) => (needs === undefined || can(me, needs)) && (path !== 'admin' || adminTabs(me).length > 0)).map(([path, key]) => (
            <a key={path} href={`#/${path}`} class={page === path ? 'active' : ''} data-nav={path || 'overview'}>
              {t(key)}
            </a>
          ))}
        </nav>
        <span class={`stream stream-${stream}`} data-testid="stream-state" data-state={stream} role="status">
          {t(stream === 'live' ? 'stream.live' : stream === 'lost' ? 'stream.lost' : 'stream.connecting')}
        </span>
        <SoundSwitch />
        <LangSwitch />
        <span class="user" data-testid="user">{t('session.user', { user: me.user.username, role: tValue('role', me.user.role) })}</span>
        <button class="link" onClick={() => void logout()} data-testid="logout">{t('session.logout')}</button>
      </header>
      <Announcements city={city} />
      <main>{body}</main>
    </div>
  );
}

/** Audible announcements: off until the person switches them on (remembered). */
const soundOn = new Observable(localStorage.getItem('citybrain.sound') === 'on');

function SoundSwitch() {
  const on = useObservable(soundOn);
  return (
    <label class="sound">
      <input type="checkbox" checked={on} onChange={(e) => (soundOn.set(e.currentTarget.checked), localStorage.setItem('citybrain.sound', e.currentTarget.checked ? 'on' : 'off'))} />
      {t('alerts.sound')}
    </label>
  );
}

/** New and upgraded alerts, announced visibly (an ARIA live region) and audibly when switched on. */
function Announcements({ city }: { city: City }) {
  const [items, setItems] = useState<AlertNotice[]>([]);
  const sound = useObservable(soundOn);
  useEffect(
    () =>
      city.announcements.subscribe((n) => {
        if (!n) return;
        setItems((xs) => [n, ...xs.filter((x) => x.alert.id !== n.alert.id)].slice(0, 4));
        if (sound) beep(n.alert.severity === 'red' ? 880 : 660);
        setTimeout(() => setItems((xs) => xs.filter((x) => x !== n)), 12_000);
      }),
    [city, sound],
  );
  return (
    <div class="announcements" aria-live="assertive" data-testid="announcements">
      {items.map((n) => (
        <a key={n.alert.id} class={`toast toast-${n.alert.severity}`} href={`#/alerts/${encodeURIComponent(n.alert.id)}`}>
          <SeverityBadge severity={n.alert.severity} /> {t('alerts.announce', { message: alertText(n.alert) })}
        </a>
      ))}
    </div>
  );
}

function beep(freq: number): void {
  const ctx = new AudioContext();
  const osc = ctx.createOscillator();
  osc.frequency.value = freq;
  osc.connect(ctx.destination);
  osc.start();
  osc.stop(ctx.currentTime + 0.25);
}

document.documentElement.lang = lang();
render(<App />, document.getElementById('app')!);
void checkSession();
