import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { once } from 'node:events';

/** A server started as a child process for tests and benchmarks (no Docker on these machines). */
export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Last lines of its output, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export function startProcess(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): ServerProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const lines: string[] = [];
  const keep = (b: Buffer) => {
    lines.push(b.toString());
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => lines.push(`spawn error: ${e.message}`));
  return {
    name,
    child,
    output: () => lines.join('').slice(-4000),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Polls `probe` until it resolves true, or fails with the server's output. */
export async function waitUntil(server: ServerProcess, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) {
      throw new Error(`${server.name} exited with ${server.child.exitCode}:\n${server.output()}`);
    }
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${server.name} did not become ready in ${timeoutMs} ms:\n${server.output()}`);
}

/** Finds a server binary on PATH or in the usual Debian places; a clear error names the package. */
export function findBinary(name: string, debianPackage: string, extraDirs: string[] = []): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/bin', ...extraDirs];
  for (const d of dirs) {
    const p = `${d}/${name}`;
    if (d && existsSync(p)) return p;
  }
  throw new Error(`${name} not found: install the Debian package '${debianPackage}' (see .ci/run)`);
}

/** Debian's PostgreSQL binaries live under /usr/lib/postgresql/<major>/bin. */
export function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => `${root}/${v}/bin`);
}

/** Runs a command-line client (mosquitto_pub, curl, openssl); resolves with its exit code and output, never rejects. */
export function runCommand(bin: string, args: string[], timeoutMs = 20_000): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}`, stdout });
    });
  });
}
