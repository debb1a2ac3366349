/**
 * A device's presence timeline (GET /devices/{id}/presence): a bar of its online and offline stretches
 * over the chosen range, and the stretches listed newest first. Re-read when the stream says the device
 * came or went.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText, get, seg } from '../api.js';
import { dateTime, duration } from '../format.js';
import { t } from '../i18n/index.js';
import { STATE_COLOUR } from '../map/layers.js';
import { RANGES } from './readings-chart.js';

interface Interval {
  online: boolean;
  startAt: number;
  endAt: number;
}

export function PresenceTimeline({ deviceId, online }: { deviceId: string; online: boolean }) {
  const [range, setRange] = useState(2);
  const [data, setData] = useState<{ from: number; to: number; intervals: Interval[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const to = Date.now();
    const q = new URLSearchParams({ from: String(to - RANGES[range]!.ms), to: String(to) });
    get<{ from: number; to: number; intervals: Interval[] }>(`/api/v1/devices/${seg(deviceId)}/presence?${q.toString()}`).then(
      (r) => (setData(r), setError(null)),
      (e: unknown) => setError(errorText(e)),
    );
  }, [deviceId, range, online]);
  const span = data ? data.to - data.from : 1;
  return (
    <div class="presence" data-testid="device-presence">
      <select value={range} onChange={(e) => setRange(Number(e.currentTarget.value))} aria-label={t('device.range')}>
        {RANGES.map((r, i) => <option key={r.key} value={i}>{t(r.key)}</option>)}
      </select>
      {error ? <p class="error">{error}</p> : null}
      <div class="presence-bar" role="img" aria-label={t('device.presence')}>
        {/* Before the device existed: nothing to show, the bar starts where its timeline does. */}
        {data && data.intervals.length > 0 ? <span class="before" style={{ width: `${((data.intervals[0]!.startAt - data.from) / span) * 100}%` }} /> : null}
        {data?.intervals.map((i) => (
          <span key={i.startAt} style={{ width: `${((i.endAt - i.startAt) / span) * 100}%`, background: i.online ? STATE_COLOUR.ok : STATE_COLOUR.offline }} title={`${t(i.online ? 'overview.online' : 'state.offline')} ${dateTime(i.startAt)}`} />
        ))}
      </div>
      <ul class="timeline">
        {[...(data?.intervals ?? [])].reverse().map((i) => (
          <li key={i.startAt} data-online={String(i.online)}>
            <time>{dateTime(i.startAt)}</time> {t(i.online ? 'device.onlineFor' : 'device.offlineFor', { d: duration(i.endAt - i.startAt) })}
          </li>
        ))}
      </ul>
    </div>
  );
}
