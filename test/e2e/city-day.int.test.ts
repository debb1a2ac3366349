/**
 * A simulated city day (drone-ops.md "Contingencies"), compressed: 56 docks in the four core districts
 * (simulated MAVLink vehicles on loopback UDP at 25× time, CITY_DAY_MAVLINK per district, the rest on the
 * in-memory link), recurring patrols fired in two rounds, no-fly zones declared during the day (one
 * temporary, while drones fly), a burst of emergency inspections and injected faults. Everything is
 * checked with the test's own geometry (city-day-geometry.ts), not the planner's.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { demoHomes } from '../../app/demo.js';
import { loadDistricts, QINGDAO_DISTRICTS_FILE } from '../../device-registry/index.js';
import { DEFAULT_DRONE_TYPE, type Pattern } from '../../drone-ops/service/index.js';
import type { MissionChange } from '../../kernel/events.js';
import { startSimDocks, type SimVehicle } from '../../simulators/index.js';
import { clearanceM } from './city-day-geometry.js';
import { CityDayRecorder } from './city-day-recorder.js';
import { bootPlatform } from './helpers.js';

const PER_DISTRICT = 14;
const MAVLINK_PER_DISTRICT = Math.min(PER_DISTRICT, Number(process.env.CITY_DAY_MAVLINK ?? PER_DISTRICT));
const TERMINAL = new Set(['completed', 'aborted', 'failed']);

let p: Platform;
/** The longest this process stalled (platform and vehicles share it): printed, as the machine's load shapes the day. */
const lag = monitorEventLoopDelay({ resolution: 20 });
const started = Date.now();
let vehicles: SimVehicle[] = [];
let rec: CityDayRecorder;
const changes: MissionChange[] = [];
const docks: { dockId: string; droneId: string; lon: number; lat: number; vehicle?: SimVehicle }[] = [];
const outcomes: { fault: string; missionId: string; expected: string; got?: string; alarm?: string }[] = [];
/** What the end of the day found (set by the last step). */
const end = { leftPlanned: -1, docksUsable: -1, left: [] as string[] };

/** Metres east/north of a point → lon/lat (own conversion, 111 km per degree of latitude). */
const at = (o: { lon: number; lat: number }, x: number, y: number) => ({ lon: o.lon + x / (111_000 * Math.cos((o.lat * Math.PI) / 180)), lat: o.lat + y / 111_000 });
const line = (o: { lon: number; lat: number }, pts: [number, number][], altM = 40): Pattern => ({ kind: 'waypoints', path: { type: 'LineString', coordinates: pts.map(([x, y]) => { const q = at(o, x, y); return [q.lon, q.lat, altM]; }) } });

beforeAll(async () => {
  p = await bootPlatform({ CITYBRAIN_DEMO: 'on', CITYBRAIN_DEMO_SPEEDUP: '25', CITYBRAIN_DEMO_DOCKS: String(MAVLINK_PER_DISTRICT) }, {}, {
    // The ground calls a link lost after 2 s of silence; the vehicles' own failsafe acts after 7 s (below).
    // Platform and 56 vehicles share this process, on a machine that may be loaded: waits per mission item
    // and per command are longer than QGroundControl's (250 ms × 5, 0.5 s × 3), bounded (≤ 10 s an item).
    mavlink: { staleMs: 1000, lostMs: 2000, upload: { countTimeoutMs: 3000, itemTimeoutMs: 1000, retries: 9 }, command: { timeoutMs: 1500, retries: 5 } },
    demoVehicles: async (homes, o) => {
      // The autopilot's GCS failsafe counts the ground's 1 Hz HEARTBEATs, which time compression does not
      // speed up, so its timeout stays in real seconds: FS_GCS_TIMEOUT 7 s (default 5, settable to 120). A 3 s
      // cut plus up to 1 s to the next HEARTBEAT then ends well before it; a permanent loss runs past it.
      const f = await startSimDocks(homes, { timeScale: o.timeScale, tickMs: 40, minLinkLossMs: 7000 });
      vehicles = f.vehicles;
      return f;
    },
  });
  lag.enable();
  p.bus.on('missionChanged', (e) => changes.push(e));
  await vi.waitFor(() => expect([...p.droneOps.vehicles.values()].every((v) => v.state.health === 'ok')).toBe(true), { timeout: 30_000, interval: 100 });
  for (const [i, d] of p.demoDocks.entries()) docks.push({ dockId: d.dockId, droneId: d.droneId, ...(await p.droneOps.service.dock(d.dockId)).location, vehicle: vehicles[i]! });
  // The rest of the 56 on the in-memory link: the same homes the demo would have used.
  const homes = demoHomes(await loadDistricts(QINGDAO_DISTRICTS_FILE), PER_DISTRICT);
  const taken = new Set(docks.map((d) => `${d.lon.toFixed(6)},${d.lat.toFixed(6)}`));
  for (const [i, h] of homes.filter((x) => !taken.has(`${x.home.lon.toFixed(6)},${x.home.lat.toFixed(6)}`)).entries()) {
    const dockId = `city-${h.name}-${i}`;
    await p.droneOps.service.registerDock({ id: dockId, location: { lon: h.home.lon, lat: h.home.lat } });
    await p.droneOps.service.registerDrone({ id: `${dockId}-uav`, typeId: DEFAULT_DRONE_TYPE.id, dockId });
    docks.push({ dockId, droneId: `${dockId}-uav`, lon: h.home.lon, lat: h.home.lat });
  }
  rec = new CityDayRecorder(p);
}, 120_000);

afterAll(async () => {
  if (rec) console.log(summary().join('\n'));
  rec?.close();
  await p?.stop();
});

/** The day in figures (printed even when a step failed). */
function summary(): string[] {
  const violations = rec.violations();
  const flown = new Set(changes.filter((c) => c.to === 'in_flight').map((c) => c.missionId)).size;
  const ends = changes.filter((c) => TERMINAL.has(c.to) || c.to === 'refused');
  const count = (to: string) => ends.filter((c) => c.to === to).length;
  return [
    `city day: ${docks.length} docks (${docks.filter((d) => d.vehicle).length} simulated MAVLink vehicles, ${docks.filter((d) => !d.vehicle).length} on the in-memory link), ${((Date.now() - started) / 1000).toFixed(0)} s wall time, longest stall of this process ${(lag.max / 1e6).toFixed(0)} ms`,
    `missions ${new Set(changes.map((c) => c.missionId)).size}, flown ${flown}; ended completed ${count('completed')}, aborted ${count('aborted')}, failed ${count('failed')}, refused ${count('refused')}`,
    `flown samples checked ${rec.samples.length}: inside an active zone ${violations.filter((v) => v.kind === 'zone').length}, outside the fence ${violations.filter((v) => v.kind === 'fence').length}`,
    ...violations.slice(0, 5).map((v) => `  violation: ${v.kind} ${v.zoneId ?? ''} ${v.sample.droneId} at ${new Date(v.sample.at).toISOString()} ${v.sample.lon.toFixed(5)},${v.sample.lat.toFixed(5)} ${v.sample.altM.toFixed(0)} m`),
    `airborne pair checks ${rec.pairChecks}: overlapping reserved volumes ${rec.overlaps.size}`,
    ...[...rec.overlaps].map(([k, o]) => `  overlap: ${k} at ${new Date(o.at).toISOString()}: ${o.flights.join(' / ')}`),
    `drone-safety alarms ${rec.alarms.length} (${[...new Set(rec.alarms.map((a) => a.kind))].join(', ')}); drones landed away from their dock ${rec.alarms.filter((a) => a.kind === 'landed_away').length}`,
    `missions left planned or unfinished ${end.leftPlanned}; docks usable ${end.docksUsable} of ${docks.length}`,
    ...end.left.map((x) => `  left: ${x}`),
    ...outcomes.map((o) => `  ${o.fault}: expected ${o.expected} → ${o.got ?? '?'}${o.alarm ? ` [alarm ${o.alarm}]` : ''}`),
  ];
}

const ended = (id: string) => changes.find((c) => c.missionId === id && TERMINAL.has(c.to));
const reached = (id: string, to: string) => changes.some((c) => c.missionId === id && c.to === to);
async function until(id: string, pred: () => boolean, timeout = 60_000): Promise<void> {
  await vi.waitFor(() => expect(pred(), `mission ${id}: ${changes.filter((c) => c.missionId === id).map((c) => `${c.to}${c.note ? ` (${c.note})` : ''}`).join(' → ')}`).toBe(true), { timeout, interval: 50 });
}
const nearest = (id: string, pt: { lon: number; lat: number }, within: number) => rec.samples.some((s) => s.droneId === id && clearanceM([s, s], pt) < within);

/** Fires a patrol now (the cron's firing, compressed): the missions it created. */
async function fire(patrolId: string): Promise<string[]> {
  const fired = (await p.droneOps.service.firePatrol(patrolId)) as { missions?: (string | { id: string })[] };
  return (fired.missions ?? []).map((x) => (typeof x === 'string' ? x : x.id));
}

/** A small loop beside the dock that the platform accepts (inside the district, clear of zones). */
async function loopFor(d: { dockId: string; lon: number; lat: number }, sideM = 250): Promise<Pattern> {
  for (const [dx, dy] of [[1, 1], [-1, 1], [1, -1], [-1, -1]]) {
    const pattern = line(d, [[0, sideM * dy!], [sideM * dx!, sideM * dy!], [sideM * dx!, 0]]);
    if ((await p.droneOps.service.validate({ dockId: d.dockId, pattern })).ok) return pattern;
  }
  throw new Error(`no patrol loop fits around ${d.dockId}`);
}

/** Whatever a failed step left behind: links up, calm wind, full batteries, uploads accepted. */
function healVehicles(): void {
  for (const v of vehicles) {
    v.restoreLink();
    v.windMs = 0;
    v.faults.missionNack = undefined;
    if (!v.flight.armed) v.flight.battery = 100;
  }
}

describe('a simulated city day', () => {
  afterEach(healVehicles);

  const patrols = new Map<string, string>();

  it('has 56 docks, a recurring patrol each', async () => {
    expect(docks).toHaveLength(56);
    for (const d of docks) {
      const r = await p.droneOps.service.createPatrol({ dockId: d.dockId, pattern: await loopFor(d), cron: '0 8,14 * * *' });
      if (!('patrol' in r)) throw new Error(`${d.dockId}: ${r.message}`);
      patrols.set(d.dockId, r.patrol.id);
    }
  });

  it('flies the morning round: every patrol ends, none is left planned', async () => {
    const round: string[] = [];
    for (const id of patrols.values()) round.push(...(await fire(id)));
    for (const id of round) await until(id, () => ended(id) !== undefined || reached(id, 'refused'), 120_000);
    outcomes.push({ fault: 'morning round', missionId: '-', expected: 'every patrol flown or refused visibly', got: `${round.length} missions, ${round.filter((id) => ended(id)?.to === 'completed').length} completed` });
    expect(round.length).toBeGreaterThanOrEqual(50);
  });

  it('injects faults on patrols in the air; each ends in the right safe action and alarm', { timeout: 300_000 }, async () => {
    const mav = docks.filter((d) => d.vehicle);
    const [linkBlip, linkGone, battery, wind, nack, flyAway, cancel, preempted, tfr] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => mav[(k * 5 + 1) % mav.length]!);
    nack!.vehicle!.faults.missionNack = 1;
    // Operator cancel behind a zone: a loop around a zone between the dock and its far corner.
    const zc = at(cancel!, 350, 0);
    await rec.putZone({ id: 'zone-cancel', footprint: { type: 'Circle', center: zc, radiusM: 100 }, floorM: 0, ceilingM: 200 });
    // Fly-away target: a zone beside the dock, away from its loop (which lies to the north-east) and from the
    // neighbouring docks' loops (1.2 km apart).
    const zf = at(flyAway!, -300, -300);
    await rec.putZone({ id: 'zone-flyaway', footprint: { type: 'Circle', center: zf, radiusM: 100 }, floorM: 0, ceilingM: 300 });
    const ids = new Map<string, string>();
    const launch = async (d: (typeof docks)[number]) => {
      const pattern = d === cancel ? line(d, [[0, 400], [700, 400], [700, 0], [700, 400]]) : await loopFor(d, 500);
      const r = await p.droneOps.service.planAndSchedule({ dockId: d.dockId, pattern, priority: 'patrol', patrolId: patrols.get(d.dockId)! });
      if (!r.ok) throw new Error(`${d.dockId}: ${r.message}`);
      ids.set(d.dockId, r.missions[0]!.id);
    };
    for (const d of [linkBlip, linkGone, battery, wind, nack, flyAway, cancel]) await launch(d!);
    const m = (d: { dockId: string }) => ids.get(d.dockId)!;
    // In the air for real: its vehicle reports a position above 10 m since this round began.
    const t0 = Date.now();
    const flying = (d: { dockId: string; droneId: string }) => until(m(d), () => rec.samples.some((x) => x.droneId === d.droneId && x.at >= t0 && x.altM > 10));
    const expectEnd = async (fault: string, d: { dockId: string }, status: RegExp, alarm?: string, note?: RegExp) => {
      await until(m(d), () => ended(m(d)) !== undefined, 90_000);
      const end = ended(m(d))!;
      const a = alarm ? rec.alarms.find((x) => x.missionId === m(d) && new RegExp(`^(${alarm})$`).test(x.kind)) : undefined;
      outcomes.push({ fault, missionId: m(d), expected: `${status.source}${alarm ? ` + ${alarm}` : ''}`, got: `${end.to}${end.note ? ` (${end.note})` : ''}`, ...(a ? { alarm: a.kind } : {}) });
      expect(end.to, `${fault}: ${end.note ?? ''}`).toMatch(status);
      if (note) expect(end.note ?? '', fault).toMatch(note);
      if (alarm) expect(a, `${fault}: alarm ${alarm}`).toBeDefined();
      // Every alarm is on the mission's history too, with who raised it.
      const history = await p.droneOps.service.history(m(d));
      for (const x of rec.alarms.filter((y) => y.missionId === m(d))) expect(history.some((h) => h.note === x.message && /^(vehicle|system)$/.test(h.actor)), `${fault}: ${x.kind} on the history`).toBe(true);
    };

    await flying(linkBlip!);
    linkBlip!.vehicle!.cutLink(3000);
    await flying(linkGone!);
    linkGone!.vehicle!.cutLink();
    await flying(battery!);
    await vi.waitFor(() => expect(battery!.vehicle!.flight.armed).toBe(true), { timeout: 10_000 });
    // Too little to finish the loop, enough to come home: recalled at once, it must land above the 20 % reserve
    // (read from the simulator's own battery, before the autopilot's 20 % low-battery failsafe would act).
    const bv = battery!.vehicle!.flight;
    bv.battery = 26;
    let lowest = bv.battery;
    const watchBattery = setInterval(() => {
      if (bv.armed) lowest = Math.min(lowest, bv.battery);
    }, 10);
    await flying(wind!);
    wind!.vehicle!.windMs = 25;
    await flying(flyAway!);
    flyAway!.vehicle!.flyAway(zf);
    await flying(cancel!);
    await until(m(cancel!), () => nearest(cancel!.droneId, at(cancel!, 700, 0), 80));
    await p.droneOps.service.cancel(m(cancel!), undefined, 'duty-officer');
    // The fly-away ends (recalled) before the next patrols take off, so that what follows meets no stray drone.
    await expectEnd('fly-away toward a zone', flyAway!, /^aborted$/);
    expect(rec.alarms.some((a) => a.missionId === m(flyAway!) && ['failsafe', 'nonconforming', 'geofence'].includes(a.kind))).toBe(true);
    // Pre-emption: an emergency at the far corner of an airborne patrol (a neighbouring dock flies it).
    await launch(preempted!);
    await flying(preempted!);
    const em = await p.droneOps.service.dispatchInspection({ ...at(preempted!, 250, 250), priority: 'emergency' });
    // A temporary restriction on the way ahead of a patrol that has just taken off, for the next 15 minutes:
    // its last corner, the part of the loop it reaches last.
    await launch(tfr!);
    await flying(tfr!);
    const tfrPath = (await p.droneOps.service.mission(m(tfr!))).plan.path;
    const ahead = tfrPath[tfrPath.length - 3]!;
    const lastSeen = rec.samples.filter((x) => x.droneId === tfr!.droneId).pop()!;
    expect(clearanceM([lastSeen, lastSeen], ahead), 'the zone is declared ahead of the drone, not on it').toBeGreaterThan(200);
    await rec.putZone({ id: 'tfr-noon', footprint: { type: 'Circle', center: ahead, radiusM: 80 }, floorM: 0, ceilingM: 300, windows: [{ startMs: Date.now(), endMs: Date.now() + 900_000 }] });
    await expectEnd('link loss that recovers', linkBlip!, /^completed$/, 'link_lost');
    await vi.waitFor(() => expect(linkGone!.vehicle!.flight.armed).toBe(false), { timeout: 60_000, interval: 100 });
    // Landed on its own lost-link action, unseen: the airspace stays reserved until the ground hears it.
    expect(p.droneOps.service.runner.flights.has(linkGone!.droneId)).toBe(true);
    linkGone!.vehicle!.restoreLink();
    await expectEnd('permanent link loss (vehicle lost-link action)', linkGone!, /^(completed|aborted)$/, 'link_lost');
    await expectEnd('low battery', battery!, /^aborted$/, 'battery', /low battery/);
    clearInterval(watchBattery);
    outcomes.push({ fault: 'low battery: lowest battery in the simulator while armed', missionId: m(battery!), expected: '> 20 % reserve', got: `${lowest.toFixed(1)} %` });
    expect(lowest).toBeGreaterThan(DEFAULT_DRONE_TYPE.reservePct);
    expect(rec.alarms.filter((a) => a.missionId === m(battery!) && a.kind === 'failsafe')).toEqual([]);
    await expectEnd('wind (autopilot failsafe)', wind!, /^aborted$/, 'failsafe');
    wind!.vehicle!.windMs = 0;
    // The vehicle refuses every upload; the fence goes first, and without it the drone does not take off.
    await expectEnd('refused upload', nack!, /^failed$/, 'fence_refused|upload_refused', /^(FENCE_REFUSED|upload failed)/);
    expect(rec.samples.filter((x) => x.droneId === nack!.droneId && x.at >= t0)).toEqual([]);
    await expectEnd('operator cancel behind a zone', cancel!, /^aborted$/, undefined, /cancelled by operator/);
    expect((await p.droneOps.service.history(m(cancel!))).some((h) => /return via a route around the active zones/.test(h.note ?? '') && h.actor === 'duty-officer')).toBe(true);
    await expectEnd('pre-empted patrol', preempted!, /^aborted$/, undefined, /pre-empted by mission/);
    await expectEnd('temporary zone while airborne', tfr!, /^aborted$/, 'airspace_changed');
    expect(em.ok, JSON.stringify(em)).toBe(true);
    if (em.ok) await until(em.mission.id, () => ended(em.mission.id)?.to === 'completed', 90_000);
  });

  it('takes a burst of emergency inspections, and re-checks the airspace at launch', async () => {
    const burst = [];
    for (let k = 0; k < 12; k++) {
      const d = docks[(k * 5 + 2) % docks.length]!;
      burst.push(await p.droneOps.service.dispatchInspection({ ...at(d, 150 * ((k % 3) - 1), 150), priority: 'emergency' }));
    }
    for (const b of burst) if (b.ok) await until(b.mission.id, () => ended(b.mission.id) !== undefined, 90_000);
    outcomes.push({ fault: 'emergency burst', missionId: '-', expected: 'dispatched or refused visibly', got: `${burst.filter((b) => b.ok).length} dispatched, ${burst.filter((b) => !b.ok).length} refused` });
    expect(burst.filter((b) => b.ok).length).toBeGreaterThan(6);
    // A zone declared between scheduling and launch: the launch fails with AIRSPACE_CHANGED.
    const d = docks.find((x) => !x.vehicle) ?? docks[docks.length - 1]!;
    const r = await p.droneOps.service.planAndSchedule({ dockId: d.dockId, pattern: await loopFor(d) }, { at: Date.now() + 1500 });
    if (!r.ok) throw new Error(r.message);
    const id = r.missions[0]!.id;
    await rec.putZone({ id: 'zone-late', footprint: { type: 'Circle', center: r.missions[0]!.plan.path[3]!, radiusM: 60 }, floorM: 0, ceilingM: 300 });
    await until(id, () => ended(id) !== undefined, 30_000);
    outcomes.push({ fault: 'zone declared after scheduling', missionId: id, expected: 'failed AIRSPACE_CHANGED', got: `${ended(id)!.to} (${ended(id)!.note})` });
    expect(ended(id)).toMatchObject({ to: 'failed', note: expect.stringMatching(/^AIRSPACE_CHANGED/) });
  });

  it('flies the afternoon round, and ends the day safe: no sample in a zone or out of the fence, no overlap, nothing planned, every dock usable', async () => {
    const round: string[] = [];
    for (const id of patrols.values()) round.push(...(await fire(id)));
    for (const id of round) await until(id, () => ended(id) !== undefined || reached(id, 'refused'), 120_000);
    await vi.waitFor(async () => {
      const all = await p.droneOps.service.listDocks();
      expect(all.filter((x) => x.status !== 'idle').map((x) => `${x.id}:${x.status}`)).toEqual([]);
    }, { timeout: 60_000, interval: 200 });
    const drones = await p.droneOps.service.listDrones();
    const usable = (await p.droneOps.service.listDocks()).filter((x) => x.status === 'idle' && drones.some((d) => d.dockId === x.id && d.phase === 'docked'));
    end.docksUsable = usable.length;
    const left = await p.droneOps.service.listMissions({ status: ['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning'], limit: 1000 });
    end.leftPlanned = left.length;
    end.left = left.map((x) => `${x.id}:${x.status}: ${changes.filter((c) => c.missionId === x.id).map((c) => `${c.to}${c.note ? ` (${c.note})` : ''}`).join(' → ')}`);
    expect(drones.filter((x) => x.phase !== 'docked').map((x) => `${x.id}:${x.phase}`)).toEqual([]);
    expect(usable).toHaveLength(56);
    const violations = rec.violations();
    expect(rec.samples.length).toBeGreaterThan(1000);
    expect(violations.slice(0, 5)).toEqual([]);
    expect([...rec.overlaps.keys()]).toEqual([]);
    expect(rec.alarms.filter((a) => a.kind === 'landed_away').map((a) => a.message)).toEqual([]);
    expect(left.map((x) => `${x.id}:${x.status}`)).toEqual([]);
  }, 300_000);
});
