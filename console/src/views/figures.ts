/** The numbers a command hall watches, derived from the city state (no separate counters to drift). */
import type { City } from '../city.js';
import type { Severity } from '../types.js';

export interface DistrictRow {
  code: string;
  alerts: number;
  worst: Severity | null;
  devices: number;
  online: number;
}

export interface Figures {
  openBySeverity: Record<Severity, number>;
  openTotal: number;
  devices: number;
  online: number;
  airborne: number;
  missionsToday: number;
  docks: number;
  districts: DistrictRow[];
  tta: number | null;
  ttd: number | null;
  ttr: number | null;
}

const RANK: Record<Severity, number> = { blue: 0, yellow: 1, orange: 2, red: 3 };
const AIRBORNE = new Set(['taking_off', 'in_flight', 'returning']);

function startOfCityDay(now: number): number {
  // Asia/Shanghai has no daylight saving: UTC+8 all year.
  const offset = 8 * 3600_000;
  return Math.floor((now + offset) / 86_400_000) * 86_400_000 - offset;
}

export function figures(city: City, now = Date.now()): Figures {
  const openBySeverity: Record<Severity, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
  const rows = new Map<string, DistrictRow>();
  const row = (code: string): DistrictRow => {
    let r = rows.get(code);
    if (!r) rows.set(code, (r = { code, alerts: 0, worst: null, devices: 0, online: 0 }));
    return r;
  };
  for (const f of city.districts.features) row(String(f.id ?? f.properties?.['id']));
  for (const a of city.activeAlerts()) {
    openBySeverity[a.severity]++;
    const r = row(a.labels?.district ?? '');
    r.alerts++;
    if (r.worst === null || RANK[a.severity] > RANK[r.worst]) r.worst = a.severity;
  }
  let online = 0;
  for (const d of city.devices.values()) {
    const r = row(d.district ?? '');
    r.devices++;
    if (d.online) {
      online++;
      r.online++;
    }
  }
  const dayStart = startOfCityDay(now);
  let missionsToday = 0;
  for (const m of city.missions.values()) if ((m.createdAt ?? now) >= dayStart) missionsToday++;
  const median = (k: string): number | null => {
    const v = (city.kpis[k] as { medianMs?: number | null } | undefined)?.medianMs;
    return typeof v === 'number' ? v : null;
  };
  return {
    openBySeverity,
    openTotal: Object.values(openBySeverity).reduce((a, b) => a + b, 0),
    devices: city.devices.size,
    online,
    airborne: [...city.drones.values()].filter((d) => AIRBORNE.has(d.phase ?? '')).length,
    missionsToday,
    docks: city.docks.size,
    districts: [...rows.values()].filter((r) => r.code !== '' || r.devices > 0 || r.alerts > 0),
    tta: median('tta'),
    ttd: median('ttd'),
    ttr: median('ttr'),
  };
}
