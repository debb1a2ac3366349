import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { findBinary, startProcess, waitUntil, type ServerProcess } from './child.js';
import { freePort } from './free-port.js';

export interface RedisServer extends ServerProcess {
  url: string;
  port: number;
}

export interface RedisServerOptions {
  /** Default true (constraints.md); false starts Redis like Debian's defaults, to test refusals. */
  appendonly?: boolean;
  /** Default 'noeviction'. */
  maxmemoryPolicy?: string;
  /** A fixed port (to restart a killed server where its clients reconnect); default a free one. */
  port?: number;
}

/** redis-server configured for durability by default (constraints.md: appendonly yes, noeviction). */
export async function startRedis(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = findBinary('redis-server', 'redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'cb-redis-'));
  const port = opts.port ?? (await freePort());
  const proc = startProcess('redis-server', bin, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', opts.appendonly === false ? 'no' : 'yes',
    '--maxmemory-policy', opts.maxmemoryPolicy ?? 'noeviction', '--save', '',
  ]);
  await waitUntil(
    proc,
    () =>
      new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('data', (d) => {
          s.destroy();
          resolve(d.toString().startsWith('+PONG'));
        });
        s.once('connect', () => s.write('PING\r\n'));
        s.once('error', () => resolve(false));
      }),
  );
  return { ...proc, url: `redis://127.0.0.1:${port}`, port };
}
