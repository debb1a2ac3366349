/**
 * A fleet split over child processes (`--processes N`): one process holds at most ~20k sockets here
 * (constraints.md: open files capped at 20,000 per process) and one event loop; children of this entry
 * (`fleet-worker.ts`, forked with tsx) each run a slice and report their counters to the parent.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { newCounters, type DeviceCounters } from './device-client.js';
import type { LocalFleet, LocalFleetOptions } from './local-fleet.js';
import { sumCounters } from './progress.js';
import type { DeviceCredential } from './provision.js';

/** Compiled (dist/, `npm run build`) or run from the TypeScript sources through tsx. */
const COMPILED = import.meta.url.endsWith('.js');
const WORKER = fileURLToPath(new URL(COMPILED ? './fleet-worker.js' : './fleet-worker.ts', import.meta.url));
/** The repository root: `--import tsx` resolves from the child's working directory. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Parent → child. */
export type ToWorker = { type: 'start'; devices: DeviceCredential[]; options: LocalFleetOptions } | { type: 'stop' };
/** Child → parent. */
export type FromWorker = { type: 'counters'; counters: DeviceCounters } | { type: 'ramped' } | { type: 'stopped'; counters: DeviceCounters };

interface Worker {
  child: ChildProcess;
  counters: DeviceCounters;
  ramped: Promise<void>;
  stopped: Promise<void>;
}

function spawnWorker(devices: DeviceCredential[], options: LocalFleetOptions, onCounters: () => void): Worker {
  const child = fork(WORKER, [], { cwd: ROOT, execArgv: COMPILED ? [] : ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let rampedResolve!: () => void;
  let stoppedResolve!: () => void;
  const w: Worker = {
    child,
    counters: newCounters(),
    ramped: new Promise<void>((r) => (rampedResolve = r)),
    stopped: new Promise<void>((r) => (stoppedResolve = r)),
  };
  // A send racing the child's own exit (Ctrl-C reaches the whole process group) must not crash the parent.
  child.on('error', () => {});
  child.on('message', (m: FromWorker) => {
    if (m.type === 'ramped') return rampedResolve();
    w.counters = m.counters;
    onCounters();
    if (m.type === 'stopped') stoppedResolve();
  });
  // A child that dies has no devices left: count its connections gone and release anyone waiting.
  child.once('exit', () => {
    w.counters = { ...w.counters, connected: 0 };
    onCounters();
    rampedResolve();
    stoppedResolve();
  });
  child.send({ type: 'start', devices, options } satisfies ToWorker);
  return w;
}

export function startForkedFleet(devices: readonly DeviceCredential[], o: LocalFleetOptions, processes: number): LocalFleet {
  // Round-robin, so every process gets the same kind mix and the same reporting load.
  const slices: DeviceCredential[][] = Array.from({ length: processes }, () => []);
  devices.forEach((d, i) => slices[i % processes]!.push(d));
  const perChild: LocalFleetOptions = {
    ...o,
    connectRate: (o.connectRate ?? 1_000) / processes,
    maxPendingConnects: Math.ceil((o.maxPendingConnects ?? 500) / processes),
  };
  const counters = newCounters();
  const workers: Worker[] = [];
  const refresh = () => Object.assign(counters, sumCounters(workers.map((w) => w.counters)));
  for (const slice of slices) workers.push(spawnWorker(slice, perChild, refresh));
  return {
    counters,
    size: devices.length,
    ramped: Promise.all(workers.map((w) => w.ramped)).then(() => undefined),
    async stop() {
      for (const w of workers) if (w.child.connected) w.child.send({ type: 'stop' } satisfies ToWorker, () => {});
      await Promise.all(workers.map((w) => w.stopped));
      await Promise.all(workers.map((w) => (w.child.exitCode === null && w.child.signalCode === null ? once(w.child, 'exit') : undefined)));
    },
  };
}
