/**
 * `npm run bench:fleet` — fleet capacity under a patrol load, with deconfliction on and off (the cost of
 * safety). 56 docks (the sample city's count) on a 1 km grid fly continuous overlapping corridor patrols
 * through the real DroneOpsService (SQLite store, in-process scheduler, the in-memory vehicle link),
 * while emergencies are dispatched every 250 ms. Figures: drones airborne at once (peak), sorties per
 * simulated hour, dispatch-to-launch latency (dispatch call → mission in_flight). The two configurations
 * alternate (A, B, A, B, …) and medians are printed with the load average.
 */
import { loadavg } from 'node:os';
import { EventBus } from '../kernel/bus.js';
import { systemClock } from '../kernel/clock.js';
import { createDatabase, migrate } from '../kernel/db/index.js';
import { silentLogger } from '../kernel/logger.js';
import { FakeDroneLink } from '../drone-ops/link/index.js';
import { MemoryJobScheduler } from '../drone-ops/scheduler/index.js';
import { DEFAULT_DRONE_TYPE, DroneOpsService } from '../drone-ops/service/index.js';
import { droneOpsMigrations, KyselyDroneOpsStore, LocalIntentRegistry, type IntentRegistry } from '../drone-ops/store/index.js';
import { LocalPlane } from '../drone-ops/index.js';

const DOCKS = 56;
const RUN_MS = Number(process.env.BENCH_FLEET_MS ?? 6_000);
const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 3);
const STEP_MS = 20;
const ORIGIN = { lon: 120.38, lat: 36.1 };

if (process.argv.includes('--help')) {
  console.log('usage: npm run bench:fleet   (env BENCH_FLEET_MS per run, default 6000; BENCH_FLEET_ROUNDS, default 3)');
  process.exit(0);
}

/** Deconfliction off: every intent is granted (what a platform without it would do). */
const noDeconfliction: IntentRegistry = {
  checkAndCommit: (intent) => Promise.resolve({ ok: true, intent, preempted: [] } as never),
  remove: () => Promise.resolve(true),
  list: () => Promise.resolve([]),
  close: () => Promise.resolve(),
};

interface Figures {
  peakAirborne: number;
  sortiesPerSimHour: number;
  latencyMedianMs: number;
  refused: number;
  launched: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

async function run(deconfliction: boolean): Promise<Figures> {
  const plane = new LocalPlane(ORIGIN);
  const at = (x: number, y: number) => plane.toLonLat({ x, y });
  const database = await createDatabase({ sqliteFile: ':memory:' });
  await migrate(database, droneOpsMigrations);
  const store = new KyselyDroneOpsStore(database);
  const link = new FakeDroneLink({ stepMs: STEP_MS });
  const bus = new EventBus();
  const scheduler = new MemoryJobScheduler();
  const intents = deconfliction ? new LocalIntentRegistry(store) : noDeconfliction;
  const area = [[[-5000, -5000], [15000, -5000], [15000, 15000], [-5000, 15000], [-5000, -5000]].map(([x, y]) => { const p = at(x!, y!); return [p.lon, p.lat]; })];
  const service = new DroneOpsService({ store, intents, scheduler, link, bus, clock: systemClock, log: silentLogger(), operationAreas: [{ id: 'bench', area: { type: 'Polygon', coordinates: area } }], retryDelayMs: 100, launchAttempts: 50 });
  await service.init();
  await scheduler.start();
  const docks: string[] = [];
  for (let i = 0; i < DOCKS; i++) {
    const id = `dock-${i}`;
    await service.registerDock({ id, location: at((i % 8) * 1000, Math.floor(i / 8) * 1000) });
    await service.registerDrone({ id: `uav-${i}`, typeId: DEFAULT_DRONE_TYPE.id, dockId: id });
    docks.push(id);
  }
  const airborne = new Set<string>();
  let peak = 0;
  const started = new Map<string, number>();
  const latencies: number[] = [];
  const dispatchedAt = new Map<string, number>();
  let completed = 0;
  const planned = new Map<string, number>();
  const compressions: number[] = [];
  bus.on('missionChanged', (c) => {
    if (c.to === 'in_flight') {
      airborne.add(c.missionId);
      peak = Math.max(peak, airborne.size);
      started.set(c.missionId, Date.now());
      const d = dispatchedAt.get(c.missionId);
      if (d !== undefined) latencies.push(Date.now() - d);
    }
    if (c.to === 'completed' || c.to === 'aborted' || c.to === 'failed') {
      airborne.delete(c.missionId);
      if (c.to === 'completed') completed += 1;
      const t = started.get(c.missionId);
      const p = planned.get(c.missionId);
      if (c.to === 'completed' && t !== undefined && p !== undefined) compressions.push(p / ((Date.now() - t) / 1000));
    }
  });
  let refused = 0;
  const end = Date.now() + RUN_MS;
  // Continuous patrols: each dock plans its 1.5 km corridor again as soon as its drone is home.
  const patrol = async (i: number): Promise<void> => {
    while (Date.now() < end) {
      const x = (i % 8) * 1000;
      const y = Math.floor(i / 8) * 1000;
      const line = { type: 'LineString' as const, coordinates: [at(x + 100, y + 50), at(x + 1600, y + 50)].map((p) => [p.lon, p.lat]) };
      const r = await service.planAndSchedule({ dockId: docks[i]!, pattern: { kind: 'corridor', line, widthM: 40, spacingM: 40, altM: 60 } }).catch(() => undefined);
      if (!r?.ok) {
        refused += 1;
        await new Promise((res) => setTimeout(res, 200));
        continue;
      }
      const m = r.missions[0]!;
      planned.set(m.id, m.plan.durationS);
      await new Promise<void>((res) => {
        const off = bus.on('missionChanged', (c) => {
          if (c.missionId === m.id && (c.to === 'completed' || c.to === 'aborted' || c.to === 'failed' || c.to === 'refused')) {
            off();
            res();
          }
        });
      });
    }
  };
  const dispatcher = async (): Promise<void> => {
    let n = 0;
    while (Date.now() < end - 1_000) {
      await new Promise((res) => setTimeout(res, 250));
      const t0 = Date.now();
      const target = at(((n * 2654) % 7000) + 200, ((n * 1597) % 6000) + 200);
      n += 1;
      const r = await service.dispatchInspection({ ...target, priority: 'emergency', hoverS: 10 }).catch(() => undefined);
      if (r?.ok) dispatchedAt.set(r.mission.id, t0);
    }
  };
  const realStart = Date.now();
  await Promise.all([...docks.map((_, i) => patrol(i)), dispatcher()]);
  const realS = (Date.now() - realStart) / 1000;
  // Time compression of the in-memory vehicle: planned flight seconds per real second of flight.
  const compression = median(compressions);
  await scheduler.close();
  service.close();
  link.close();
  await database.close();
  return { peakAirborne: peak, sortiesPerSimHour: completed / ((realS * Math.max(1, compression)) / 3600), latencyMedianMs: median(latencies), refused, launched: latencies.length };
}

const results: Record<'on' | 'off', Figures[]> = { on: [], off: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.on.push(await run(true));
  results.off.push(await run(false));
}
const summary = (xs: Figures[]) => ({
  peakAirborne: median(xs.map((x) => x.peakAirborne)),
  sortiesPerSimHour: Math.round(median(xs.map((x) => x.sortiesPerSimHour))),
  dispatchToLaunchMs: Math.round(median(xs.map((x) => x.latencyMedianMs))),
  emergenciesLaunched: median(xs.map((x) => x.launched)),
  refusedFirings: median(xs.map((x) => x.refused)),
});
const on = summary(results.on);
const off = summary(results.off);
console.log(`fleet bench: ${DOCKS} docks, ${ROUNDS} alternating rounds of ${RUN_MS} ms, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('                         deconfliction on   deconfliction off   on/off');
for (const k of Object.keys(on) as (keyof typeof on)[]) {
  console.log(`${k.padEnd(25)}${String(on[k]).padStart(16)}${String(off[k]).padStart(20)}${(off[k] === 0 ? '–' : (on[k] / off[k]).toFixed(2)).padStart(9)}`);
}
