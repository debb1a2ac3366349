import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, startProcess, waitUntil, type ServerProcess } from './child.js';
import { freePort } from './free-port.js';

export interface InfluxServer extends ServerProcess {
  url: string;
  port: number;
  /** Data directory and RPC port: pass them back to `startInflux` to restart the same server. */
  dir: string;
  rpcPort: number;
}

export interface InfluxOptions {
  /** Reuse this data directory (a restart); default: a fresh temporary one. */
  dir?: string;
  /** Listen on this HTTP port (a restart on the same address); default: a free one. */
  port?: number;
  rpcPort?: number;
}

/**
 * Starts Debian's influxd (1.6.x) on a free loopback port with its own data dirs. With options, it can
 * start again on the same port and data dir after `stop()`, so a test can take InfluxDB down and back.
 */
export async function startInflux(opts: InfluxOptions = {}): Promise<InfluxServer> {
  const bin = findBinary('influxd', 'influxdb');
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cb-influx-'));
  const port = opts.port ?? (await freePort());
  const rpcPort = opts.rpcPort ?? (await freePort());
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
`,
  );
  const proc = startProcess('influxd', bin, ['-config', conf]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(proc, async () => (await fetch(`${url}/ping`)).status === 204);
  return { ...proc, url, port, dir, rpcPort };
}
