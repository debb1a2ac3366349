/**
 * DroneLink conformance, contingencies (drone-ops.md "Contingencies"): items without a home placeholder
 * and with a commanded speed, on-board fence and rally (accepted, invalid, refused), a planned return
 * route, holding position, a link that is lost and restored, the vehicle's own failsafe.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import { LocalPlane } from '../geo/enu.js';
import type { LonLatAlt } from '../geo/types.js';
import { MAV_CMD } from '../planner/mission.js';
import type { OnboardSafety } from './drone-link.js';
import { missionAround, next, of, offTrackM, phaseChanges, record, TRACK_TOLERANCE_M, withHarness, type DroneLinkHarness } from './drone-link.conformance-kit.js';
import { changeSpeedItem, isNavCommand, withoutHome } from './mission-items.js';

/** Squares (m east/north of home) → a [lon, lat] ring. */
function square(home: LonLatAlt, cx: number, cy: number, half: number): [number, number][] {
  const plane = new LocalPlane(home);
  return [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([dx, dy]) => {
    const p = plane.toLonLat({ x: cx + (dx ?? 0) * half, y: cy + (dy ?? 0) * half });
    return [p.lon, p.lat];
  });
}

function safetyAround(h: DroneLinkHarness): OnboardSafety {
  return {
    inclusion: [square(h.home, 0, 0, 2000)],
    exclusions: [square(h.home, 1200, 1200, 100)],
    rally: [{ ...h.home, altM: 15 }],
    maxAltM: 120,
    lostLinkAction: 'rtl',
  };
}

/** A long mission (so contingencies happen mid-flight), without the home placeholder. */
function longMission(h: DroneLinkHarness) {
  return withoutHome(missionAround(h.home, [[300, 0], [300, 300], [0, 300], [-300, 300], [-300, 0], [-300, -300]]).items);
}

async function error(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err: unknown = await p.then(() => undefined, (e: unknown) => e);
  if (!isAppError(err)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

export function describeContingencies(make: () => Promise<DroneLinkHarness>): void {
  describe('contingencies', () => {
    it('flies items without a home placeholder, with DO_CHANGE_SPEED after take-off; progress in the caller numbering', () =>
      withHarness(make, async (h) => {
        const base = withoutHome(missionAround(h.home, [[80, 0], [80, 80]]).items);
        const items = [base[0], changeSpeedItem(1, 6), ...base.slice(1)].flatMap((i) => (i ? [i] : [])).map((it, seq) => ({ ...it, seq }));
        expect(items[0]?.command).toBe(MAV_CMD.NAV_TAKEOFF);
        const rec = record(h);
        await h.link.upload(h.droneId, items);
        const landed = next(h, 'landed');
        await h.link.start(h.droneId);
        await landed;
        rec.stop();
        // Every NAV item up to the landing (NAV_LAND is reached by landing: `landed` reports it).
        const nav = items.filter((i) => isNavCommand(i.command) && i.command !== MAV_CMD.NAV_RETURN_TO_LAUNCH && i.command !== MAV_CMD.NAV_LAND).map((i) => i.seq);
        expect(of(rec.events, 'progress').map((p) => p.seq).filter((s) => nav.includes(s))).toEqual(nav);
        // From the take-off on: a phase report still in flight from the previous test's vehicle may come first.
        const phases = phaseChanges(rec.events);
        expect(phases.slice(phases.indexOf('taking_off'))).toEqual(['taking_off', 'in_flight', 'returning', 'landing']);
      }));

    it('prepare() puts the fence and rally points on board', () =>
      withHarness(make, async (h) => {
        await h.link.prepare(h.droneId, safetyAround(h));
        expect(h.onboard()).toEqual({ fenceVertices: 8, rally: 1 });
      }));

    it('prepare() refuses a malformed safety set with FENCE_REFUSED before touching the vehicle', () =>
      withHarness(make, async (h) => {
        const bad = { ...safetyAround(h), exclusions: [square(h.home, 0, 0, 10).slice(0, 2)] };
        const err = await error(h.link.prepare(h.droneId, bad));
        expect(err.code).toBe('FENCE_REFUSED');
        expect(err.message).toMatch(/exclusion polygon has 2 vertices/);
      }));

    it('[fault refuseFence] a vehicle that refuses the fence: FENCE_REFUSED and an uploadRefused event', () =>
      withHarness(make, async (h) => {
        if (!h.faults.refuseFence) return void expect(h.unsupported?.refuseFence).toMatch(/\S/);
        const restore = h.faults.refuseFence();
        const refused = next(h, 'uploadRefused');
        expect((await error(h.link.prepare(h.droneId, safetyAround(h)))).code).toBe('FENCE_REFUSED');
        expect(await refused).toMatchObject({ missionType: 'fence', reason: expect.stringMatching(/\S/) as unknown });
        restore();
        await h.link.prepare(h.droneId, safetyAround(h));
      }));

    it('returnVia() flies the given route and lands at its end, reporting returning then landing and no progress', () =>
      withHarness(make, async (h) => {
        const plane = new LocalPlane(h.home);
        await h.link.upload(h.droneId, longMission(h));
        const reached = next(h, 'progress', (p) => p.seq >= 2);
        await h.link.start(h.droneId);
        await reached;
        const rec = record(h);
        const route = [{ ...plane.toLonLat({ x: 150, y: -80 }), altM: 30 }, { ...plane.toLonLat({ x: 20, y: -20 }), altM: 30 }];
        const landed = next(h, 'landed', () => true, 30_000);
        await h.link.returnVia(h.droneId, route, 8);
        await landed;
        rec.stop();
        expect(phaseChanges(rec.events).filter((p) => p !== 'in_flight')).toEqual(['returning', 'landing']);
        expect(of(rec.events, 'progress')).toEqual([]);
        const end = route[route.length - 1] as LonLatAlt;
        const telemetry = of(rec.events, 'telemetry');
        const last = telemetry[telemetry.length - 1];
        if (!last) throw new Error('no telemetry on the return route');
        expect(offTrackM(h.home, [end, end], last.position)).toBeLessThan(10);
        // Past the first sample (the vehicle may still be turning), every sample lies on the route.
        const first = telemetry[0]?.position ?? end;
        for (const t of telemetry.slice(3)) expect(offTrackM(h.home, [first, ...route], t.position)).toBeLessThan(TRACK_TOLERANCE_M + 10);
      }));

    it('hold() stops the mission where the drone is; a return route then brings it home', () =>
      withHarness(make, async (h) => {
        await h.link.upload(h.droneId, longMission(h));
        const reached = next(h, 'progress', (p) => p.seq >= 2);
        await h.link.start(h.droneId);
        await reached;
        await h.link.hold(h.droneId);
        const rec = record(h);
        for (let i = 0; i < 6; i++) await next(h, 'telemetry');
        rec.stop();
        const samples = of(rec.events, 'telemetry').slice(1);
        const a = samples[0]?.position;
        if (!a) throw new Error('no telemetry while holding');
        for (const t of samples) expect(offTrackM(h.home, [a, a], t.position)).toBeLessThan(5);
        expect(of(rec.events, 'progress')).toEqual([]);
        const landed = next(h, 'landed', () => true, 30_000);
        await h.link.returnVia(h.droneId, [{ ...h.home, altM: 30 }], 8);
        await landed;
      }));

    it('[fault cutLink] a link lost and restored is reported as such, and the flight carries on to land', () =>
      withHarness(make, async (h) => {
        if (!h.faults.cutLink) return void expect(h.unsupported?.cutLink).toMatch(/\S/);
        await h.link.upload(h.droneId, withoutHome(missionAround(h.home, [[150, 0], [150, 150], [0, 150]]).items));
        const reached = next(h, 'progress', (p) => p.seq >= 1);
        await h.link.start(h.droneId);
        await reached;
        const rec = record(h);
        const restored = next(h, 'link', (e) => e.state === 'restored', 20_000);
        const landed = next(h, 'landed', () => true, 30_000);
        h.faults.cutLink(false);
        await restored;
        await landed;
        rec.stop();
        expect(of(rec.events, 'link').map((e) => e.state)).toEqual(['lost', 'restored']);
        // A lost link is a `link` event only: not a failure of the flight.
        expect(of(rec.events, 'failure')).toEqual([]);
        expect(of(rec.events, 'failsafe')).toEqual([]);
      }));

    it('[fault cutLink] a prepared vehicle takes its lost-link action on its own, reported once the link is back', () =>
      withHarness(make, async (h) => {
        if (!h.faults.cutLink) return void expect(h.unsupported?.cutLink).toMatch(/\S/);
        await h.link.prepare(h.droneId, safetyAround(h));
        await h.link.upload(h.droneId, longMission(h));
        const reached = next(h, 'progress', (p) => p.seq >= 2);
        await h.link.start(h.droneId);
        await reached;
        const rec = record(h);
        const failsafe = next(h, 'failsafe', () => true, 30_000);
        const landed = next(h, 'landed', () => true, 30_000);
        h.faults.cutLink(true);
        expect((await failsafe).mode).toBe('RTL');
        await landed;
        rec.stop();
        expect(of(rec.events, 'link').map((e) => e.state)).toEqual(['lost', 'restored']);
        const last = of(rec.events, 'telemetry').pop();
        if (last) expect(offTrackM(h.home, [h.home, h.home], last.position)).toBeLessThan(10);
      }));

    it("[fault autopilotFailsafe] the vehicle's own RTL is a failsafe event, not a failure, and the flight lands", () =>
      withHarness(make, async (h) => {
        if (!h.faults.autopilotFailsafe) return void expect(h.unsupported?.autopilotFailsafe).toMatch(/\S/);
        await h.link.upload(h.droneId, longMission(h));
        const reached = next(h, 'progress', (p) => p.seq >= 2);
        await h.link.start(h.droneId);
        await reached;
        const rec = record(h);
        const failsafe = next(h, 'failsafe');
        const landed = next(h, 'landed', () => true, 30_000);
        h.faults.autopilotFailsafe();
        expect(await failsafe).toMatchObject({ mode: 'RTL', reason: expect.stringMatching(/\S/) as unknown });
        await landed;
        rec.stop();
        expect(phaseChanges(rec.events)).toContain('returning');
        expect(of(rec.events, 'failure')).toEqual([]);
      }));
  });
}
