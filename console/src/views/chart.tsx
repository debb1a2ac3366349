/** Readings around an alert's trigger (uPlot: small, fast, canvas), with the threshold drawn across. */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get, seg } from '../api.js';
import { timeAxis, timeSeries } from './chart-time.js';
import { t } from '../i18n/index.js';
import type { Alert } from '../types.js';

interface Readings {
  series?: Record<string, { ts: number; value: number | boolean }[]>;
}

const WINDOW_MS = 30 * 60_000;

export function AlertChart({ alert }: { alert: Alert }) {
  const el = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'empty' | 'ok'>('loading');
  const deviceId = alert.labels?.deviceId;
  useEffect(() => {
    if (!deviceId || !el.current) return setState('empty');
    let plot: uPlot | undefined;
    let cancelled = false;
    void (async () => {
      const rule = await get<{ metric?: string }>(`/api/v1/rules/${seg(alert.ruleId)}`).catch(() => undefined);
      const metric = rule?.metric;
      if (!metric) return setState('empty');
      const from = (alert.firstSeenAt ?? Date.now()) - WINDOW_MS;
      const to = Math.min(Date.now(), (alert.lastSeenAt ?? Date.now()) + WINDOW_MS);
      const r = await get<Readings>(`/api/v1/devices/${seg(deviceId)}/readings?metric=${encodeURIComponent(metric)}&from=${from}&to=${to + 1}`).catch(() => undefined);
      const points = (r?.series?.[metric] ?? []).filter((p): p is { ts: number; value: number } => typeof p.value === 'number');
      if (cancelled || !el.current) return;
      if (points.length === 0) return setState('empty');
      setState('ok');
      const threshold = typeof alert['values'] === 'object' ? (alert['values'] as Record<string, unknown>)['threshold'] : undefined;
      const xs = points.map((p) => p.ts / 1000);
      const ys = points.map((p) => p.value);
      const data: uPlot.AlignedData = typeof threshold === 'number' ? [xs, ys, xs.map(() => threshold)] : [xs, ys];
      plot = new uPlot(
        {
          width: el.current.clientWidth || 480,
          height: 200,
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
          scales: { x: { time: true, range: [from / 1000, to / 1000] } },
          series: [timeSeries(t('chart.time')), { label: metric, stroke: '#36c5f0', width: 2 }, ...(typeof threshold === 'number' ? [{ label: t('chart.threshold'), stroke: '#e5322d', dash: [6, 4] }] : [])],
          axes: [timeAxis(el.current), { stroke: '#9fb0c8' }],
        },
        data,
        el.current,
      );
    })();
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [alert.id, deviceId]);
  return (
    <div class="chart" data-testid="alert-chart">
      {state === 'empty' ? <p class="muted">{t('alert.noChart')}</p> : null}
      <div ref={el} />
    </div>
  );
}
