/**
 * One device: what it is and where, its state, the latest values, readings charts (range picker, raw or
 * downsampled), the presence timeline, the last contract violation, its firmware contract, credential
 * rotation and revocation, and commands — each action only for a role that may take it.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText, get, seg } from '../api.js';
import type { City } from '../city.js';
import { NoticeLine, type Notice } from '../components.js';
import { ago, dateTime } from '../format.js';
import { lang, t, tValue } from '../i18n/index.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import type { Device } from '../types.js';
import { CommandForm, Credentials } from './device-actions.js';
import { PresenceTimeline } from './presence-timeline.js';
import { ReadingsChart } from './readings-chart.js';

export interface DeviceDetailBody extends Device {
  asset?: string | null;
  tags?: string[];
  fw?: string | null;
  latest: Record<string, { ts: number; value: number | boolean }> | null;
}

export interface Contract {
  kind: string;
  version: string | number;
  [key: string]: unknown;
}

export function DeviceDetail({ city, version, id }: { city: City; version: number; id: string }) {
  const me = useObservable(session);
  const [device, setDevice] = useState<DeviceDetailBody | null | undefined>(undefined);
  const [contracts, setContracts] = useState<Contract[]>([]);
  const [notice, setNotice] = useState<Notice | null>(null);
  const live = city.devices.get(id);
  const reload = () =>
    get<DeviceDetailBody>(`/api/v1/devices/${seg(id)}`).then(setDevice, (e: unknown) => (e instanceof ApiError && e.status === 404 ? setDevice(null) : setNotice({ ok: false, text: errorText(e) })));
  useEffect(() => void reload(), [id, live?.online, live?.revokedAt]);
  useEffect(() => {
    get<{ items: Contract[] }>('/api/v1/contracts').then((r) => setContracts(r.items), () => setContracts([]));
  }, []);
  if (device === undefined) return <p class="page muted">{t('common.loading')}</p>;
  if (device === null) return <p class="page error" data-testid="device-not-found">{t('device.notFound')}</p>;
  const contract = contracts.filter((c) => c.kind === device.kind);
  const state = device.revokedAt !== null ? 'revoked' : !device.online ? 'offline' : city.devicesInAlert().has(device.id) ? 'alert' : 'ok';
  void version;
  return (
    <div class="page device-detail" data-testid="device-detail" data-device-id={device.id} data-state={state}>
      <header class="row">
        <a href="#/devices">← {t('nav.devices')}</a>
        <h2>{device.name ? `${device.id} · ${device.name}` : device.id}</h2>
        <span class={`state state-${state}`}>{t(`state.${state}`)}</span>
      </header>
      <div class="detail-grid">
        <section>
          <dl>
            <dt>{t('devices.col.kind')}</dt><dd>{tValue('kind', device.kind)}</dd>
            <dt>{t('devices.col.district')}</dt><dd>{city.districtName(device.district, lang()) || t('common.none')}</dd>
            <dt>{t('device.location')}</dt><dd>{device.location.lon.toFixed(6)}, {device.location.lat.toFixed(6)}</dd>
            <dt>{t('device.asset')}</dt><dd>{device.asset ?? t('common.none')}</dd>
            <dt>{t('device.fw')}</dt><dd>{device.fw ?? t('common.none')}</dd>
            <dt>{t('devices.col.lastSeen')}</dt><dd>{dateTime(device.lastSeenAt)} ({ago(device.lastSeenAt)})</dd>
            <dt>{t('device.revokedAt')}</dt><dd>{device.revokedAt === null ? t('common.none') : dateTime(device.revokedAt)}</dd>
          </dl>
          <h3>{t('device.latest')}</h3>
          <table class="list" data-testid="device-latest">
            <tbody>
              {Object.entries(device.latest ?? {}).map(([m, p]) => (
                <tr key={m}><td>{m}</td><td>{String(p.value)}</td><td class="muted">{dateTime(p.ts)}</td></tr>
              ))}
            </tbody>
          </table>
          <h3>{t('device.violation')}</h3>
          <p data-testid="device-violation">
            {device.lastViolation ? `${device.lastViolation.code}${device.lastViolation.message ? `: ${device.lastViolation.message}` : ''} · ${dateTime(device.lastViolation.at)}` : t('device.noViolation')}
          </p>
          <h3>{t('device.presence')}</h3>
          <PresenceTimeline deviceId={device.id} online={live?.online ?? device.online} />
          <h3>{t('device.contract')}</h3>
          {contract.length === 0 ? <p class="muted">{t('common.none')}</p> : contract.map((c) => <ContractView key={String(c.version)} contract={c} />)}
        </section>
        <section>
          <h3>{t('device.readings')}</h3>
          <ReadingsChart deviceId={device.id} metrics={Object.keys(device.latest ?? {})} />
          {can(me, 'credentials:write') ? <Credentials device={device} onChanged={() => void reload()} /> : null}
          {can(me, 'devices:command') ? <CommandForm device={device} contract={contract[contract.length - 1]} /> : null}
          <NoticeLine notice={notice} />
        </section>
      </div>
    </div>
  );
}

/** The firmware contract as the API gives it (metrics with units and ranges, interval, commands). */
function ContractView({ contract }: { contract: Contract }) {
  const { kind, version, ...rest } = contract;
  return (
    <details class="contract" data-testid="device-contract" open>
      <summary>{tValue('kind', String(kind))} · v{String(version)}</summary>
      <pre class="small" data-raw>{JSON.stringify(rest, null, 1)}</pre>
    </details>
  );
}
