/**
 * node --import tsx bench/drones.ts — MAVLink supervision on one core (issue #5 part 5).
 *
 * The simulated fleet runs in a child process (the other core); this process holds one MavlinkLink per
 * vehicle over loopback UDP, decodes 5 Hz position and 1 Hz status telemetry, sends 1 Hz GCS heartbeats,
 * and measures its event-loop lag (perf_hooks.monitorEventLoopDelay). Then it times 200-item uploads.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { MavlinkLink } from '../drone-ops/mavlink/link.js';
import { squareMission } from '../drone-ops/mavlink/testing.js';
import { parseArgs } from './lib.js';

const HELP = `Usage: node --import tsx bench/drones.ts [options]

  --vehicles N   simulated vehicles (child process), one link each   (default 500)
  --seconds N    supervision window measured for lag and rates        (default 10)
  --items N      mission items per timed upload                       (default 200)
  --uploads N    timed uploads (sequential, one vehicle)              (default 5)
  --tick N       simulator tick in ms: 200 = 5 Hz position            (default 200)`;
const opts = parseArgs(process.argv.slice(2), { vehicles: 500, seconds: 10, items: 200, uploads: 5, tick: 200 }, HELP);

const child = spawn(process.execPath, ['--import', 'tsx', new URL('../simulators/vehicle/fleet-child.ts', import.meta.url).pathname, String(opts.vehicles), String(opts.tick)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
const { ports } = JSON.parse(line) as { ports: number[] };

const links = ports.map((port) => new MavlinkLink({ endpoint: { kind: 'udp', host: '127.0.0.1', port }, connectTimeoutMs: 30_000 }));
const c0 = performance.now();
await Promise.all(links.map((l) => l.connect()));
console.log(`connected ${links.length} vehicles in ${(performance.now() - c0).toFixed(0)} ms`);

// Warm up one telemetry cycle, then measure.
await new Promise((r) => setTimeout(r, 2000));
let positions = 0;
const offs = links.map((l) => l.events.on('state', (s) => void (s.position && positions++)));
const framesBefore = links.reduce((n, l) => n + l.counters.framesIn, 0);
// Resolution 1 ms: the histogram records timer delay including the sampling interval, so keep it small.
const h = monitorEventLoopDelay({ resolution: 1 });
const cpu0 = process.cpuUsage();
h.enable();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, opts.seconds * 1000));
h.disable();
const elapsedS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const frames = links.reduce((n, l) => n + l.counters.framesIn, 0) - framesBefore;
offs.forEach((off) => off());
const healthy = links.filter((l) => l.state.health === 'ok').length;
const ms = (ns: number): string => (ns / 1e6).toFixed(1);
console.log(`supervision: ${links.length} vehicles, ${opts.seconds} s window`);
console.log(`  frames in        ${(frames / elapsedS).toFixed(0)}/s (state updates ${(positions / elapsedS).toFixed(0)}/s; ${(frames / elapsedS / links.length).toFixed(1)} per vehicle)`);
console.log(`  links ok         ${healthy}/${links.length}`);
console.log(`  event-loop lag   p50 ${ms(h.percentile(50))} ms  p99 ${ms(h.percentile(99))} ms  max ${ms(h.max)} ms  (target < 50 ms)`);
console.log(`  controller CPU   ${(((cpu.user + cpu.system) / 1e6 / elapsedS) * 100).toFixed(0)} % of one core`);

const first = links[0];
if (first) {
  const items = squareMission(opts.items - 3, 40, 30);
  const times: number[] = [];
  for (let i = 0; i < opts.uploads; i++) {
    const u0 = performance.now();
    const r = await first.uploadMission(items);
    times.push(performance.now() - u0);
    if (r.resends > 0) console.log(`  upload ${i}: ${r.resends} re-sends`);
  }
  times.sort((a, b) => a - b);
  console.log(`upload of ${items.length} items on loopback while supervising: median ${times[Math.floor(times.length / 2)]?.toFixed(0)} ms, max ${times[times.length - 1]?.toFixed(0)} ms (target < 2000 ms)`);
}

await Promise.all(links.map((l) => l.close()));
child.stdin.end();
await once(child, 'exit');
