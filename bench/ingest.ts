/**
 * npm run bench:ingest — device → broker → contract → store, beside the stack a city integrator would
 * otherwise build, in the same run.
 *
 * Systems, alternated round by round (A, B, A, B…) so a noisy machine hurts each alike:
 *   citybrain-influx     a `citybrain start` child (embedded broker) writing to InfluxDB 1.6.7
 *   node-red             Mosquitto → Node-RED 4.x (mqtt in → json → function → influxdb batch) → InfluxDB 1.6.7
 *   citybrain-embedded   a `citybrain start` child with the embedded SQLite store
 *   citybrain-threads    as citybrain-influx, telemetry written by `--workers` threads (CITYBRAIN_INGEST_WORKERS)
 *   citybrain-main       as citybrain-influx, telemetry written on the main thread (CITYBRAIN_INGEST_WORKERS=0)
 *   mosquitto            Mosquitto's bare QoS 1 relay to one subscriber: no parsing, no store — the ceiling
 * Each system gets its own fresh servers. The same generator (200 QoS 1 publishers) runs two phases:
 *   saturation   each device keeps `window` readings unacknowledged for `seconds`
 *   fixed rate   `rate` readings/s for `seconds`
 * "Stored" is counted in InfluxDB (the same count query for both systems, polled while the phase runs and
 * until it stops growing); "lost" = acknowledged by the broker − present. For citybrain a PUBACK is sent
 * only once the reading is durable, so publish → PUBACK is publish → durable.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startInflux } from '../test/servers/influx.js';
import { startMosquitto } from '../test/servers/mosquitto.js';
import { startPostgres } from '../test/servers/postgres.js';
import { startRedis } from '../test/servers/redis.js';
import { countPoints, presenceLatency, watchPresence } from './influx-count.js';
import { closeAll, connectAll, fixedRate, makePayloads, saturate, subscribe, type ClientKind, type Device, type PhaseResult } from './ingest-load.js';
import { api, cpuSeconds, machineCpuSeconds, mainThreadCpuSeconds, parseArgs, startPlatformProcess, type PlatformProcess } from './lib.js';
import { startNodeRed } from './node-red-peer.js';
import { report, type RunResult, type PhaseSummary } from './ingest-report.js';

const HELP = `Usage: npm run bench:ingest -- [options]

  --devices N     simulated devices (MQTT connections)                     (default 200)
  --seconds S     duration of each phase                                    (default 10)
  --window W      QoS 1 readings in flight per device (saturation)          (default 50)
  --rate R        readings/s in the fixed-rate phase                        (default 20000)
  --pairs P       rounds; each runs every system once, alternating          (default 3)
  --systems LIST  comma list of: citybrain-influx,node-red,citybrain-embedded,mosquitto,citybrain-threads,
                  citybrain-main,baseline,cluster2,citybrain-variant        (default: the first four)
                  citybrain-threads: as citybrain-influx with CITYBRAIN_INGEST_WORKERS=<--workers>
                  citybrain-main: as citybrain-influx with CITYBRAIN_INGEST_WORKERS=0 (no write thread)
  --workers N     write threads of system citybrain-threads                 (default 1)
                  cluster2: two \`citybrain start\` processes (CITYBRAIN_MQTT_CLUSTER=on, Redis, PostgreSQL,
                  InfluxDB), half the devices on each: both cores for the broker
  --variant ENV   system citybrain-variant: as citybrain-influx with these settings (after a space, not =), e.g.
                  CITYBRAIN_TELEMETRY_BATCH_SIZE=5000,CITYBRAIN_INGEST_MAX_INFLIGHT=20000 (a default beside its change)
  --baseline DIR  another checkout of citybrain (npm ci done) run as system "baseline" (→ InfluxDB):
                  before/after figures for a change, GC share included
  --client C      the generator's MQTT client: lean (bench/mqtt-load-client.ts: the same bytes and writes
                  as mqtt.js for a fraction of its CPU) or mqtt.js                    (default lean)
  --profile       run the platform with --cpu-prof (profiles kept in a temporary folder, GC share from
                  them); off by default: the profiler costs the platform CPU that the peer does not pay
Node-RED 4.x and node-red-contrib-influxdb 0.7 are installed on first use into .tmp/node-red (bench only).`;

const opts = parseArgs(
  process.argv.slice(2),
  { devices: 200, seconds: 10, window: 50, rate: 20_000, pairs: 3, systems: 'citybrain-influx,node-red,citybrain-embedded,mosquitto', baseline: '', workers: 1, variant: '', profile: false, client: 'lean' },
  HELP,
);
const DB = 'bench';
const client = opts.client as ClientKind;
if (client !== 'lean' && client !== 'mqtt.js') throw new Error(`--client must be lean or mqtt.js\n\n${HELP}`);
const SYSTEMS = ['citybrain-influx', 'node-red', 'citybrain-embedded', 'mosquitto', 'citybrain-threads', 'citybrain-main', 'baseline', 'cluster2', 'citybrain-variant'] as const;
type System = (typeof SYSTEMS)[number];

/** Distinct timestamp ranges per phase, so each phase's stored count is a time-range query. */
const RANGES = { sat: Date.now() - 6 * 3_600_000, fixed: Date.now() - 3 * 3_600_000 };
const RANGE_MS = 2 * 3_600_000;

async function provision(p: PlatformProcess, n: number): Promise<Device[]> {
  const rows = ['id,kind,lon,lat,name,asset,tags'];
  for (let i = 0; i < n; i++) rows.push(`bench-w${i},water,${(120.36 + (i % 20) * 0.002).toFixed(5)},${(36.07 + Math.floor(i / 20) * 0.002).toFixed(5)},bench ${i},main-${i % 10},bench`);
  const r = await api<{ created: number; devices: { id: string; credentials: { password: string } }[]; errors: unknown[] }>(p, 'POST', '/api/v1/devices/import', rows.join('\n'), 'text/csv');
  if (r.created !== n) throw new Error(`provisioned ${r.created}/${n}: ${JSON.stringify(r.errors.slice(0, 3))}`);
  return r.devices.map((d) => ({ id: d.id, password: d.credentials.password }));
}

/** Stored count through the platform's HTTP API (the embedded store has no InfluxDB to ask). */
async function countViaApi(p: PlatformProcess, devices: Device[], from: number): Promise<number> {
  let total = 0;
  for (const d of devices) {
    const b = await api<{ buckets: { count: number }[] }>(p, 'GET', `/api/v1/devices/${d.id}/readings?metric=pressure_mpa&from=${from}&to=${from + RANGE_MS}&every=1d`);
    for (const x of b.buckets) total += x.count;
  }
  return total;
}

type Runner = (phase: 'sat' | 'fixed') => Promise<PhaseResult>;

/** Processes whose CPU a phase reports (name → pid); `main:` names count that process's main thread alone. */
type Watched = Record<string, number>;

function cpuOf(procs: Watched): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(procs)) {
    try {
      out[name] = name.startsWith('main:') ? mainThreadCpuSeconds(pid) : cpuSeconds(pid);
    } catch {
      out[name] = NaN; // exited
    }
  }
  return out;
}

/**
 * One line: the generator's CPU per acknowledged reading during the phase (and its event-loop lag), each
 * watched process's CPU per stored reading from the phase's start until the count stopped growing, and the
 * machine's busy share of that time (2 cores = 200 %).
 */
function cpuLine(gen: PhaseResult, stored: number, procs: Watched, before: Record<string, number>, m0: ReturnType<typeof machineCpuSeconds>): string {
  const after = cpuOf(procs);
  const m1 = machineCpuSeconds();
  const us = (s: number, n: number): string => ((s * 1e6) / Math.max(1, n)).toFixed(1);
  const parts = [`generator ${us(gen.cpuMicros / 1e6, gen.acked)} µs/reading (${((gen.cpuMicros / 1e6 / gen.seconds) * 100).toFixed(0)} % of a core, lag p99 ${gen.lagP99.toFixed(0)} ms)`];
  for (const name of Object.keys(procs)) parts.push(`${name} ${us(after[name]! - before[name]!, stored)}`);
  const cores = (m1.total - m0.total) > 0 ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100 * availableParallelism() : NaN;
  return `${parts.join(', ')} µs/stored reading; machine busy ${cores.toFixed(0)} % of ${availableParallelism() * 100} %`;
}

/** Runs a phase while watching InfluxDB; stored/s = present ÷ (time until the count stopped growing). */
async function phaseIntoInflux(url: string, phase: 'sat' | 'fixed', run: Runner, procs: Watched = {}): Promise<PhaseSummary> {
  const from = RANGES[phase];
  const watch = watchPresence(url, DB, from, from + RANGE_MS);
  const cpu0 = cpuOf(procs);
  const m0 = machineCpuSeconds();
  const t0 = performance.now();
  const gen = await run(phase);
  const { present, lastGrowth } = await watch.settle(gen.acked);
  const cpu = cpuLine(gen, present, procs, cpu0, m0);
  const present2 = await countPoints(url, DB, from, from + RANGE_MS);
  const storedSeconds = Math.max(gen.seconds, (lastGrowth - t0) / 1000);
  const vis = presenceLatency(gen.publishedAt, watch.samples);
  return { gen, present: Math.max(present, present2), storedPerSecond: present2 / storedSeconds, visibleP50: vis.p50, visibleP99: vis.p99, cpu };
}

/**
 * GC share of the platform's main thread: with `--profile`, '(garbage collector)' samples ÷ non-idle samples
 * of its CPU profile; otherwise GC pause time (the platform's own nodejs_gc_duration_seconds) ÷ the main
 * thread's CPU time, both over the whole run.
 */
function gcShare(p: PlatformProcess, metricsText: string | undefined, mainCpuSeconds: number): string | undefined {
  const dir = profDirs.get(p);
  if (!dir) {
    if (metricsText === undefined) return undefined;
    let gc = 0;
    for (const l of metricsText.split('\n')) if (l.startsWith('nodejs_gc_duration_seconds_sum')) gc += Number(l.slice(l.lastIndexOf(' ') + 1));
    return `GC ${((gc / Math.max(1e-9, mainCpuSeconds)) * 100).toFixed(1)} % of the main thread's CPU`;
  }
  // With worker threads each thread writes a profile: the main thread's is the largest.
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  if (!file) return undefined;
  const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Array<{ id: number; callFrame: { functionName: string } }>; samples: number[] };
  const name = new Map(prof.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let gc = 0;
  let busy = 0;
  for (const id of prof.samples) {
    const f = name.get(id);
    if (f === '(idle)') continue;
    busy++;
    if (f === '(garbage collector)') gc++;
  }
  return `GC ${((gc / Math.max(1, busy)) * 100).toFixed(1)} % of busy samples (profile in ${dir})`;
}

/** Readings written and store writes so far, from the platform's /metrics. */
function writeCounts(text: string): { written: number; writes: number } {
  const value = (name: string): number => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').filter((l) => l.startsWith(`${name}{writer="telemetry"} `)).join('\n'))?.[2]);
  return { written: value('citybrain_telemetry_written_total'), writes: value('citybrain_telemetry_write_duration_seconds_count') };
}

/** Readings per store write in each phase (group commit makes batches smaller when the store is idle). */
function meanBatch(perPhase: { written: number; writes: number }[]): string | undefined {
  if (!perPhase.every((c) => c.writes > 0)) return undefined;
  return `readings per store write ${perPhase.map((c) => Math.round(c.written / c.writes)).join(' saturated, ')} at the fixed rate`;
}

const profDirs = new WeakMap<PlatformProcess, string>();

/**
 * A platform process; with `--profile`, one that writes CPU profiles at exit. Not by default: the profiler's
 * sampling threads and signals cost the platform CPU the peer does not pay.
 */
async function startProfiled(env: Record<string, string>, cwd?: string): Promise<PlatformProcess> {
  if (!opts.profile) return startPlatformProcess(env, [], cwd);
  const dir = mkdtempSync(join(tmpdir(), 'cb-prof-'));
  const p = await startPlatformProcess(env, ['--cpu-prof', `--cpu-prof-dir=${dir}`], cwd);
  profDirs.set(p, dir);
  return p;
}

async function runCitybrain(store: 'influx' | 'embedded', cwd?: string, env: Record<string, string> = {}): Promise<RunResult> {
  const influx = store === 'influx' ? await startInflux() : null;
  const p = await startProfiled({ ...(influx ? { INFLUX_URL: influx.url, INFLUX_DB: DB } : {}), ...env }, cwd);
  try {
    const devices = await provision(p, opts.devices);
    const clients = await connectAll(`mqtt://127.0.0.1:${p.mqttPort}`, devices, true, client);
    const topicOf = (i: number): string => `devices/${devices[i]!.id}/telemetry`;
    const run: Runner = (phase) => {
      const payloads = makePayloads(devices.length, RANGES[phase]);
      return phase === 'sat' ? saturate(clients, topicOf, payloads, opts.seconds, opts.window) : fixedRate(clients, topicOf, payloads, opts.seconds, opts.rate);
    };
    const phases: Partial<RunResult> = {};
    const cpu0 = cpuSeconds(p.child.pid!);
    const pid = p.child.pid!;
    const counts = [{ written: 0, writes: 0 }];
    for (const phase of ['sat', 'fixed'] as const) {
      if (influx) phases[phase] = await phaseIntoInflux(influx.url, phase, run, { platform: pid, 'main:platform main thread': pid, influxd: influx.child.pid! });
      else {
        const procs = { platform: pid, 'main:platform main thread': pid };
        const [cpu0, m0] = [cpuOf(procs), machineCpuSeconds()];
        const gen = await run(phase);
        phases[phase] = { gen, present: -1, storedPerSecond: gen.perSecond, visibleP50: gen.p50, visibleP99: gen.p99, cpu: cpuLine(gen, gen.acked, procs, cpu0, m0) };
      }
      counts.push(writeCounts(await (await fetch(`${p.httpUrl}/metrics`)).text()));
    }
    const cpu = cpuSeconds(p.child.pid!) - cpu0;
    const mainCpu = mainThreadCpuSeconds(p.child.pid!);
    const metricsText = await (await fetch(`${p.httpUrl}/metrics`)).text();
    const batch = meanBatch(counts.slice(1).map((c, i) => ({ written: c.written - counts[i]!.written, writes: c.writes - counts[i]!.writes })));
    await closeAll(clients);
    if (!influx) for (const phase of ['sat', 'fixed'] as const) phases[phase]!.present = await countViaApi(p, devices, RANGES[phase]);
    await p.stop();
    const cpuPerReading = (cpu * 1e6) / (phases.sat!.gen.acked + phases.fixed!.gen.acked);
    return { sat: phases.sat!, fixed: phases.fixed!, cpuPerReading, note: [gcShare(p, metricsText, mainCpu), `platform CPU ${cpuPerReading.toFixed(1)} µs/reading`, batch].filter(Boolean).join('; ') };
  } finally {
    await p.stop();
    await influx?.stop();
  }
}

/** Two broker nodes of one cluster on this machine, the devices split between them (what a TCP balancer does). */
async function runCluster2(): Promise<RunResult> {
  const [influx, redis, pg] = await Promise.all([startInflux(), startRedis(), startPostgres()]);
  const env = { INFLUX_URL: influx.url, INFLUX_DB: DB, REDIS_URL: redis.url, DATABASE_URL: pg.url, CITYBRAIN_MQTT_CLUSTER: 'on', CITYBRAIN_CREDENTIAL_KEY: 'ab'.repeat(32) };
  const nodes: PlatformProcess[] = [];
  try {
    nodes.push(await startProfiled(env));
    nodes.push(await startProfiled(env));
    const devices = await provision(nodes[0]!, opts.devices);
    const clients = [
      ...(await connectAll(`mqtt://127.0.0.1:${nodes[0]!.mqttPort}`, devices.filter((_, i) => i % 2 === 0), true, client)),
      ...(await connectAll(`mqtt://127.0.0.1:${nodes[1]!.mqttPort}`, devices.filter((_, i) => i % 2 === 1), true, client)),
    ];
    const ordered = [...devices.filter((_, i) => i % 2 === 0), ...devices.filter((_, i) => i % 2 === 1)];
    const topicOf = (i: number): string => `devices/${ordered[i]!.id}/telemetry`;
    const run: Runner = (phase) => {
      const payloads = makePayloads(ordered.length, RANGES[phase]);
      return phase === 'sat' ? saturate(clients, topicOf, payloads, opts.seconds, opts.window) : fixedRate(clients, topicOf, payloads, opts.seconds, opts.rate);
    };
    // CPU of both broker processes and of Redis (the cluster's shared state is part of its cost).
    const pids = [...nodes.map((n) => n.child.pid!), redis.child.pid!];
    const cpu0 = pids.map(cpuSeconds);
    const sat = await phaseIntoInflux(influx.url, 'sat', run);
    const fixed = await phaseIntoInflux(influx.url, 'fixed', run);
    const cpu = pids.reduce((a, pid, i) => a + cpuSeconds(pid) - cpu0[i]!, 0);
    await closeAll(clients);
    for (const n of nodes) await n.stop();
    const cpuPerReading = (cpu * 1e6) / (sat.gen.acked + fixed.gen.acked);
    return { sat, fixed, cpuPerReading, note: [...nodes.map((n) => gcShare(n, undefined, 0)), `platform + Redis CPU ${cpuPerReading.toFixed(1)} µs/reading`].join('; ') };
  } finally {
    for (const n of nodes) await n.stop();
    await Promise.all([influx.stop(), redis.stop(), pg.stop()]);
  }
}

async function runNodeRed(): Promise<RunResult> {
  const [influx, mosq] = await Promise.all([startInflux(), startMosquitto()]);
  try {
    await fetch(`${influx.url}/query?${new URLSearchParams({ q: `CREATE DATABASE "${DB}"` }).toString()}`, { method: 'POST' });
    const red = await startNodeRed(mosq.port, influx.port, DB);
    try {
      const devices = Array.from({ length: opts.devices }, (_, i) => ({ id: `peer-w${i}`, password: '' }));
      const clients = await connectAll(mosq.url, devices, false, client);
      const topicOf = (i: number): string => `bench/${devices[i]!.id}/telemetry`;
      const run: Runner = (phase) => {
        const payloads = makePayloads(devices.length, RANGES[phase]);
        return phase === 'sat' ? saturate(clients, topicOf, payloads, opts.seconds, opts.window) : fixedRate(clients, topicOf, payloads, opts.seconds, opts.rate);
      };
      const procs = { mosquitto: mosq.child.pid!, 'node-red': red.child.pid!, influxd: influx.child.pid! };
      const sat = await phaseIntoInflux(influx.url, 'sat', run, procs);
      const fixed = await phaseIntoInflux(influx.url, 'fixed', run, procs);
      await closeAll(clients);
      return { sat, fixed };
    } finally {
      await red.stop();
    }
  } finally {
    await mosq.stop();
    await influx.stop();
  }
}

/** Mosquitto relaying the same QoS 1 load to one QoS 1 subscriber: delivered/s is the ceiling. */
async function runMosquitto(): Promise<RunResult> {
  const m = await startMosquitto();
  try {
    const devices = Array.from({ length: opts.devices }, (_, i) => ({ id: `peer-${i}`, password: '' }));
    let delivered = 0;
    let lastAt = 0;
    const sub = await subscribe(m.url, 'bench-sub', 'bench/#', client, () => {
      delivered++;
      lastAt = performance.now();
    });
    const clients = await connectAll(m.url, devices, false, client);
    const procs = { mosquitto: m.child.pid! };
    const [cpu0, m0] = [cpuOf(procs), machineCpuSeconds()];
    const t0 = performance.now();
    const gen = await saturate(clients, (i) => `bench/${i}`, makePayloads(devices.length, RANGES.sat), opts.seconds, opts.window);
    while (delivered < gen.acked && performance.now() - lastAt < 2000) await new Promise((r) => setTimeout(r, 100));
    const secs = (Math.max(lastAt, t0 + gen.seconds * 1000) - t0) / 1000;
    // The generator's figure includes the subscriber's receiving (same process).
    const cpu = cpuLine(gen, delivered, procs, cpu0, m0);
    await closeAll([...clients, sub]);
    const phase: PhaseSummary = { gen, present: delivered, storedPerSecond: delivered / secs, visibleP50: NaN, visibleP99: NaN, cpu };
    return { sat: phase };
  } finally {
    await m.stop();
  }
}

const RUNNERS: Record<System, () => Promise<RunResult>> = {
  'citybrain-influx': () => runCitybrain('influx'),
  'node-red': runNodeRed,
  'citybrain-embedded': () => runCitybrain('embedded'),
  mosquitto: runMosquitto,
  'citybrain-threads': () => runCitybrain('influx', undefined, { CITYBRAIN_INGEST_WORKERS: String(opts.workers) }),
  'citybrain-main': () => runCitybrain('influx', undefined, { CITYBRAIN_INGEST_WORKERS: '0' }),
  'citybrain-variant': () => {
    const env = Object.fromEntries(String(opts.variant).split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    if (Object.keys(env).length === 0) throw new Error('system "citybrain-variant" needs --variant K=V,...');
    return runCitybrain('influx', undefined, env);
  },
  cluster2: runCluster2,
  baseline: () => {
    if (!opts.baseline) throw new Error('system "baseline" needs --baseline DIR');
    return runCitybrain('influx', resolve(opts.baseline));
  },
};

async function main(): Promise<void> {
  const systems = String(opts.systems).split(',').map((s) => s.trim()).filter(Boolean) as System[];
  for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`unknown system ${s}\n\n${HELP}`);
  const load0 = loadavg();
  console.log(`bench:ingest — ${opts.devices} devices, ${opts.seconds} s per phase, window ${opts.window}, fixed ${opts.rate}/s, ${opts.pairs} rounds, generator client ${client}, node ${process.version}`);
  console.log(`load average at start: ${load0.map((x) => x.toFixed(2)).join(' ')}`);
  const results: Record<string, RunResult[]> = {};
  for (let round = 1; round <= opts.pairs; round++) {
    for (const s of systems) {
      const r = await RUNNERS[s]();
      (results[s] ??= []).push(r);
      report.run(s, round, r, opts.rate);
    }
  }
  report.summary(results, opts.rate);
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
