import { chownSync, mkdtempSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { findBinary, postgresBinDirs, startProcess, waitUntil, type ServerProcess } from './child.js';
import { freePort } from './free-port.js';

export interface PostgresServer extends ServerProcess {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth on loopback). */
  url: string;
  port: number;
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user when we are root. */
function runAs(): { uid: number; gid: number; user: string } | null {
  if (process.getuid?.() !== 0) return null;
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
      return { uid, gid, user };
    } catch {
      // try the next one
    }
  }
  throw new Error('running as root and no postgres/nobody user to run PostgreSQL as');
}

export async function startPostgres(): Promise<PostgresServer> {
  const dirs = postgresBinDirs();
  const initdb = findBinary('initdb', 'postgresql', dirs);
  const postgres = findBinary('postgres', 'postgresql', dirs);
  const base = mkdtempSync(join(tmpdir(), 'cb-pg-'));
  chmodSync(base, 0o755);
  const data = join(base, 'data');
  const user = runAs();
  const opts = user ? { uid: user.uid, gid: user.gid } : {};
  if (user) chownSync(base, user.uid, user.gid);
  execFileSync(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { ...opts, stdio: 'pipe' });
  const port = await freePort();
  const proc = startProcess(
    'postgres',
    postgres,
    ['-D', data, '-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    opts,
  );
  await waitUntil(proc, () => canConnect(port));
  // Accepting TCP is not accepting queries yet: wait for the startup to finish.
  const psql = findBinary('psql', 'postgresql-client', dirs);
  await waitUntil(proc, async () => {
    try {
      execFileSync(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'select 1'], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  });
  return { ...proc, url: `postgres://postgres@127.0.0.1:${port}/postgres`, port };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
