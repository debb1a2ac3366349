/**
 * The DroneLink conformance suite (style.md "Boundaries": one suite per port, run against every adapter).
 * It flies a mission built by the planner (`buildMission`) through the port and checks what the port
 * documents in drone-link.ts and drone-ops.md: phases in order, progress per item, telemetry along the
 * route with a falling battery, one `landed` at home; return-to-launch mid-mission; a refused upload;
 * a failure in flight. Faults are injected through the harness where the adapter supports them; an
 * adapter that cannot inject one must say why, and the test asserts it said so (nothing skipped).
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import type { DroneType } from '../energy.js';
import { LocalPlane } from '../geo/enu.js';
import { distToSegment } from '../geo/plane.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import { buildMission, type MissionItem } from '../planner/mission.js';
import { planWaypoints } from '../planner/point.js';
import type { DroneLink, DroneLinkEvent, FlightPhase } from './drone-link.js';

export type DroneLinkFault = 'refuseUpload' | 'failInFlight';

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
  };
  /** For each fault absent from `faults`: why this adapter cannot inject it. */
  unsupported?: Partial<Record<DroneLinkFault, string>>;
  close(): Promise<void>;
}

/** A small multicopter; only the mission's estimates use it, the vehicle flies its own model. */
const DRONE: DroneType = { id: 'conformance', cruiseMps: 12, climbMps: 5, descentMps: 3, enduranceS: 2400, reservePct: 20, windLimitMps: 12, maxAltM: 120 };
const ALT_M = 25;
/** How far (horizontally) a reported position may be from the planned track: GPS-free sim, but corners are cut. */
const TRACK_TOLERANCE_M = 15;

/** Waypoints (metres east/north of home) → the planner's mission items (item 0 home, take-off, …, RTL). */
function missionAround(home: LonLatAlt, corners: [number, number][]): { items: MissionItem[]; track: LonLat[] } {
  const plane = new LocalPlane(home);
  const points = corners.map(([x, y]) => ({ ...plane.toLonLat({ x, y }), altM: ALT_M }));
  return { items: buildMission(home, planWaypoints(points), DRONE).items, track: [home, ...points, home] };
}

/** Horizontal distance from `p` to the polyline `track`, in metres. */
function offTrackM(home: LonLat, track: LonLat[], p: LonLat): number {
  const plane = new LocalPlane(home);
  const q = plane.toXY(p);
  const xy = track.map((t) => plane.toXY(t));
  let best = Infinity;
  for (let i = 1; i < xy.length; i++) best = Math.min(best, distToSegment(q, xy[i - 1] ?? q, xy[i] ?? q));
  return best;
}

/** Every event of the harness's drone, in arrival order. */
function record(h: DroneLinkHarness): { events: DroneLinkEvent[]; stop: () => void } {
  const events: DroneLinkEvent[] = [];
  const stop = h.link.on((e) => {
    if (e.droneId === h.droneId) events.push(e);
  });
  return { events, stop };
}

/** The next event of the drone matching `pred`; rejects naming what it waited for. */
function next<T extends DroneLinkEvent['type']>(h: DroneLinkHarness, type: T, pred: (e: Extract<DroneLinkEvent, { type: T }>) => boolean = () => true, timeoutMs = 15_000): Promise<Extract<DroneLinkEvent, { type: T }>> {
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

const of = <T extends DroneLinkEvent['type']>(events: DroneLinkEvent[], type: T) => events.filter((e): e is Extract<DroneLinkEvent, { type: T }> => e.type === type);

/** Phases as changes, without the on-ground state before take-off and after touchdown (adapters differ on reporting it). */
function phaseChanges(events: DroneLinkEvent[]): FlightPhase[] {
  const out: FlightPhase[] = [];
  for (const e of of(events, 'phase')) if (out[out.length - 1] !== e.phase) out.push(e.phase);
  while (out[0] === 'on_ground') out.shift();
  while (out[out.length - 1] === 'on_ground') out.pop();
  return out;
}

/** Runs `body` with a fresh harness and closes it, whatever happens. */
async function withHarness(make: () => Promise<DroneLinkHarness>, body: (h: DroneLinkHarness) => Promise<void>): Promise<void> {
  const h = await make();
  try {
    await body(h);
  } finally {
    await h.close();
  }
}

export function describeDroneLink(name: string, make: () => Promise<DroneLinkHarness>): void {
  describe(`DroneLink: ${name}`, () => {
    it('flies an uploaded mission: phases in order, progress per item, telemetry along the route, landed at home', () =>
      withHarness(make, async (h) => {
        const { items, track } = missionAround(h.home, [[80, 0], [80, 80], [0, 80]]);
        const rec = record(h);
        await h.link.upload(h.droneId, items);
        const landed = next(h, 'landed');
        await h.link.start(h.droneId);
        const done = await landed;
        rec.stop();
        const flight = rec.events.slice(0, rec.events.indexOf(done) + 1);
        expect(phaseChanges(flight)).toEqual(['taking_off', 'in_flight', 'returning', 'landing']);
        // every item after home is reported in order, up to the RTL item (drone-link.ts "progress")
        const progress = of(flight, 'progress');
        expect(progress.map((p) => p.seq)).toEqual(items.slice(1, -1).map((i) => i.seq));
        expect(new Set(progress.map((p) => p.total))).toEqual(new Set([items.length]));
        const telemetry = of(flight, 'telemetry');
        expect(telemetry.length).toBeGreaterThanOrEqual(track.length - 2);
        for (const t of telemetry) expect(offTrackM(h.home, track, t.position)).toBeLessThan(TRACK_TOLERANCE_M);
        const battery = telemetry.map((t) => t.batteryPct);
        for (let i = 1; i < battery.length; i++) expect(battery[i]).toBeLessThanOrEqual(battery[i - 1] ?? Infinity);
        const [first, last] = [telemetry[0], telemetry[telemetry.length - 1]];
        if (!first || !last) throw new Error('no telemetry');
        expect(last.batteryPct).toBeLessThan(first.batteryPct);
        expect(offTrackM(h.home, [h.home, h.home], last.position)).toBeLessThan(10);
        expect(done.batteryPct).toBeLessThanOrEqual(first.batteryPct);
        expect(Math.abs(done.batteryPct - last.batteryPct)).toBeLessThanOrEqual(1);
        expect(of(flight, 'landed')).toHaveLength(1);
        expect(of(flight, 'failure')).toEqual([]);
      }));

    it('returns to launch mid-mission: no further items, landed at home', () =>
      withHarness(make, async (h) => {
        const { items } = missionAround(h.home, [[200, 0], [200, 200], [0, 200], [-200, 200], [-200, 0], [-200, -200]]);
        const rec = record(h);
        await h.link.upload(h.droneId, items);
        const reached = next(h, 'progress', (p) => p.seq >= 2);
        await h.link.start(h.droneId);
        await reached;
        const mark = rec.events.length;
        const landed = next(h, 'landed');
        await h.link.returnToLaunch(h.droneId);
        const done = await landed;
        rec.stop();
        const after = rec.events.slice(mark, rec.events.indexOf(done) + 1);
        expect(phaseChanges(after)).toContain('returning');
        expect(phaseChanges(after).slice(-1)).toEqual(['landing']);
        // the last waypoint before RTL (seq length − 2) is never reached
        expect(Math.max(...of(rec.events, 'progress').map((p) => p.seq))).toBeLessThan(items.length - 2);
        const last = of(after, 'telemetry').pop();
        if (!last) throw new Error('no telemetry after return-to-launch');
        expect(offTrackM(h.home, [h.home, h.home], last.position)).toBeLessThan(10);
      }));

    it('[fault refuseUpload] rejects a refused upload with a clear AppError, and uploads again afterwards', () =>
      withHarness(make, async (h) => {
        const { items } = missionAround(h.home, [[50, 0]]);
        if (!h.faults.refuseUploads) {
          expect(h.unsupported?.refuseUpload).toMatch(/\S/);
          return;
        }
        const restore = h.faults.refuseUploads();
        const err: unknown = await h.link.upload(h.droneId, items).then(() => undefined, (e: unknown) => e);
        if (!isAppError(err)) throw new Error(`expected an AppError, got ${String(err)}`);
        expect(err.code).toMatch(/^MAVLINK_(NACK|TIMEOUT)$/);
        expect(err.message).toMatch(/upload/i);
        restore();
        await h.link.upload(h.droneId, items);
      }));

    it('[fault failInFlight] reports a failure in flight as a failure event, and the flight ends landed', () =>
      withHarness(make, async (h) => {
        if (!h.faults.failInFlight) {
          expect(h.unsupported?.failInFlight).toMatch(/\S/);
          return;
        }
        const { items } = missionAround(h.home, [[200, 0], [200, 200], [0, 200], [0, 0], [200, 0]]);
        await h.link.upload(h.droneId, items);
        const reached = next(h, 'progress', (p) => p.seq >= 2);
        await h.link.start(h.droneId);
        await reached;
        const failure = next(h, 'failure');
        const landed = next(h, 'landed');
        h.faults.failInFlight();
        expect((await failure).reason).toMatch(/\S/);
        await landed;
      }));

    it('declares every fault either injectable or unsupported with a reason', async () => {
      const h = await make();
      try {
        for (const [fault, key] of [['refuseUpload', 'refuseUploads'], ['failInFlight', 'failInFlight']] as const) {
          expect(h.faults[key] !== undefined || (h.unsupported?.[fault] ?? '').trim() !== '', `${fault} neither injectable nor declared unsupported`).toBe(true);
        }
      } finally {
        await h.close();
      }
    });
  });
}
