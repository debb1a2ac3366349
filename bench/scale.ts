/**
 * bench:scale — broker nodes on this machine, devices ramped in steps: N cluster nodes on one Redis beside
 * one node with cluster off, the same steps each, alternated. Per step: connects/s, readings acknowledged vs
 * stored, RSS per connection over the idle baseline, event-loop lag p99, Redis CPU. Nodes are broker-only
 * processes (broker/testing/node.ts: a synthetic fleet, a counting sink) so the figures are the broker's;
 * devices are raw MQTT sockets in forked generators (bench/scale-gen.ts), each under the open-file cap.
 */
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { forkNode, type NodeProcess, type NodeStats } from '../broker/testing/node.js';
import { startRedis, type RedisServer } from '../test/servers/redis.js';
import { parseArgs } from './lib.js';
import { forkGen, type Gen } from './scale-gen-client.js';

const HELP = `npm run bench:scale -- [options]
  --nodes N         cluster nodes (default 3)
  --steps LIST      device counts per step, comma-separated (default 2000,5000,10000)
  --perGen N        devices per generator process (default 8000; each process has ~20k file descriptors)
  --concurrency N   connects in flight per generator (default 400)
  --single          also run the same steps on one node with cluster off (default on; --no-single)
  --singleMax N     the single node's steps stop at N devices (default 15000: one process's open-file cap is ~20k)
  --storm N         after the last step, N of the devices drop and reconnect at once while the others stay
                    connected: time until all are back, CONNACK 3 answers, others dropped (default 0: none)
  --hold S          after the last step, hold the fleet S seconds while every device sends one QoS 1 reading
                    spread evenly over them (a city's steady traffic): readings/s, acked vs stored and the
                    nodes' event-loop lag p99 over the hold (default 30; 0: no hold)`;

const args = parseArgs(process.argv.slice(2), { nodes: 3, steps: '2000,5000,10000', perGen: 8000, concurrency: 400, single: true, singleMax: 15_000, storm: 0, hold: 30 }, HELP);
const steps = args.steps.split(',').map(Number);

async function redisCpu(r: Redis): Promise<number> {
  const info = await r.info('cpu');
  const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return v('used_cpu_sys') + v('used_cpu_user');
}

interface Row { system: string; devices: number; connected: number; connectsPerS: number; refused: number; sent: number; acked: number; stored: number; kibPerConn: number; lagP99: number; redisCpuS: number }

async function run(system: string, nodes: NodeProcess[], redis: Redis | undefined, steps: number[]): Promise<Row[]> {
  const ports = nodes.map((n) => n.tcpPort);
  const gens: Gen[] = [];
  const base = await Promise.all(nodes.map((n) => n.stats()));
  const baseRss = base.reduce((a, s) => a + s.rss, 0);
  const rows: Row[] = [];
  let storedBefore = 0;
  for (const target of steps) {
    while (gens.length * args.perGen < target) gens.push(await forkGen());
    const cpu0 = redis ? await redisCpu(redis) : 0;
    await Promise.all(nodes.map((n) => n.stats())); // resets the lag window
    const t0 = Date.now();
    const grown = await Promise.all(gens.map((g, i) => g.ask({ grow: Math.max(0, Math.min(args.perGen, target - i * args.perGen)), ports, offset: i * args.perGen, concurrency: args.concurrency })));
    const ms = Date.now() - t0;
    const connected = grown.reduce((a, g) => a + Number(g.grown), 0);
    const lagStats = await Promise.all(nodes.map((n) => n.stats()));
    const pub = await Promise.all(gens.map((g) => g.ask({ publish: true })));
    const stats: NodeStats[] = await Promise.all(nodes.map((n) => n.stats()));
    const stored = stats.reduce((a, s) => a + s.stored, 0);
    const rss = stats.reduce((a, s) => a + s.rss, 0);
    const prev = rows.at(-1)?.connected ?? 0;
    rows.push({
      system, devices: target, connected,
      connectsPerS: Math.round(((connected - prev) / ms) * 1000),
      refused: grown.reduce((a, g) => a + Number(g.refused), 0),
      sent: pub.reduce((a, p) => a + Number(p.sent), 0), acked: pub.reduce((a, p) => a + Number(p.acked), 0), stored: stored - storedBefore,
      kibPerConn: Math.round((rss - baseRss) / connected / 1024 * 10) / 10,
      lagP99: Math.max(...lagStats.map((s) => s.lagP99), ...stats.map((s) => s.lagP99)),
      redisCpuS: redis ? Math.round(((await redisCpu(redis)) - cpu0) * 100) / 100 : 0,
    });
    storedBefore = stored;
    console.log(JSON.stringify(rows.at(-1)));
  }
  if (args.hold > 0 && rows.length > 0) holds.push(await hold(system, nodes, gens, rows.at(-1)!.devices, storedBefore));
  if (args.storm > 0) storms.push(await reconnectStorm(system, nodes, gens, steps.at(-1)!));
  for (const g of gens) g.child.kill('SIGKILL');
  return rows;
}

interface HoldRow { system: string; devices: number; seconds: number; perS: number; sent: number; acked: number; stored: number; lagP99: number; lagMax: number }
const holds: HoldRow[] = [];

/** `--hold S`: the fleet held S seconds, each device sending one reading spread evenly over them. */
async function hold(system: string, nodes: NodeProcess[], gens: Gen[], devices: number, storedBefore: number): Promise<HoldRow> {
  await Promise.all(nodes.map((n) => n.stats())); // resets the lag window
  const out = await Promise.all(gens.map((g) => g.ask({ trickle: args.hold })));
  const stats = await Promise.all(nodes.map((n) => n.stats()));
  const sent = out.reduce((a, o) => a + Number(o.sent), 0);
  const row: HoldRow = {
    system, devices, seconds: args.hold, perS: Math.round(sent / args.hold), sent,
    acked: out.reduce((a, o) => a + Number(o.acked), 0), stored: stats.reduce((a, s) => a + s.stored, 0) - storedBefore,
    lagP99: Math.max(...stats.map((s) => s.lagP99)), lagMax: Math.max(...stats.map((s) => s.lagMax)),
  };
  console.log(JSON.stringify(row));
  return row;
}

interface StormRow { system: string; devices: number; storm: number; recoveryMs: number; refused: number; othersDropped: number; lagP99: number; sent: number; acked: number }
const storms: StormRow[] = [];

/** `--storm N`: N devices (spread over the generators) reconnect at once; then every device sends a reading. */
async function reconnectStorm(system: string, nodes: NodeProcess[], gens: Gen[], devices: number): Promise<StormRow> {
  await Promise.all(nodes.map((n) => n.stats()));
  const share = Math.ceil(args.storm / gens.length);
  const out = await Promise.all(gens.map((g) => g.ask({ storm: share })));
  const lag = await Promise.all(nodes.map((n) => n.stats()));
  const pub = await Promise.all(gens.map((g) => g.ask({ publish: true })));
  const row: StormRow = {
    system, devices, storm: share * gens.length,
    recoveryMs: Math.max(...out.map((o) => Number(o.ms))),
    refused: out.reduce((a, o) => a + Number(o.refused), 0),
    othersDropped: out.reduce((a, o) => a + Number(o.dropped), 0),
    lagP99: Math.max(...lag.map((s) => s.lagP99)),
    sent: pub.reduce((a, p) => a + Number(p.sent), 0), acked: pub.reduce((a, p) => a + Number(p.acked), 0),
  };
  console.log(JSON.stringify(row));
  return row;
}

const nodeConfig = { mqttMaxConnections: 20_000, mqttMaxPending: 5_000, mqttMaxPendingPerAddress: 5_000, mqttAuthFailuresPerAddress: 1_000_000, mqttConnectTimeoutMs: 30_000 };

async function main(): Promise<void> {
  console.log(`bench:scale  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}  steps ${steps.join(', ')}  nodes ${args.nodes}`);
  const redisServer: RedisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  const all: Row[] = [];
  try {
    const cluster = await Promise.all(Array.from({ length: args.nodes }, () => forkNode({ ...nodeConfig, mqttCluster: true, redisUrl: redisServer.url, mqttClusterPrefix: 'bench:' }, ['--max-semi-space-size=64'])));
    all.push(...(await run(`cluster ×${args.nodes}`, cluster, redis, steps)));
    await Promise.all(cluster.map((n) => n.stop()));
    if (args.single) {
      const one = await forkNode({ ...nodeConfig, mqttCluster: false }, ['--max-semi-space-size=64']);
      all.push(...(await run('single, cluster off', [one], undefined, steps.filter((n) => n <= args.singleMax))));
      await one.stop();
    }
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
  console.log(`\n| system | devices | connected | connects/s | CONNACK 3 | readings sent | acked | stored | KiB RSS / conn | lag p99 ms | Redis CPU s |\n|---|---|---|---|---|---|---|---|---|---|---|`);
  for (const r of all) console.log(`| ${r.system} | ${r.devices} | ${r.connected} | ${r.connectsPerS} | ${r.refused} | ${r.sent} | ${r.acked} | ${r.stored} | ${r.kibPerConn} | ${r.lagP99.toFixed(0)} | ${r.redisCpuS} |`);
  if (holds.length > 0) {
    console.log(`\n| system | devices held | seconds | readings/s | sent | acked | stored | lag p99 ms | lag max ms |\n|---|---|---|---|---|---|---|---|---|`);
    for (const r of holds) console.log(`| ${r.system} | ${r.devices} | ${r.seconds} | ${r.perS} | ${r.sent} | ${r.acked} | ${r.stored} | ${r.lagP99.toFixed(0)} | ${r.lagMax.toFixed(0)} |`);
  }
  if (storms.length > 0) {
    console.log(`\n| system | devices | reconnect storm | all back after s | CONNACK 3 | others dropped | lag p99 ms | readings sent after | acked |\n|---|---|---|---|---|---|---|---|---|`);
    for (const r of storms) console.log(`| ${r.system} | ${r.devices} | ${r.storm} | ${(r.recoveryMs / 1000).toFixed(1)} | ${r.refused} | ${r.othersDropped} | ${r.lagP99.toFixed(0)} | ${r.sent} | ${r.acked} |`);
  }
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
