/**
 * The time axis of every chart in the console's language and the city's zone (console.md "Conventions"):
 * uPlot's own tick labels and legend are English ("Dec 3", "7:05pm"), so both are given here by Intl.
 * The tick labels are also kept on the chart's element (`data-x-ticks`): a canvas has no text a screen
 * reader, or a test, could read.
 */
import type uPlot from 'uplot';
import { CITY_TZ, dateTime } from '../format.js';
import { lang } from '../i18n/index.js';

const DAY_S = 86_400;

const fmt = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(lang(), { timeZone: CITY_TZ, hourCycle: 'h23', ...opts });

/** A calendar day in the city zone (the key that tells two ticks' days apart). */
const dayOf = (s: number): string => fmt({ year: 'numeric', month: '2-digit', day: '2-digit' }).format(s * 1000);

/** Tick labels: the date for day steps; the time otherwise, with the date under the first tick of each day. */
export function timeTicks(splits: number[], incrS: number): string[] {
  const date = fmt({ month: 'short', day: 'numeric' });
  if (incrS >= DAY_S) return splits.map((s) => date.format(s * 1000));
  const time = fmt(incrS < 60 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
  return splits.map((s, i) => {
    const t = time.format(s * 1000);
    return i === 0 || dayOf(s) !== dayOf(splits[i - 1]!) ? `${t}\n${date.format(s * 1000)}` : t;
  });
}

/** The x axis of a time chart (dark theme stroke), its labels by `timeTicks`, mirrored on `el`. */
export function timeAxis(el: HTMLElement): uPlot.Axis {
  return {
    stroke: '#9fb0c8',
    values: (_u, splits, _axis, _space, incr) => {
      const labels = timeTicks(splits, incr);
      el.dataset['xTicks'] = labels.join(' | ');
      return labels;
    },
  };
}

/** The x series: its legend value is the full time in the city zone with the offset. */
export function timeSeries(label: string): uPlot.Series {
  return { label, value: (_u, v) => (v === null || v === undefined ? '' : dateTime(v * 1000)) };
}
