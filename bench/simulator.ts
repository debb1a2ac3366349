/**
 * node --import tsx bench/simulator.ts — can one simulator process drive a city? (issue #6)
 *
 * Starts `citybrain start` as a child process (embedded broker and stores), provisions N devices through
 * the HTTP import API, then runs the sensor fleet (simulators/fleet.ts) in this process:
 *   ramp     every device connects (bounded connection rate) → connections/s
 *   steady   each device reports at devices/rate intervals, QoS 1 → acknowledged readings/s
 * and prints the CPU both processes used, the simulator's event-loop delay and memory, so it is clear
 * which side is the bottleneck. Target: 20k connected devices and 20k readings/s from one process; the
 * machine caps open files at 20,000 per process (constraints.md), for the simulator and the broker alike.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadDistrictsGeoJson } from '../simulators/city.js';
import { fleetCredentials, startFleet, type Fleet, type FleetOptions } from '../simulators/fleet.js';
import { placeDevices } from '../simulators/placement.js';
import { formatSummary } from '../simulators/progress.js';
import type { DeviceCredential } from '../simulators/provision.js';
import { startMosquitto } from '../test/servers/mosquitto.js';
import { parseArgs, startPlatformProcess } from './lib.js';

const HELP = `Usage: node --import tsx bench/simulator.ts [options]

  --devices N        simulated devices, one MQTT connection each   (default 10000)
  --rate R           target readings/s over the fleet (steady)     (default 20000)
  --connect-rate C   connections started per second (ramp)         (default 2000)
  --seconds S        steady-state duration                         (default 15)
  --processes P      simulator processes (1 = this one)            (default 1)
  --qos Q            0 or 1                                        (default 1)
  --loaded-ramp      report while ramping (default: quiet ramp, so connections/s is measured alone)
  --broker B         citybrain (a \`citybrain start\` child, provisioned over HTTP) or mosquitto
                     (Debian's, no auth, no store: a peer far faster than ours, so what is left is the
                     simulator's own ceiling)                        (default citybrain)

The open-file limit (ulimit -n; 20,000 here) bounds connections per process on both sides: keep
--devices below it (the broker process also needs descriptors for its listeners and stores).`;

const opts = parseArgs(process.argv.slice(2), { devices: 10_000, rate: 20_000, 'connect-rate': 2_000, seconds: 15, processes: 1, qos: 1, 'loaded-ramp': false, broker: 'citybrain' }, HELP);

/** utime + stime of a process, seconds (Linux /proc; clock ticks are 100/s on Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function openFileLimit(): string {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return line?.split(/\s{2,}/).slice(1, 3).join(' soft / ') + ' hard' || 'unknown';
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (cpu: number, wall: number) => `${((100 * cpu) / wall).toFixed(0)}%`;

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** CPU share of this process and of the platform from now until the returned function is called. */
function meter(platformPid: number) {
  const cpu = process.cpuUsage();
  const pcpu = cpuSeconds(platformPid);
  const t = Date.now();
  return () => {
    const wall = (Date.now() - t) / 1000;
    const own = process.cpuUsage(cpu);
    return { wall, sim: pct((own.user + own.system) / 1e6, wall), platform: pct(cpuSeconds(platformPid) - pcpu, wall) /* the broker process: citybrain or mosquitto */ };
  };
}

const rss = () => `${fmt(process.memoryUsage().rss / 2 ** 20)} MiB`;

/** Ramp: every device connects (telemetry held back unless --loaded-ramp) → connections/s. */
async function rampPhase(fleet: Fleet, devices: number, pid: number): Promise<void> {
  const m = meter(pid);
  await fleet.ramped;
  const all = await waitFor(() => fleet.progress().connected >= devices, 60_000);
  const r = m();
  const connected = fleet.progress().connected;
  console.log(`ramp: ${fmt(connected)}/${fmt(devices)} connected${all ? '' : ' (timed out)'} in ${r.wall.toFixed(1)} s = ${fmt(connected / r.wall)} connections/s`);
  console.log(`      CPU simulator ${r.sim}, broker ${r.platform}; simulator RSS ${rss()}`);
}

/** Steady state: every device reporting at devices/rate intervals → readings/s. */
async function steadyPhase(fleet: Fleet, pid: number): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const s0 = fleet.progress();
  const m = meter(pid);
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  const r = m();
  loop.disable();
  const s1 = fleet.progress();
  console.log(`steady: ${fmt((s1.acked - s0.acked) / r.wall)} readings/s acknowledged, ${fmt((s1.sent - s0.sent) / r.wall)} sent/s (target ${fmt(opts.rate)}), ` +
    `${fmt(s1.sent - s1.acked)} in flight, ${fmt(s1.dropped - s0.dropped)} dropped (device buffer full), errors ${s1.errors}`);
  console.log(`        CPU simulator ${r.sim}, broker ${r.platform} (of one core; the machine has 2)`);
  console.log(`        simulator event-loop delay p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms; RSS ${rss()}`);
  if (opts.processes > 1) console.log('        (simulator CPU and memory above are the parent only; the children hold the connections)');
}

interface Target {
  mqttUrl: string;
  pid: number;
  creds: DeviceCredential[];
  stop(): Promise<void>;
}

/** The broker under the fleet, with the fleet's credentials (provisioned through the API, or made up). */
async function startTarget(base: Omit<FleetOptions, 'mqttUrl' | 'httpUrl'>): Promise<Target> {
  const t = Date.now();
  if (opts.broker === 'mosquitto') {
    const m = await startMosquitto();
    const placed = placeDevices(await loadDistrictsGeoJson(), { devices: base.devices, seed: base.seed });
    return { mqttUrl: m.url, pid: m.child.pid!, creds: placed.map((d) => ({ id: d.id, kind: d.kind, password: 'unused' })), stop: () => m.stop() };
  }
  const platform = await startPlatformProcess({ CITYBRAIN_MQTT_MAX_CONNECTIONS: String(base.devices + 500) });
  const mqttUrl = `mqtt://127.0.0.1:${platform.mqttPort}`;
  try {
    const creds = await fleetCredentials({ ...base, httpUrl: platform.httpUrl, token: platform.token, mqttUrl });
    console.log(`provisioned ${fmt(creds.length)} devices through the import API in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return { mqttUrl, pid: platform.child.pid!, creds, stop: () => platform.stop() };
  } catch (err) {
    await platform.stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const devices = opts.devices;
  console.log(`simulator bench: ${fmt(devices)} devices, target ${fmt(opts.rate)} readings/s, ${opts.processes} simulator process(es), broker ${opts.broker}`);
  console.log(`open-file limit per process: ${openFileLimit()}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other work on this machine skews every figure)`);
  const base = {
    devices,
    seed: 7,
    provision: true,
    intervalMs: (devices / opts.rate) * 1000,
    qos: opts.qos === 0 ? (0 as const) : (1 as const),
    connectRate: opts['connect-rate'],
    processes: opts.processes,
    quietRamp: !opts['loaded-ramp'],
  };
  const target = await startTarget(base);
  try {
    const fleet = startFleet(target.creds, {
      ...base,
      httpUrl: '',
      mqttUrl: target.mqttUrl,
      onProgress: (p) => p.elapsedMs % 5_000 < 1_000 && console.log(`  connected ${fmt(p.connected)}, +${fmt(p.connectsPerSec)}/s, errors ${p.errors}`),
    });
    await rampPhase(fleet, devices, target.pid);
    await steadyPhase(fleet, target.pid);
    const t = Date.now();
    const summary = await fleet.stop();
    console.log(`stop: offline status + disconnect for ${fmt(devices)} devices in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    for (const line of formatSummary(summary)) console.log(`  ${line}`);
  } finally {
    await target.stop();
  }
}

await main();
