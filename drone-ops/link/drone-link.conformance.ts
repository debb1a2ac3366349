/**
 * The DroneLink conformance suite (style.md "Boundaries": one suite per port, run against every adapter).
 * It flies a mission built by the planner (`buildMission`) through the port and checks what the port
 * documents in drone-link.ts and drone-ops.md: phases in order, progress per item, telemetry along the
 * route with a falling battery, one `landed` at home; return-to-launch mid-mission; a refused upload;
 * a failure in flight; and the contingencies (drone-link.conformance-contingency.ts). Faults are injected
 * through the harness where the adapter supports them; an adapter that cannot inject one must say why,
 * and the test asserts it said so (nothing skipped).
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import { describeContingencies } from './drone-link.conformance-contingency.js';
import { isNavCommand } from './mission-items.js';
import { missionAround, next, of, offTrackM, phaseChanges, record, TRACK_TOLERANCE_M, withHarness, type DroneLinkHarness } from './drone-link.conformance-kit.js';

export type { DroneLinkHarness } from './drone-link.conformance-kit.js';

export function describeDroneLink(name: string, make: () => Promise<DroneLinkHarness>): void {
  describe(`DroneLink: ${name}`, () => {
    describeContingencies(make);

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
        // every NAV item is reported in order, from the take-off up to the RTL item (drone-link.ts "progress");
        // the planner's DO_CHANGE_SPEED after the take-off only changes state
        const progress = of(flight, 'progress');
        expect(progress.map((p) => p.seq)).toEqual(items.filter((i) => isNavCommand(i.command)).slice(0, -1).map((i) => i.seq));
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

    it('returns mid-mission along a route home (returnVia): no further items, landed at home', () =>
      withHarness(make, async (h) => {
        const { items } = missionAround(h.home, [[200, 0], [200, 200], [0, 200], [-200, 200], [-200, 0], [-200, -200]]);
        const rec = record(h);
        await h.link.upload(h.droneId, items);
        const reached = next(h, 'progress', (p) => p.seq >= 2);
        await h.link.start(h.droneId);
        await reached;
        const mark = rec.events.length;
        const landed = next(h, 'landed');
        await h.link.returnVia(h.droneId, [{ ...h.home, altM: 30 }], 8);
        const done = await landed;
        rec.stop();
        const after = rec.events.slice(mark, rec.events.indexOf(done) + 1);
        expect(phaseChanges(after)).toContain('returning');
        expect(phaseChanges(after).slice(-1)).toEqual(['landing']);
        // the mission's last waypoints are never reached
        expect(Math.max(...of(rec.events, 'progress').map((p) => p.seq))).toBeLessThan(items.length - 2);
        const last = of(after, 'telemetry').pop();
        if (!last) throw new Error('no telemetry after the return');
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
        const all = [['refuseUpload', 'refuseUploads'], ['failInFlight', 'failInFlight'], ['refuseFence', 'refuseFence'], ['cutLink', 'cutLink'], ['autopilotFailsafe', 'autopilotFailsafe']] as const;
        for (const [fault, key] of all) {
          expect(h.faults[key] !== undefined || (h.unsupported?.[fault] ?? '').trim() !== '', `${fault} neither injectable nor declared unsupported`).toBe(true);
        }
      } finally {
        await h.close();
      }
    });
  });
}
