/**
 * Test and benchmark support: one broker node as its own process (`fork` with `--import tsx`), so a test
 * can SIGKILL it and a benchmark can run several, each with its own file-descriptor cap and event loop.
 * Devices `<prefix><n>` with secret `<prefix><n>-secret` are accepted (a synthetic fleet of any size); the
 * sink counts what it stores. The parent talks to it over IPC: `{ ask: 'stats' }`, `{ ask: 'command' }`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { Aedes } from 'aedes';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import type { PresenceChange, Reading } from '../../kernel/events.js';
import { silentLogger } from '../../kernel/logger.js';
import { createBroker, type BrokerConfig } from '../index.js';
import type { AuthOutcome, DeviceDirectory, DeviceInfo, ReadingSink } from '../ports.js';
import { testConfig } from '../testing.js';

export interface NodeStats {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory outside V8's heap held by JS objects (Buffers, sockets' native parts). */
  external: number;
  connections: number;
  pending: number;
  clients: number;
  stored: number;
  connectsRejected: Record<string, number>;
  /** Event-loop delay since the last stats call, ms. */
  lagP99: number;
  lagMax: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

/** Devices `<prefix><n>`: a fleet of any size without a registry behind it. */
export class FleetDirectory implements DeviceDirectory {
  constructor(private readonly prefix = 'dev') {}
  authenticate(deviceId: string, secret: string): Promise<AuthOutcome> {
    const device = this.lookup(deviceId);
    if (!device) return Promise.resolve({ ok: false, reason: 'unknown_device' });
    return Promise.resolve(secret === `${deviceId}-secret` ? { ok: true, device } : { ok: false, reason: 'bad_secret' });
  }
  lookup(deviceId: string): DeviceInfo | undefined {
    return deviceId.startsWith(this.prefix) ? { id: deviceId, kind: 'gas', district: '370202', asset: null } : undefined;
  }
}

class CountingSink implements ReadingSink {
  stored = 0;
  write(readings: readonly Reading[]): Promise<void> {
    this.stored += readings.length;
    return Promise.resolve();
  }
}

type Ask = { ask: 'stats'; n: number; gc?: boolean; snapshot?: string } | { ask: 'command'; n: number; deviceId: string; name: string; params: Record<string, unknown>; timeoutMs: number };

/** Before a memory reading: a full GC (with `--expose-gc`) and, when asked, a heap snapshot to that path. */
function settle(m: { gc?: boolean; snapshot?: string }): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (m.gc && gc) {
    gc();
    gc();
  }
  if (m.snapshot) writeHeapSnapshot(m.snapshot);
}

/**
 * The peer of the memory figures: aedes 1.2 alone (in-memory persistence and emitter, every CONNECT
 * accepted), answering the same `stats` asks.
 */
async function runBareAedes(): Promise<void> {
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => broker.handle(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  process.on('message', (m: Ask) => {
    if (m.ask !== 'stats') return;
    settle(m);
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const stats: NodeStats = {
      rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, connections: broker.connectedClients, pending: 0, clients: broker.connectedClients, stored: 0,
      connectsRejected: {}, lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000,
    };
    lag.reset();
    process.send?.({ n: m.n, stats });
  });
  process.once('SIGTERM', () => process.exit(0));
  process.send?.({ ready: { tcpPort: (server.address() as { port: number }).port } });
}

async function runNode(config: Partial<BrokerConfig>): Promise<void> {
  const bus = new EventBus();
  const sink = new CountingSink();
  const broker = createBroker({ config: testConfig({ mqttWs: false, ...config }), log: silentLogger(), bus, clock: systemClock, directory: new FleetDirectory(), sink });
  const endpoints = await broker.listen();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  bus.on('presence', (p: PresenceChange) => process.send?.({ presence: p }));
  process.on('message', (m: Ask) => {
    if (m.ask === 'stats') {
      settle(m);
      const s = broker.stats();
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      const stats: NodeStats = {
        rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, connections: s.connections, pending: s.pending, clients: s.clients, stored: sink.stored,
        connectsRejected: s.connectsRejected, lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000,
      };
      lag.reset();
      process.send?.({ n: m.n, stats });
    } else {
      broker.sendCommand(m.deviceId, m.name, m.params, { timeoutMs: m.timeoutMs }).then(
        (reply) => process.send?.({ n: m.n, reply }),
        (err: { code?: string; message?: string }) => process.send?.({ n: m.n, error: { code: err.code, message: err.message } }),
      );
    }
  });
  process.once('SIGTERM', () => void broker.close().then(() => process.exit(0)));
  process.send?.({ ready: endpoints });
}

/** A forked node as the parent sees it. */
export interface NodeProcess {
  child: ChildProcess;
  tcpPort: number;
  presence: PresenceChange[];
  /** `gc`: a full GC first (the node needs `--expose-gc`); `snapshot`: write a heap snapshot there first. */
  stats(opts?: { gc?: boolean; snapshot?: string }): Promise<NodeStats>;
  command(deviceId: string, name: string, params: Record<string, unknown>, timeoutMs: number): Promise<unknown>;
  /** SIGTERM and wait; `kill('SIGKILL')` on `child` for a crash. */
  stop(): Promise<void>;
}

/** Forks a node and resolves once it listens; `bare`: aedes alone instead (the peer of bench:scale's memory figures). */
export async function forkNode(config: Partial<BrokerConfig>, execArgv: string[] = [], bare = false): Promise<NodeProcess> {
  const child = fork(new URL(import.meta.url).pathname, bare ? ['--node', '--bare'] : ['--node'], {
    execArgv: ['--import', 'tsx', ...execArgv],
    env: { ...process.env, CITYBRAIN_TEST_NODE: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const presence: PresenceChange[] = [];
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  let n = 0;
  const ask = (m: Record<string, unknown>): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      waiting.set(++n, resolve);
      child.send({ ...m, n });
    });
  const ready = new Promise<{ tcpPort: number }>((resolve, reject) => {
    child.on('message', (m: Record<string, unknown>) => {
      if (m.ready) resolve(m.ready as { tcpPort: number });
      else if (m.presence) presence.push(m.presence as PresenceChange);
      else if (typeof m.n === 'number') {
        waiting.get(m.n)?.(m);
        waiting.delete(m.n);
      }
    });
    child.once('exit', (code) => reject(new Error(`broker node exited with ${code} before listening`)));
  });
  const { tcpPort } = await ready;
  return {
    child,
    tcpPort,
    presence,
    stats: async (o = {}) => (await ask({ ask: 'stats', ...o })).stats as NodeStats,
    command: async (deviceId, name, params, timeoutMs) => {
      const r = await ask({ ask: 'command', deviceId, name, params, timeoutMs });
      if (r.error) throw Object.assign(new Error(String((r.error as { message?: string }).message)), r.error);
      return r.reply;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv.includes('--node') && process.env.CITYBRAIN_TEST_NODE) {
  const main = process.argv.includes('--bare') ? runBareAedes() : runNode(JSON.parse(process.env.CITYBRAIN_TEST_NODE) as Partial<BrokerConfig>);
  main.catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
