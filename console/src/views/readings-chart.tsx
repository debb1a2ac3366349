/**
 * A device's readings (Grafana's habit, console.md): one range picker, raw points or the API's
 * downsampled buckets (`every`: mean with min and max), drawn by uPlot in the city's zone.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { errorText, get, seg } from '../api.js';
import { CITY_TZ } from '../format.js';
import { timeAxis, timeSeries } from './chart-time.js';
import { t, type MessageKey } from '../i18n/index.js';

interface Readings {
  series?: Record<string, { ts: number; value: number | boolean }[]>;
  buckets?: { ts: number; mean: number; min: number; max: number; count?: number }[];
}

export const RANGES: { key: MessageKey; ms: number; every: string }[] = [
  { key: 'range.1h', ms: 3_600_000, every: '30s' },
  { key: 'range.6h', ms: 6 * 3_600_000, every: '2m' },
  { key: 'range.24h', ms: 86_400_000, every: '5m' },
  { key: 'range.7d', ms: 7 * 86_400_000, every: '1h' },
];

export type Mode = 'raw' | 'downsampled';

function query(deviceId: string, metric: string, rangeMs: number, every: string, mode: Mode): string {
  const to = Date.now();
  const q = new URLSearchParams({ metric, from: String(to - rangeMs), to: String(to) });
  if (mode === 'downsampled') q.set('every', every);
  else q.set('limit', '5000');
  return `/api/v1/devices/${seg(deviceId)}/readings?${q}`;
}

function toData(r: Readings, metric: string, mode: Mode): uPlot.AlignedData {
  if (mode === 'downsampled') {
    const b = r.buckets ?? [];
    return [b.map((x) => x.ts / 1000), b.map((x) => x.mean), b.map((x) => x.min), b.map((x) => x.max)];
  }
  const pts = (r.series?.[metric] ?? []).map((p) => [p.ts / 1000, typeof p.value === 'boolean' ? Number(p.value) : p.value] as const);
  return [pts.map((p) => p[0]), pts.map((p) => p[1])];
}

export function ReadingsChart({ deviceId, metrics }: { deviceId: string; metrics: string[] }) {
  const el = useRef<HTMLDivElement>(null);
  const [metric, setMetric] = useState(metrics[0] ?? '');
  const [range, setRange] = useState(0);
  const [mode, setMode] = useState<Mode>('downsampled');
  const [state, setState] = useState<{ points: number; error?: string } | null>(null);
  useEffect(() => {
    if (!metric || !el.current) return;
    let plot: uPlot | undefined;
    let cancelled = false;
    const r = RANGES[range]!;
    get<Readings>(query(deviceId, metric, r.ms, r.every, mode)).then(
      (res) => {
        if (cancelled || !el.current) return;
        const data = toData(res, metric, mode);
        setState({ points: data[0].length });
        const series: uPlot.Series[] = mode === 'downsampled'
          ? [timeSeries(t('chart.time')), { label: t('chart.mean', { metric }), stroke: '#36c5f0', width: 2 }, { label: t('chart.min'), stroke: '#4a6fa5', dash: [4, 4] }, { label: t('chart.max'), stroke: '#f08c00', dash: [4, 4] }]
          : [timeSeries(t('chart.time')), { label: metric, stroke: '#36c5f0', width: 1.5, points: { show: data[0].length < 200 } }];
        plot = new uPlot(
          {
            width: el.current.clientWidth || 560,
            height: 220,
            tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), CITY_TZ),
            scales: { x: { time: true, range: [(Date.now() - r.ms) / 1000, Date.now() / 1000] } },
            series,
            axes: [timeAxis(el.current), { stroke: '#9fb0c8' }],
          },
          data,
          el.current,
        );
      },
      (e: unknown) => !cancelled && setState({ points: 0, error: errorText(e) }),
    );
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [deviceId, metric, range, mode]);
  if (metrics.length === 0) return <p class="muted">{t('alert.noChart')}</p>;
  return (
    <div class="chart" data-testid="readings-chart" data-mode={mode} data-points={state?.points ?? ''}>
      <div class="filters">
        <select value={metric} onChange={(e) => setMetric(e.currentTarget.value)} data-testid="readings-metric">
          {metrics.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
        <span class="segmented" role="group" aria-label={t('device.range')}>
          {RANGES.map((x, i) => (
            <button key={x.key} class={i === range ? 'active' : ''} onClick={() => setRange(i)} data-range={x.key}>{t(x.key)}</button>
          ))}
        </span>
        <label>
          <input type="checkbox" checked={mode === 'raw'} onChange={(e) => setMode(e.currentTarget.checked ? 'raw' : 'downsampled')} data-testid="readings-raw" />
          {t('device.raw')}
        </label>
        <span class="muted small">{state ? (state.error ?? t(mode === 'raw' ? 'device.points' : 'device.buckets', { n: state.points })) : t('common.loading')}</span>
      </div>
      <div ref={el} />
    </div>
  );
}
