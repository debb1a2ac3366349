import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { findBinary, startProcess, waitUntil, type ServerProcess } from './child.js';
import { freePort } from './free-port.js';

export interface MosquittoServer extends ServerProcess {
  url: string;
  port: number;
}

/**
 * Debian's Mosquitto as a peer broker. `max_inflight_messages 0`: with its defaults QoS 1
 * delivery stalls with ~5,000 messages queued (constraints.md).
 */
export async function startMosquitto(): Promise<MosquittoServer> {
  const bin = findBinary('mosquitto', 'mosquitto');
  const dir = mkdtempSync(join(tmpdir(), 'cb-mosq-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 0
max_queued_messages 0
log_dest stderr
log_type error
`,
  );
  const proc = startProcess('mosquitto', bin, ['-c', conf]);
  await waitUntil(
    proc,
    () =>
      new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      }),
  );
  return { ...proc, url: `mqtt://127.0.0.1:${port}`, port };
}
