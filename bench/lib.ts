/** Small helpers shared by the benchmarks: percentiles, argument parsing, a platform child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/servers/free-port.js';

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(latenciesMs: number[]): { p50: number; p99: number; max: number } {
  const s = Float64Array.from(latenciesMs).sort();
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

export function parseArgs<T extends Record<string, string | number | boolean>>(argv: string[], defaults: T, help: string): T {
  const out: Record<string, string | number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      console.log(help);
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n\n${help}`);
    let [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (k.startsWith('no-') && typeof defaults[k.slice(3)] === 'boolean') {
      k = k.slice(3);
      inline = 'false';
    }
    if (!(k in defaults)) throw new Error(`unknown option --${k}\n\n${help}`);
    const d = defaults[k];
    if (typeof d === 'boolean') {
      out[k] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`--${k} needs a value`);
    out[k] = typeof d === 'number' ? Number(v) : v;
    if (typeof d === 'number' && !Number.isFinite(out[k])) throw new Error(`--${k} must be a number`);
  }
  return out as T;
}

export interface PlatformProcess {
  httpUrl: string;
  mqttPort: number;
  token: string;
  child: ChildProcess;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `citybrain start` as a child process on free ports with a fresh data dir. */
export async function startPlatformProcess(env: Record<string, string> = {}, extraNodeArgs: string[] = [], cwd = process.cwd()): Promise<PlatformProcess> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const token = 'bench-token-0123456789abcdef';
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-bench-'));
  // BENCH_PLATFORM_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the platform process.
  // The V8 flag `npm start` and the `citybrain` bin run with (see bin/citybrain.js).
  const nodeArgs = ['--max-semi-space-size=64', ...extraNodeArgs, ...(process.env.BENCH_PLATFORM_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, join(cwd, 'bin/citybrain.js'), 'start'], {
    cwd,
    env: {
      ...process.env,
      CITYBRAIN_HTTP_PORT: String(httpPort),
      CITYBRAIN_HTTP_HOST: '127.0.0.1',
      CITYBRAIN_MQTT_PORT: String(mqttPort),
      CITYBRAIN_MQTT_HOST: '127.0.0.1',
      CITYBRAIN_MQTT_WS: 'off',
      CITYBRAIN_DATA_DIR: dataDir,
      CITYBRAIN_ADMIN_TOKEN: token,
      CITYBRAIN_LOG_LEVEL: 'warn',
      // Every simulated device connects from 127.0.0.1, in bursts: the per-address cap on unauthenticated
      // sockets (a defence against one host opening many) would close them.
      CITYBRAIN_MQTT_MAX_PENDING_PER_ADDRESS: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${httpUrl}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`platform did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    httpUrl,
    mqttPort,
    token,
    child,
    output: () => output,
    stop: () => stopChild(child),
  };
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux): the cost of work done, which
 * a shared, loaded machine distorts far less than throughput.
 */
export function cpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th, in clock ticks (100 Hz).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds of a process's main thread (its first task) alone, from /proc (Linux). */
export function mainThreadCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Busy and total CPU seconds of the whole machine (all cores) so far, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: (total - f[3]! - (f[4] ?? 0)) / 100, total: total / 100 };
}

/** SIGTERM to a benchmark's child process, resolved once it exited (at once if it already had). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export async function api<T>(p: PlatformProcess, method: string, path: string, body?: string, type = 'application/json'): Promise<T> {
  const res = await fetch(`${p.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${p.token}`, ...(body === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
