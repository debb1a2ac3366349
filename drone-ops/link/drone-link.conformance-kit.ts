/** The DroneLink conformance suite's harness and helpers (drone-link.conformance*.ts). */
import type { DroneType } from '../energy.js';
import { LocalPlane } from '../geo/enu.js';
import { distToSegment } from '../geo/plane.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import { buildMission, type MissionItem } from '../planner/mission.js';
import { planWaypoints } from '../planner/point.js';
import type { DroneLink, DroneLinkEvent, FlightPhase } from './drone-link.js';

export type DroneLinkFault = 'refuseUpload' | 'failInFlight' | 'refuseFence' | 'cutLink' | 'autopilotFailsafe';

export interface DroneLinkHarness {
  link: DroneLink;
  /** A docked drone on the link, ready to take a mission. */
  droneId: string;
  /** Its dock: where it takes off and lands. */
  home: LonLatAlt;
  faults: {
    /** The vehicle refuses every upload until the returned function is called. */
    refuseUploads?: () => () => void;
    /** The airborne vehicle fails now (a failsafe: it reports it and comes down). */
    failInFlight?: () => void;
    /** The vehicle refuses every fence upload until the returned function is called. */
    refuseFence?: () => () => void;
    /**
     * Cuts the link now and restores it later: `pastFailsafe` false = long enough for the ground to call
     * it lost, shorter than the vehicle's lost-link timer; true = long enough for the vehicle to act.
     */
    cutLink?: (pastFailsafe: boolean) => void;
    /** The autopilot's own failsafe (e.g. wind above its limit): it switches to RTL by itself. */
    autopilotFailsafe?: () => void;
  };
  /** What the vehicle holds on board after prepare(): fence polygon vertices and rally points. */
  onboard(): { fenceVertices: number; rally: number };
  /** For each fault absent from `faults`: why this adapter cannot inject it. */
  unsupported?: Partial<Record<DroneLinkFault, string>>;
  close(): Promise<void>;
}

/** A small multicopter; only the mission's estimates use it, the vehicle flies its own model. */
export const DRONE: DroneType = { id: 'conformance', cruiseMps: 12, climbMps: 5, descentMps: 3, enduranceS: 2400, reservePct: 20, windLimitMps: 12, maxAltM: 120 };
export const ALT_M = 25;
/** How far (horizontally) a reported position may be from the planned track: GPS-free sim, but corners are cut. */
export const TRACK_TOLERANCE_M = 15;

/** Waypoints (metres east/north of home) → the planner's mission items (item 0 home, take-off, …, RTL). */
export function missionAround(home: LonLatAlt, corners: [number, number][]): { items: MissionItem[]; track: LonLat[] } {
  const plane = new LocalPlane(home);
  const points = corners.map(([x, y]) => ({ ...plane.toLonLat({ x, y }), altM: ALT_M }));
  return { items: buildMission(home, planWaypoints(points), DRONE).items, track: [home, ...points, home] };
}

/** Horizontal distance from `p` to the polyline `track`, in metres. */
export function offTrackM(home: LonLat, track: LonLat[], p: LonLat): number {
  const plane = new LocalPlane(home);
  const q = plane.toXY(p);
  const xy = track.map((t) => plane.toXY(t));
  let best = Infinity;
  for (let i = 1; i < xy.length; i++) best = Math.min(best, distToSegment(q, xy[i - 1] ?? q, xy[i] ?? q));
  return best;
}

/** Every event of the harness's drone, in arrival order. */
export function record(h: DroneLinkHarness): { events: DroneLinkEvent[]; stop: () => void } {
  const events: DroneLinkEvent[] = [];
  const stop = h.link.on((e) => {
    if (e.droneId === h.droneId) events.push(e);
  });
  return { events, stop };
}

/** The next event of the drone matching `pred`; rejects naming what it waited for. */
export function next<T extends DroneLinkEvent['type']>(h: DroneLinkHarness, type: T, pred: (e: Extract<DroneLinkEvent, { type: T }>) => boolean = () => true, timeoutMs = 15_000): Promise<Extract<DroneLinkEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no '${type}' event from ${h.droneId} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = h.link.on((e) => {
      if (e.droneId !== h.droneId || e.type !== type) return;
      const m = e as Extract<DroneLinkEvent, { type: T }>;
      if (!pred(m)) return;
      clearTimeout(t);
      off();
      resolve(m);
    });
  });
}

export const of = <T extends DroneLinkEvent['type']>(events: DroneLinkEvent[], type: T) => events.filter((e): e is Extract<DroneLinkEvent, { type: T }> => e.type === type);

/** Phases as changes, without the on-ground state before take-off and after touchdown (adapters differ on reporting it). */
export function phaseChanges(events: DroneLinkEvent[]): FlightPhase[] {
  const out: FlightPhase[] = [];
  for (const e of of(events, 'phase')) if (out[out.length - 1] !== e.phase) out.push(e.phase);
  while (out[0] === 'on_ground') out.shift();
  while (out[out.length - 1] === 'on_ground') out.pop();
  return out;
}

/** Runs `body` with a fresh harness and closes it, whatever happens. */
export async function withHarness(make: () => Promise<DroneLinkHarness>, body: (h: DroneLinkHarness) => Promise<void>): Promise<void> {
  const h = await make();
  try {
    await body(h);
  } finally {
    await h.close();
  }
}

