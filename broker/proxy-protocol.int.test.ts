/**
 * PROXY protocol on the MQTT listener: the per-address limits see the device's address, not the load
 * balancer's. Raw v1 and v2 headers written byte by byte, then Debian's HAProxy with `send-proxy-v2` and
 * `send-proxy` in front of the broker.
 */
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findBinary, startProcess, waitUntil, type ServerProcess } from '../test/servers/child.js';
import { freePort } from '../test/servers/free-port.js';
import { capturedLogger, connackFor as attempt, connectPacket, gasDevice, startTestBroker, type TestBroker } from './testing.js';

const v1 = (src: string): Buffer => Buffer.from(`PROXY TCP4 ${src} 10.0.0.11 50000 1883\r\n`);
/** HAProxy proxy-protocol.txt §2.2: signature, PROXY command, TCP over IPv4, 12 address bytes. */
const v2 = (src: string): Buffer =>
  Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0, 12, ...src.split('.').map(Number), 10, 0, 0, 11, 0xc3, 0x50, 0x07, 0x5b]);

/**
 * A TCP pipe on 127.0.0.1 to the broker's `port`, counting the connections it carried once the broker has
 * closed them (by then the broker has read, and judged, every byte the other side sent).
 */
async function countingPipe(port: number): Promise<{ server: Server; port: number; closed: () => number }> {
  let closed = 0;
  const server = createServer((from) => {
    const to = connect({ port, host: '127.0.0.1' });
    for (const s of [from, to]) s.on('error', () => {});
    from.pipe(to).pipe(from);
    // HAProxy may reset a health check's connection: what it sent still reaches the broker.
    from.on('close', () => to.end());
    to.on('close', () => closed++);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, closed: () => closed };
}

let tb: TestBroker | undefined;
let haproxy: ServerProcess | undefined;
let pipe: Server | undefined;
afterEach(async () => {
  await haproxy?.stop();
  haproxy = undefined;
  pipe?.close();
  pipe = undefined;
  await tb?.close();
  tb = undefined;
});

const proxyOn = { mqttProxyProtocol: true, mqttProxyTrusted: '127.0.0.1', mqttAuthFailuresPerAddress: 3, mqttBanMs: 600_000 };

describe('broker: PROXY protocol from a trusted load balancer', () => {
  it('v1 and v2 headers: bans and limits follow the address in the header, one client at a time', async () => {
    tb = await startTestBroker([gasDevice('dev1')], proxyOn);
    for (let i = 0; i < 3; i++) expect(await attempt(tb.tcpPort, Buffer.concat([v1('203.0.113.7'), connectPacket('dev1', 'wrong')]))).toBe(4);
    // 203.0.113.7 is banned, whichever header version carries it; 203.0.113.8 behind the same balancer is not.
    expect(await attempt(tb.tcpPort, Buffer.concat([v2('203.0.113.7'), connectPacket('dev1', 'dev1-secret')]))).toBe(5);
    expect(await attempt(tb.tcpPort, Buffer.concat([v1('203.0.113.7'), connectPacket('dev1', 'dev1-secret')]))).toBe(5);
    expect(await attempt(tb.tcpPort, Buffer.concat([v2('203.0.113.8'), connectPacket('dev1', 'dev1-secret')]))).toBe(0);
    expect(tb.broker.stats().bans).toEqual({ address: 1 });
  });

  it('a header split over several TCP segments, and the CONNECT in the same segment as its end', async () => {
    tb = await startTestBroker([gasDevice('dev1')], proxyOn);
    const s = connect({ port: tb.tcpPort, host: '127.0.0.1', noDelay: true });
    await once(s, 'connect');
    const bytes = Buffer.concat([v2('198.51.100.1'), connectPacket('dev1', 'dev1-secret')]);
    const answer = new Promise<number>((resolve) => s.once('data', (d: Buffer) => resolve(d[3]!)));
    for (const cut of [[0, 5], [5, 14], [14, bytes.length]] as const) {
      s.write(bytes.subarray(cut[0], cut[1]));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await answer).toBe(0);
    s.destroy();
  });

  it('from a trusted source, no header or a bad one is refused with a counter and a log line', async () => {
    const { log, lines } = capturedLogger();
    tb = await startTestBroker([gasDevice('dev1')], proxyOn, log);
    expect(await attempt(tb.tcpPort, connectPacket('dev1', 'dev1-secret'))).toBe(-1);
    expect(await attempt(tb.tcpPort, Buffer.concat([Buffer.from('PROXY TCP4 203.0.113.999 10.0.0.11 1 2\r\n'), connectPacket('dev1', 'dev1-secret')]))).toBe(-1);
    expect(tb.broker.stats().connectsRejected.proxy_header_invalid).toBe(2);
    expect(lines.filter((l) => l.includes('MQTT_PROXY_HEADER_INVALID'))).toHaveLength(2);
    expect(tb.broker.stats().clients).toBe(0);
  });

  it('a source that is not trusted connects directly; a header from it is not believed', async () => {
    tb = await startTestBroker([gasDevice('dev1')], proxyOn);
    expect(await attempt(tb.tcpPort, connectPacket('dev1', 'dev1-secret'), '127.0.0.2')).toBe(0);
    // Read as MQTT, "PROXY " is no CONNECT: the connection is dropped, nobody got to choose an address.
    expect(await attempt(tb.tcpPort, Buffer.concat([v1('203.0.113.9'), connectPacket('dev1', 'dev1-secret')]), '127.0.0.2')).toBe(-1);
    expect(tb.broker.stats().connectsRejected.proxy_header_invalid).toBeUndefined();
  });

  it('through HAProxy (send-proxy-v2 with health checks, and send-proxy): each device address is limited on its own', async () => {
    tb = await startTestBroker([gasDevice('dev1')], proxyOn);
    // The v2 backend (devices and health checks) goes through a pipe that counts its connections.
    const v2Pipe = await countingPipe(tb.tcpPort);
    pipe = v2Pipe.server;
    const [front2, front1] = [await freePort(), await freePort()];
    const cfg = join(mkdtempSync(join(tmpdir(), 'cb-proxy-')), 'haproxy.cfg');
    writeFileSync(cfg, [
      'global', '    maxconn 1000',
      'defaults', '    mode tcp', '    timeout connect 2s', '    timeout client 30s', '    timeout server 30s',
      'frontend v2', `    bind 127.0.0.1:${front2}`, '    default_backend v2',
      'frontend v1', `    bind 127.0.0.1:${front1}`, '    default_backend v1',
      'backend v2', `    server broker 127.0.0.1:${v2Pipe.port} send-proxy-v2 check check-send-proxy inter 500ms`,
      'backend v1', `    server broker 127.0.0.1:${tb.tcpPort} send-proxy`, '',
    ].join('\n'));
    haproxy = startProcess('haproxy', findBinary('haproxy', 'haproxy'), ['-db', '-f', cfg]);
    await waitUntil(haproxy, async () => (await attempt(front1, connectPacket('dev1', 'dev1-secret'), '127.0.0.9')) === 0);
    for (const [front, bad, good] of [[front2, '127.0.0.2', '127.0.0.3'], [front1, '127.0.0.4', '127.0.0.5']] as const) {
      for (let i = 0; i < 3; i++) expect(await attempt(front, connectPacket('dev1', 'wrong'), bad)).toBe(4);
      expect(await attempt(front, connectPacket('dev1', 'dev1-secret'), bad)).toBe(5);
      expect(await attempt(front, connectPacket('dev1', 'dev1-secret'), good)).toBe(0);
    }
    expect(tb.broker.stats().bans).toEqual({ address: 2 });
    // HAProxy's health checks (a header, then close; every 500 ms) are not refusals: wait until the broker has
    // closed at least two of them (the v2 backend carried 5 device connections besides).
    await vi.waitFor(() => expect(v2Pipe.closed()).toBeGreaterThanOrEqual(5 + 2), { timeout: 15_000, interval: 100 });
    expect(tb.broker.stats().connectsRejected.proxy_header_invalid).toBeUndefined();
  });
});
