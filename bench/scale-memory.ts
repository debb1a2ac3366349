/**
 * bench:scale:memory — what one idle device connection costs a broker node, beside bare aedes 1.2 measured
 * in the same run. Each round forks a fresh node, reads its memory after a full GC, connects N devices
 * (CONNECT with a secret, SUBSCRIBE to their commands, then idle, as a sensor between readings), reads it
 * again after a full GC, and reports the difference per connection. The systems alternate (A, B, C, A, B,
 * C, …) and the medians are reported, because the machine is shared. `--snapshot DIR` also writes V8 heap
 * snapshots at N/2 and N connections (compare them in Chrome DevTools' "Comparison" view, or with
 * `--summary`, which groups the new objects by constructor).
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { forkNode, type NodeProcess, type NodeStats } from '../broker/testing/node.js';
import { startRedis } from '../test/servers/redis.js';
import { parseArgs } from './lib.js';
import { forkGen, type Gen } from './scale-gen-client.js';
import { diffSnapshots } from './heap-diff.js';

const HELP = `npm run bench:scale:memory -- [options]
  --devices N     idle connections per round (default 3000)
  --rounds N      rounds per system, alternated (default 3)
  --cluster       also measure a cluster node (Redis started here) (default on; --no-cluster)
  --snapshot DIR  write heap snapshots at N/2 and N connections of the first round of each system
  --summary       with --snapshot: print the 15 constructors that grew most per connection
  --young MiB     the nodes' --max-semi-space-size (default 0: V8's default)`;

const args = parseArgs(process.argv.slice(2), { devices: 3000, rounds: 3, cluster: true, snapshot: '', summary: false, young: 0 }, HELP);

interface System { name: string; start(): Promise<NodeProcess> }

const nodeConfig = { mqttMaxConnections: 20_000, mqttMaxPending: 5_000, mqttMaxPendingPerAddress: 5_000, mqttAuthFailuresPerAddress: 1_000_000, mqttConnectTimeoutMs: 30_000 };
// V8's default young generation: `npm start`'s 64 MiB one (--max-semi-space-size=64, for ingest throughput) is a
// fixed cost of up to ~190 MiB once the node is busy, whatever its connection count; `--young 64` measures with it.
const execArgv = ['--expose-gc', ...(args.young > 0 ? [`--max-semi-space-size=${args.young}`] : [])];

interface Round { kibRss: number; kibSlope: number; kibHeap: number; kibHeapTotal: number; kibExternal: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Memory after a full GC and a pause: V8 gives pages freed by a GC back to the system from a background
 * task, so RSS read right after a GC still holds the garbage of the ramp (bare aedes read 21 KiB per
 * connection that way, 13 KiB three seconds later).
 */
async function settled(node: NodeProcess, snapshot?: string): Promise<NodeStats> {
  await node.stats({ gc: true });
  await sleep(3000);
  return node.stats({ gc: true, ...(snapshot ? { snapshot } : {}) });
}

/** Grows the generator's devices to `n` and reads the node's memory once they are all subscribed. */
async function growTo(node: NodeProcess, gen: Gen, n: number, snapshot?: string): Promise<NodeStats> {
  const grown = Number((await gen.ask({ grow: n, ports: [node.tcpPort], offset: 0, concurrency: 200 })).grown);
  if (grown < n) throw new Error(`only ${grown} of ${n} devices connected`);
  // The SUBACKs follow the CONNACKs the generator waited for; a second lets the last ones settle.
  await sleep(1000);
  const stats = await settled(node, snapshot);
  if (stats.clients < n) throw new Error(`${stats.clients} clients for ${n} connected devices`);
  return stats;
}

/**
 * Memory at 0, N/2 and N connections. Over the baseline includes what grows once with load (V8's young
 * generation, allocator arenas); the slope from N/2 to N is the cost of one more connection.
 */
async function measure(sys: System, snapshot: string | undefined): Promise<Round> {
  const node = await sys.start();
  const gen = await forkGen();
  try {
    const n = args.devices;
    const before = await settled(node);
    const half = await growTo(node, gen, n / 2, snapshot && `${snapshot}-half.heapsnapshot`);
    const after = await growTo(node, gen, n, snapshot && `${snapshot}-n.heapsnapshot`);
    return {
      kibRss: (after.rss - before.rss) / n / 1024,
      kibSlope: (after.rss - half.rss) / (n / 2) / 1024,
      kibHeap: (after.heapUsed - half.heapUsed) / (n / 2) / 1024,
      kibHeapTotal: (after.heapTotal - half.heapTotal) / (n / 2) / 1024,
      kibExternal: (after.external - half.external) / (n / 2) / 1024,
    };
  } finally {
    gen.child.kill('SIGKILL');
    await node.stop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  console.log(`bench:scale:memory  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}  ${args.devices} idle connections × ${args.rounds} rounds`);
  const redis = args.cluster ? await startRedis() : undefined;
  const systems: System[] = [
    { name: 'citybrain node, cluster off', start: () => forkNode({ ...nodeConfig, mqttCluster: false }, execArgv) },
    { name: 'bare aedes 1.2', start: () => forkNode({}, execArgv, true) },
  ];
  if (redis) systems.push({ name: 'citybrain cluster node', start: () => forkNode({ ...nodeConfig, mqttCluster: true, redisUrl: redis.url, mqttClusterPrefix: `mem${Date.now()}:` }, execArgv) });
  if (args.snapshot) mkdirSync(args.snapshot, { recursive: true });
  const results = new Map<string, Round[]>(systems.map((s) => [s.name, []]));
  try {
    for (let r = 0; r < args.rounds; r++) {
      for (const [i, sys] of systems.entries()) {
        const snap = args.snapshot && r === 0 ? join(args.snapshot, `sys${i}`) : undefined;
        const m = await measure(sys, snap);
        results.get(sys.name)!.push(m);
        console.log(`${sys.name}: ${m.kibSlope.toFixed(1)} KiB RSS per added connection (${m.kibRss.toFixed(1)} over the baseline), ${m.kibHeap.toFixed(1)} KiB heap used, ${m.kibHeapTotal.toFixed(1)} heap total, ${m.kibExternal.toFixed(1)} external`);
        if (snap && args.summary) diffSnapshots(`${snap}-half.heapsnapshot`, `${snap}-n.heapsnapshot`, args.devices / 2, 15);
      }
    }
  } finally {
    await redis?.stop();
  }
  console.log(`\n| system | KiB RSS per added idle connection (median of ${args.rounds}) | KiB RSS over the baseline at ${args.devices} | KiB heap per added connection | runs (RSS per added) |\n|---|---|---|---|---|`);
  for (const [name, rs] of results) {
    const m = (f: (x: Round) => number): string => median(rs.map(f)).toFixed(1);
    console.log(`| ${name} | ${m((x) => x.kibSlope)} | ${m((x) => x.kibRss)} | ${m((x) => x.kibHeap)} | ${rs.map((x) => x.kibSlope.toFixed(1)).join(', ')} |`);
  }
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
