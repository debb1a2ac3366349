import { checkPath, type Airspace } from './airspace.js';
import type { DroneType } from './energy.js';
import { distanceM } from './geo/enu.js';
import type { LonLat } from './geo/types.js';

/** Dock states after DJI Cloud API / FlightHub 2 (drone-ops.md). */
export type DockStatus = 'offline' | 'idle' | 'charging' | 'preparing' | 'launching' | 'in_mission' | 'returning' | 'landing' | 'maintenance';

export interface DockWeather {
  windMps: number;
  rain?: boolean;
}

export interface DockState {
  id: string;
  pos: LonLat;
  status: DockStatus;
  droneInDock: boolean;
  droneTypeId: string;
  /** Battery of the drone in the dock, percent. */
  batteryPct: number;
  /** The dock's own weather station; falls back to `opts.weather`. */
  weather?: DockWeather;
  /** Epoch ms of the last state report (docks report at least every 2 s). */
  reportedAt?: number;
}

export interface DockChoiceOptions {
  now: number;
  weather?: DockWeather;
  /** Transit altitude, m (default 60). */
  altM?: number;
  /** Time on site (hover/orbit), s (default 60). */
  onSiteS?: number;
  /** A report older than this makes the dock unusable (default 10 s = 5 missed reports). */
  staleAfterMs?: number;
  /** When given, the straight out-and-back flight must pass `checkPath`. */
  airspace?: Airspace;
}

export type DockRejectCode = 'offline' | 'maintenance' | 'busy' | 'no_drone' | 'unknown_drone_type' | 'stale' | 'wind' | 'rain' | 'altitude' | 'battery' | 'airspace';

export interface DockCandidate {
  dockId: string;
  distanceM: number;
  /** Take-off climb plus cruise to the target. */
  etaS: number;
  roundTripS: number;
  /** Battery the round trip needs, including the drone type's reserve. */
  batteryNeededPct: number;
}

export interface DockRejection {
  dockId: string;
  reasons: { code: DockRejectCode; message: string }[];
}

export interface DockChoice {
  chosen?: DockCandidate;
  ranked: DockCandidate[];
  rejected: DockRejection[];
}

/**
 * The nearest available dock by flight time (drone-ops.md "Dock choice"): idle, drone in the dock, a
 * fresh report, wind under the drone type's limit and no rain, battery enough for the round trip plus
 * reserve, and (if an airspace is given) a clear straight flight. Every rejected dock lists all reasons.
 */
export function chooseDock(target: LonLat, docks: DockState[], droneTypes: Record<string, DroneType>, opts: DockChoiceOptions): DockChoice {
  const ranked: DockCandidate[] = [];
  const rejected: DockRejection[] = [];
  for (const dock of docks) {
    const r = assessDock(target, dock, droneTypes[dock.droneTypeId], opts);
    if ('reasons' in r) rejected.push(r);
    else ranked.push(r);
  }
  ranked.sort((a, b) => a.etaS - b.etaS || (a.dockId < b.dockId ? -1 : 1));
  return { ...(ranked[0] ? { chosen: ranked[0] } : {}), ranked, rejected };
}

function assessDock(target: LonLat, dock: DockState, drone: DroneType | undefined, opts: DockChoiceOptions): DockCandidate | DockRejection {
  const reasons: DockRejection['reasons'] = [];
  const no = (code: DockRejectCode, message: string): void => {
    reasons.push({ code, message });
  };
  if (dock.status === 'offline') no('offline', 'dock is offline');
  else if (dock.status === 'maintenance') no('maintenance', 'dock is in maintenance');
  else if (dock.status !== 'idle') no('busy', `dock is ${dock.status}`);
  if (!dock.droneInDock) no('no_drone', 'no drone in the dock');
  const staleAfter = opts.staleAfterMs ?? 10_000;
  if (dock.reportedAt !== undefined && opts.now - dock.reportedAt > staleAfter) no('stale', `last report ${Math.round((opts.now - dock.reportedAt) / 1000)} s ago`);
  const distance = distanceM(dock.pos, target);
  if (!drone) {
    no('unknown_drone_type', `unknown drone type ${dock.droneTypeId}`);
    return { dockId: dock.id, reasons };
  }
  const weather = dock.weather ?? opts.weather;
  if (weather && weather.windMps >= drone.windLimitMps) no('wind', `wind ${weather.windMps} m/s at or above the ${drone.windLimitMps} m/s limit`);
  if (weather?.rain) no('rain', 'raining at the dock');
  const altM = opts.altM ?? 60;
  if (altM > drone.maxAltM) no('altitude', `transit altitude ${altM} m above the drone's ${drone.maxAltM} m`);
  const etaS = altM / drone.climbMps + distance / drone.cruiseMps;
  const roundTripS = etaS + (opts.onSiteS ?? 60) + distance / drone.cruiseMps + altM / drone.descentMps;
  const batteryNeededPct = (roundTripS / drone.enduranceS) * 100 + drone.reservePct;
  if (batteryNeededPct > dock.batteryPct) no('battery', `needs ${batteryNeededPct.toFixed(1)} % (round trip + ${drone.reservePct} % reserve), has ${dock.batteryPct} %`);
  if (opts.airspace) {
    const up = { ...dock.pos, altM };
    const path = [{ ...dock.pos, altM: 0 }, up, { ...target, altM }, up, { ...dock.pos, altM: 0 }];
    const check = checkPath(opts.airspace, path, { at: opts.now, durationMs: roundTripS * 1000 });
    if (!check.ok) no('airspace', check.violations.map((v) => v.message).join('; '));
  }
  if (reasons.length > 0) return { dockId: dock.id, reasons };
  return { dockId: dock.id, distanceM: distance, etaS, roundTripS, batteryNeededPct };
}
