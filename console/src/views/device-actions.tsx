/**
 * What may be done to a device: issue a new secret (the old one may overlap for a while, for a fleet
 * being re-flashed), revoke it (the broker disconnects the device), and send a command. Secrets are shown
 * once, as the API returns them.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText, get, post, seg } from '../api.js';
import { NoticeLine, type Notice } from '../components.js';
import { dateTime } from '../format.js';
import { t } from '../i18n/index.js';
import type { Contract, DeviceDetailBody } from './device-detail.js';

const OVERLAPS = [0, 3_600_000, 86_400_000];

export function Credentials({ device, onChanged }: { device: DeviceDetailBody; onChanged: () => void }) {
  const [overlapMs, setOverlapMs] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<{ username: string; password: string; oldValidUntil?: number | null } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const rotate = async () => {
    try {
      setSecret(await post<{ username: string; password: string; oldValidUntil: number | null }>(`/api/v1/devices/${seg(device.id)}/credentials/rotate`, { overlapMs }));
      setNotice({ ok: true, text: t('device.rotated') });
      onChanged();
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  const revoke = async () => {
    try {
      await post(`/api/v1/devices/${seg(device.id)}/revoke`);
      setConfirming(false);
      setNotice({ ok: true, text: t('device.revoked') });
      onChanged();
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  return (
    <section class="panel-box" data-testid="device-credentials">
      <h3>{t('device.credentials')}</h3>
      <div class="row">
        <label>
          {t('device.overlap')}{' '}
          <select value={overlapMs} onChange={(e) => setOverlapMs(Number(e.currentTarget.value))}>
            {OVERLAPS.map((ms) => <option key={ms} value={ms}>{ms === 0 ? t('device.overlap.none') : ms === 3_600_000 ? t('range.1h') : t('range.24h')}</option>)}
          </select>
        </label>
        <button onClick={() => void rotate()} data-testid="device-rotate">{t('device.rotate')}</button>
        {confirming ? (
          <>
            <button class="danger" onClick={() => void revoke()} data-testid="device-revoke-confirm">{t('device.revokeConfirm')}</button>
            <button onClick={() => setConfirming(false)}>{t('action.cancel')}</button>
          </>
        ) : (
          <button class="danger" disabled={device.revokedAt !== null} onClick={() => setConfirming(true)} data-testid="device-revoke">{t('device.revoke')}</button>
        )}
      </div>
      {secret ? (
        <p class="secret" data-testid="device-secret">
          {t('device.secretOnce')} <code>{secret.username}</code> / <code>{secret.password}</code>
          {secret.oldValidUntil ? ` · ${t('device.oldUntil', { at: dateTime(secret.oldValidUntil) })}` : ''}
        </p>
      ) : null}
      <NoticeLine notice={notice} />
    </section>
  );
}

const COMMAND_PATH = '/api/v1/devices/{id}/commands/{name}';

/** Whether this platform offers the command route (its OpenAPI document lists it). */
function useCommandRoute(): boolean | undefined {
  const [has, setHas] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    get<{ paths?: Record<string, unknown> }>('/openapi.json').then((d) => setHas(Object.keys(d.paths ?? {}).some((p) => p.replace(/:(\w+)/g, '{$1}') === COMMAND_PATH)), () => setHas(false));
  }, []);
  return has;
}

function commandNames(contract: Contract | undefined): string[] {
  const c = contract?.['commands'];
  const names = Array.isArray(c) ? c.map((x) => (typeof x === 'string' ? x : String((x as { name?: unknown }).name))) : c && typeof c === 'object' ? Object.keys(c) : [];
  return names.length > 0 ? names : ['reboot', 'set_interval', 'selftest'];
}

export function CommandForm({ device, contract }: { device: DeviceDetailBody; contract: Contract | undefined }) {
  const available = useCommandRoute();
  const names = commandNames(contract);
  const [name, setName] = useState(names[0] ?? 'reboot');
  const [params, setParams] = useState('{}');
  const [notice, setNotice] = useState<Notice | null>(null);
  const send = async () => {
    try {
      // The route's body is `{params, timeoutMs}`; the box holds the parameters only.
      const r = await post<{ reply: { ok: boolean; message?: string; data?: unknown } }>(`/api/v1/devices/${seg(device.id)}/commands/${seg(name)}`, { params: JSON.parse(params || '{}') as unknown });
      const { ok, message, data } = r.reply;
      const text = [message, data === undefined ? undefined : JSON.stringify(data)].filter((x) => x !== undefined).join(' · ');
      setNotice({ ok, text: t(ok ? 'device.commandDone' : 'device.commandRefused', { reply: text || '—' }) });
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  return (
    <section class="panel-box" data-testid="device-command" data-available={String(available ?? '')}>
      <h3>{t('device.command')}</h3>
      <div class="row">
        <select value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="device-command-name">
          {/* The contract's command names: ids a firmware author reads in docs/contracts.md, shown as they are. */}
          {names.map((n) => <option key={n} value={n} data-raw>{n}</option>)}
        </select>
        <input value={params} onInput={(e) => setParams(e.currentTarget.value)} aria-label={t('device.params')} placeholder='{"seconds": 60}' data-testid="device-command-params" />
        <button onClick={() => void send()} disabled={available !== true || device.revokedAt !== null} data-testid="device-command-send">{t('device.send')}</button>
      </div>
      {available === false ? <p class="muted small">{t('device.commandUnavailable')}</p> : null}
      <NoticeLine notice={notice} testid="device-command-result" />
    </section>
  );
}
