/** A rule's backtest (`POST /api/v1/rules/{id}/backtest`): the alerts it would have raised, per hour and severity. */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { errorText, post, seg } from '../api.js';
import { CITY_TZ, num } from '../format.js';
import { timeAxis, timeSeries } from './chart-time.js';
import { t } from '../i18n/index.js';
import { SEVERITIES, SEVERITY_COLOUR, type Severity } from '../types.js';

interface Backtest {
  alerts: { id: string; severity: string; status: string; firstSeenAt?: number; openedAt?: number; lastSeenAt?: number }[];
}

const HOUR = 3_600_000;

/** Alerts per hour bucket per severity, from `from` to `to`. */
export function perHour(alerts: Backtest['alerts'], from: number, to: number): uPlot.AlignedData {
  const start = Math.floor(from / HOUR) * HOUR;
  const n = Math.max(1, Math.ceil((to - start) / HOUR));
  const xs = Array.from({ length: n }, (_, i) => (start + i * HOUR) / 1000);
  const rows = SEVERITIES.map(() => new Array<number>(n).fill(0));
  for (const a of alerts) {
    const ts = a.firstSeenAt ?? a.openedAt ?? a.lastSeenAt;
    const s = SEVERITIES.indexOf(a.severity as Severity);
    if (ts === undefined || s < 0) continue;
    const i = Math.min(n - 1, Math.max(0, Math.floor((ts - start) / HOUR)));
    rows[s]![i]!++;
  }
  return [xs, ...rows];
}

export function BacktestChart({ ruleId }: { ruleId: string }) {
  const el = useRef<HTMLDivElement>(null);
  const [days, setDays] = useState(1);
  const [result, setResult] = useState<{ n: number; error?: string } | null>(null);
  const [run, setRun] = useState(0);
  useEffect(() => {
    if (run === 0 || !el.current) return;
    let plot: uPlot | undefined;
    const to = Date.now();
    const from = to - days * 86_400_000;
    setResult(null);
    post<Backtest>(`/api/v1/rules/${seg(ruleId)}/backtest?from=${from}&to=${to}`).then(
      (r) => {
        setResult({ n: r.alerts.length });
        if (!el.current) return;
        plot = new uPlot(
          {
            width: el.current.clientWidth || 520,
            height: 180,
            tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), CITY_TZ),
            series: [timeSeries(t('chart.time')), ...SEVERITIES.map((s) => ({ label: t(`severity.${s}`), stroke: SEVERITY_COLOUR[s], width: 2, paths: uPlot.paths.stepped?.({ align: 1 }) }))],
            axes: [timeAxis(el.current), { stroke: '#9fb0c8' }],
          },
          perHour(r.alerts, from, to),
          el.current,
        );
      },
      (e: unknown) => setResult({ n: 0, error: errorText(e) }),
    );
    return () => plot?.destroy();
  }, [run]);
  return (
    <div class="backtest" data-testid="backtest" data-alerts={result?.error ? '' : (result?.n ?? '')}>
      <h4>{t('rules.backtest')}</h4>
      <div class="row">
        <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          {[1, 7, 31].map((d) => <option key={d} value={d}>{t('rules.days', { n: d })}</option>)}
        </select>
        <button onClick={() => setRun(run + 1)} data-testid="backtest-run">{t('rules.runBacktest')}</button>
        <span class="muted small">{result ? (result.error ?? t('rules.wouldRaise', { n: num(result.n) })) : run > 0 ? t('common.loading') : ''}</span>
      </div>
      <div ref={el} />
    </div>
  );
}
