/** Launch conditions checked at launch time (drone-ops.md task kinds: "conditional (battery ≥ x, time window, weather)"). */
import { DEFAULT_TZ } from '../scheduler/scheduler.js';
import type { LaunchConditions } from './types.js';

/** Minutes since local midnight in `tz` at `at`. */
export function minutesInZone(at: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

function hhmm(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Why the conditions do not hold now, or undefined when they do. */
export function unmetCondition(c: LaunchConditions | undefined, s: { at: number; batteryPct: number; windMps: number | null }): string | undefined {
  if (!c) return undefined;
  if (c.minBatteryPct !== undefined && s.batteryPct < c.minBatteryPct) return `battery ${s.batteryPct} % below the required ${c.minBatteryPct} %`;
  if (c.maxWindMps !== undefined && s.windMps !== null && s.windMps > c.maxWindMps) return `wind ${s.windMps} m/s above the condition's ${c.maxWindMps} m/s`;
  if (c.window) {
    const now = minutesInZone(s.at, c.window.tz ?? DEFAULT_TZ);
    const [a, b] = [hhmm(c.window.start), hhmm(c.window.end)];
    const inside = a <= b ? now >= a && now < b : now >= a || now < b;
    if (!inside) return `outside the launch window ${c.window.start}–${c.window.end} (${c.window.tz ?? DEFAULT_TZ})`;
  }
  return undefined;
}
