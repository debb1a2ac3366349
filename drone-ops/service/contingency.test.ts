import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import type { LonLatAlt } from '../geo/types.js';
import { FakeDroneLink } from '../link/fake-link.js';
import type { DroneLink, DroneLinkEvent, OnboardSafety } from '../link/drone-link.js';
import { ll } from '../testing/fixtures.js';
import type { DroneAlarm } from './alarms.js';
import { intentFor } from './planning.js';
import { DEFAULT_DRONE_TYPE } from './registry.js';
import { makeHarness, recordChanges, waitStatus, type Harness } from './testing.js';
import type { Pattern } from './types.js';

/** Records what the service commands, in front of the fake vehicle (no mock: the fake flies it). */
class Recording implements DroneLink {
  readonly calls: { droneId: string; what: 'prepare' | 'returnVia' | 'hold'; route?: LonLatAlt[]; safety?: OnboardSafety }[] = [];
  refuseFence = false;
  constructor(readonly inner: FakeDroneLink) {}
  prepare(droneId: string, safety: OnboardSafety): Promise<void> {
    this.calls.push({ droneId, what: 'prepare', safety });
    if (this.refuseFence) return Promise.reject(new AppError('FENCE_REFUSED', { message: 'fence upload refused: too many points' }));
    return this.inner.prepare(droneId, safety);
  }
  upload: DroneLink['upload'] = (d, items) => this.inner.upload(d, items);
  start: DroneLink['start'] = (d) => this.inner.start(d);
  returnVia(droneId: string, route: LonLatAlt[], speedMps: number): Promise<void> {
    this.calls.push({ droneId, what: 'returnVia', route });
    return this.inner.returnVia(droneId, route, speedMps);
  }
  hold(droneId: string): Promise<void> {
    this.calls.push({ droneId, what: 'hold' });
    return this.inner.hold(droneId);
  }
  private readonly injected = new Set<(e: DroneLinkEvent) => void>();
  on: DroneLink['on'] = (l) => {
    this.injected.add(l);
    const off = this.inner.on(l);
    return () => {
      this.injected.delete(l);
      off();
    };
  };
  /** What a vehicle reports that the fake cannot produce by itself (link state, failsafes, refusals). */
  inject(e: DroneLinkEvent): void {
    for (const l of this.injected) l(e);
  }
}

let h: Harness | undefined;
let fake: FakeDroneLink | undefined;
afterEach(async () => {
  await h?.close();
  fake?.close();
});

/** A clock tests can move forward (the fake vehicle keeps its own real-time pace). */
const offset = { ms: 0 };
const clock = { now: (): number => Date.now() + offset.ms };

async function setup(stepMs = 60): Promise<{ h: Harness; link: Recording; alarms: DroneAlarm[] }> {
  offset.ms = 0;
  fake = new FakeDroneLink({ stepMs, clock });
  const link = new Recording(fake);
  h = await makeHarness({ link, clock });
  const alarms: DroneAlarm[] = [];
  h.service.safety.onAlarm((a) => alarms.push(a));
  return { h, link, alarms };
}

async function dockAt(x: number, y: number, id = 'd1'): Promise<void> {
  await h!.service.registerDock({ id, location: ll(x, y) });
  await h!.service.registerDrone({ id: `${id}-uav`, typeId: DEFAULT_DRONE_TYPE.id, dockId: id });
}

const path = (...pts: [number, number][]): Pattern => ({ kind: 'waypoints', path: { type: 'LineString', coordinates: pts.map(([x, y]) => [ll(x, y).lon, ll(x, y).lat, 50]) } });

/** Independent: least distance (m) from a circle centre to a lon/lat polyline, sampled densely along each leg. */
function clearance(route: { lon: number; lat: number }[], c: { lon: number; lat: number }): number {
  const xy = (p: { lon: number; lat: number }) => ({ x: (p.lon - c.lon) * 111_320 * Math.cos((c.lat * Math.PI) / 180), y: (p.lat - c.lat) * 110_574 });
  let best = Infinity;
  for (let i = 0; i + 1 < route.length; i++) {
    const a = xy(route[i]!);
    const b = xy(route[i + 1]!);
    for (let s = 0; s <= 400; s++) best = Math.min(best, Math.hypot(a.x + ((b.x - a.x) * s) / 400, a.y + ((b.y - a.y) * s) / 400));
  }
  return best;
}

/**
 * Dock d1 at the origin, a zone at (600, 0) between it and the far corner (1200, 0) of a patrol flown
 * around it; `atCorner` runs once, when the drone reports a position at that corner.
 */
async function behindZone(h: Harness, link: Recording, atCorner: (missionId: string) => void): Promise<{ id: string; seen: ReturnType<typeof recordChanges> }> {
  await dockAt(0, 0);
  await h.service.putZone({ id: 'nfz', footprint: { type: 'Circle', center: ll(600, 0), radiusM: 150 }, floorM: 0, ceilingM: 300 });
  const seen = recordChanges(h.bus);
  const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 800], [1200, 800], [1200, 0], [1200, 800]) });
  if (!r.ok) throw new Error(r.message);
  const id = r.missions[0]!.id;
  const off = link.on((e) => {
    if (e.type === 'telemetry' && clearance([e.position, e.position], ll(1200, 0)) < 30) {
      off();
      atCorner(id);
    }
  });
  return { id, seen };
}

describe('contingencies of a flight in the air', () => {
  it('sends the fence and rally points before launch, and ends the launch job once the drone is airborne', async () => {
    const { h, link } = await setup(80);
    await dockAt(0, 0);
    await dockAt(2000, 0, 'd2');
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 500], [600, 500]) });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await waitStatus(seen, id, 'in_flight');
    await vi.waitFor(async () => expect((await h.scheduler.get(`mission:${id}`))?.state).toBe('completed'), { timeout: 5000, interval: 10 });
    expect((await h.service.mission(id)).status).toMatch(/in_flight|returning/);
    const prep = link.calls.find((c) => c.what === 'prepare')!;
    expect(prep.safety!.rally[0]).toMatchObject({ lon: ll(0, 0).lon, lat: ll(0, 0).lat });
    expect(prep.safety!.rally).toHaveLength(2);
    expect(prep.safety!.inclusion).toHaveLength(1);
    // The intent is airborne while the drone flies and released only once it has landed.
    expect((await h.intents.list(Date.now())).find((i) => i.id === id)?.state).toBe('activated');
    await waitStatus(seen, id, 'completed');
    expect(await h.intents.list(Date.now())).toEqual([]);
  });

  it('an operator cancel behind a zone returns around it, not straight through', async () => {
    const { h, link } = await setup(150);
    const { id, seen } = await behindZone(h, link, (missionId) => void h.service.cancel(missionId));
    await waitStatus(seen, id, 'aborted', 10_000);
    const ret = link.calls.find((c) => c.what === 'returnVia')!;
    expect(ret.what).toBe('returnVia');
    expect(clearance([ll(1200, 0), ...ret.route!], ll(600, 0))).toBeGreaterThan(150);
    const history = await h.service.history(id);
    expect(history.some((e) => /return via a route around the active zones: cancelled by operator/.test(e.note ?? ''))).toBe(true);
  });

  it('pre-emption keeps the returning patrol in the airspace picture until it lands', async () => {
    const { h } = await setup(120);
    await dockAt(0, 0);
    await dockAt(0, 300, 'd2');
    const seen = recordChanges(h.bus);
    const patrol = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 600], [800, 600], [800, 0]) });
    if (!patrol.ok) throw new Error(patrol.message);
    const pid = patrol.missions[0]!.id;
    await waitStatus(seen, pid, 'in_flight');
    const em = await h.service.dispatchInspection({ lon: ll(400, 600).lon, lat: ll(400, 600).lat, priority: 'emergency' });
    if (!em.ok) throw new Error(em.message);
    expect(em.preempted).toEqual([pid]);
    await vi.waitFor(async () => expect((await h.intents.list(Date.now())).find((i) => i.id === pid)?.state).toBe('contingent'), { timeout: 5000, interval: 10 });
    // Another drone launching over the patrol's way home is refused while it is in the air.
    const returning = (await h.intents.list(Date.now())).find((i) => i.id === pid)!;
    const probe = { ...intentFor('probe', em.mission.plan, 1000, Date.now(), 'activated'), volumes: returning.volumes.map((v) => ({ ...v, startMs: Date.now() })) };
    expect((await h.intents.checkAndCommit(probe, Date.now())).ok).toBe(false);
    await waitStatus(seen, pid, 'aborted', 10_000);
    expect((await h.service.mission(pid)).note).toMatch(/pre-empted by mission/);
    await waitStatus(seen, em.mission.id, 'completed', 15_000);
  });

  it('a launch re-checks the airspace: a zone created on the route since scheduling fails the mission', async () => {
    const { h } = await setup(20);
    await dockAt(0, 0);
    await h.service.reportDock('d1', { status: 'charging' });
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 500], [600, 500]) });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await h.service.putZone({ id: 'tfr', footprint: { type: 'Circle', center: ll(300, 500), radiusM: 80 }, floorM: 0, ceilingM: 200 });
    await h.service.reportDock('d1', { status: 'idle' });
    await waitStatus(seen, id, 'failed', 5000);
    expect((await h.service.mission(id)).note).toMatch(/^AIRSPACE_CHANGED at launch: leg \d+ enters no-fly zone tfr/);
    expect(await h.intents.list(Date.now())).toEqual([]);
  });

  it('scheduling re-checks the airspace: a zone declared since planning refuses the mission (not left planned)', async () => {
    const { h } = await setup(20);
    await dockAt(0, 0);
    const planned = await h.service.plan({ dockId: 'd1', pattern: path([0, 500], [600, 500]) });
    if (!planned.ok) throw new Error(planned.message);
    await h.service.putZone({ id: 'tfr', footprint: { type: 'Circle', center: ll(300, 500), radiusM: 80 }, floorM: 0, ceilingM: 200 });
    const r = await h.service.schedule(planned.missions[0]!.id);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/^AIRSPACE_CHANGED at scheduling: leg \d+ enters no-fly zone tfr/) });
    expect((await h.service.mission(planned.missions[0]!.id)).status).toBe('refused');
    expect(await h.intents.list(Date.now())).toEqual([]);
  });

  it('a refused fence means no launch, a failed mission and an alarm', async () => {
    const { h, link, alarms } = await setup(20);
    await dockAt(0, 0);
    link.refuseFence = true;
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 500]) });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await waitStatus(seen, id, 'failed');
    expect((await h.service.mission(id)).note).toMatch(/^FENCE_REFUSED: .*too many points/);
    expect(alarms).toMatchObject([{ kind: 'fence_refused', missionId: id }]);
    expect(fake!.isFlying('d1-uav')).toBe(false);
  });

  it('a zone created while the drone flies recalls it before it enters, along a route clear of it', async () => {
    // Slow enough for the watch's 1 s airspace poll to see the zone before the drone gets there.
    const { h, link, alarms } = await setup(600);
    await dockAt(0, 0);
    const seen = recordChanges(h.bus);
    const flown: LonLatAlt[] = [];
    link.on((e) => {
      if (e.type === 'telemetry') flown.push(e.position);
    });
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 400], [0, 1200], [800, 1200], [800, 400]) });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await waitStatus(seen, id, 'in_flight');
    await h.service.putZone({ id: 'tfr', footprint: { type: 'Circle', center: ll(400, 1200), radiusM: 100 }, floorM: 0, ceilingM: 200 });
    await waitStatus(seen, id, 'aborted', 10_000);
    expect((await h.service.mission(id)).note).toMatch(/^AIRSPACE_CHANGED in flight: .*tfr/);
    expect(alarms.some((a) => a.kind === 'airspace_changed' && a.missionId === id)).toBe(true);
    expect(link.calls.filter((c) => c.what === 'prepare').length).toBeGreaterThanOrEqual(2);
    // The fake reports a position at each waypoint it reaches: none of them in the zone, nor any leg between.
    expect(clearance(flown, ll(400, 1200))).toBeGreaterThan(100);
  });

  it('a link lost in flight raises an alarm; once restored the mission finishes normally', async () => {
    const { h, link, alarms } = await setup(200);
    await dockAt(0, 0);
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 500], [500, 500]) });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await waitStatus(seen, id, 'in_flight');
    link.inject({ type: 'link', droneId: 'd1-uav', at: clock.now(), state: 'lost' });
    link.inject({ type: 'link', droneId: 'd1-uav', at: clock.now(), state: 'restored' });
    await waitStatus(seen, id, 'completed', 10_000);
    expect(alarms).toMatchObject([{ kind: 'link_lost', missionId: id }]);
    const notes = (await h.service.history(id)).map((e) => e.note);
    expect(notes).toContain('link restored');
  });

  it('a vehicle failsafe RTL with a zone on the straight line is replaced by a planned return; a refused upload is an alarm', async () => {
    const { h, link, alarms } = await setup(150);
    const { id, seen } = await behindZone(h, link, () => {
      link.inject({ type: 'uploadRefused', droneId: 'd1-uav', at: clock.now(), missionType: 'rally', reason: 'too many points' });
      link.inject({ type: 'failsafe', droneId: 'd1-uav', at: clock.now(), reason: 'wind over limit', mode: 'RTL' });
    });
    await waitStatus(seen, id, 'aborted', 10_000);
    expect(alarms.map((a) => a.kind)).toEqual(expect.arrayContaining(['failsafe', 'upload_refused']));
    const ret = link.calls.find((c) => c.what === 'returnVia')!;
    expect(clearance([ll(1200, 0), ...ret.route!], ll(600, 0))).toBeGreaterThan(150);
  });

  it('extends the intent of a flight that runs long while it is free; when another drone in the air needs it, nonconforming: alarm and recall', async () => {
    const { h, alarms } = await setup(400);
    await dockAt(0, 0);
    const seen = recordChanges(h.bus);
    const r = await h.service.planAndSchedule({ dockId: 'd1', pattern: path([0, 500], [500, 500], [500, 0], [0, 300]) });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await waitStatus(seen, id, 'in_flight');
    const first = (await h.intents.list(clock.now())).find((i) => i.id === id)!;
    const firstEnd = Math.max(...first.volumes.map((v) => v.endMs));
    // Time runs past the intent's end (the flight is slower than planned).
    offset.ms = firstEnd - Date.now() - 30_000;
    await vi.waitFor(async () => {
      const now = (await h.intents.list(clock.now())).find((i) => i.id === id);
      expect(Math.max(...(now?.volumes ?? []).map((v) => v.endMs))).toBeGreaterThan(firstEnd);
    }, { timeout: 5000, interval: 20 });
    expect((await h.service.history(id)).some((e) => /intent extended/.test(e.note ?? ''))).toBe(true);
    // Another drone in the air where this one would need to stay: not free any more.
    const other = { ...intentFor('other', r.missions[0]!.plan, 10, clock.now(), 'contingent'), volumes: first.volumes.map((v) => ({ ...v, startMs: clock.now(), endMs: clock.now() + 3_600_000 })) };
    expect((await h.intents.checkAndCommit(other, clock.now())).ok).toBe(true);
    const again = (await h.intents.list(clock.now())).find((i) => i.id === id)!;
    offset.ms += Math.max(...again.volumes.map((v) => v.endMs)) - clock.now() - 30_000;
    await vi.waitFor(() => expect(alarms.some((a) => a.kind === 'nonconforming' && a.missionId === id)).toBe(true), { timeout: 5000, interval: 20 });
    await waitStatus(seen, id, 'aborted', 10_000);
    expect((await h.service.mission(id)).note).toMatch(/nonconforming/);
  });
});
