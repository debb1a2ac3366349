import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capturedLogger, connackFor, connectPacket, gasDevice, startTestBroker, type TestBroker } from './testing.js';

/** Opens a socket, sends CONNECT, resolves with the CONNACK return code (-1: closed without one). */
const attempt = (port: number, clientId: string, password: string, localAddress?: string): Promise<number> =>
  connackFor(port, connectPacket(clientId, password), localAddress);

async function rawSocket(port: number, localAddress?: string): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}

function countAuthentications(tb: TestBroker): { n: number } {
  const calls = { n: 0 };
  const original = tb.directory.authenticate.bind(tb.directory);
  tb.directory.authenticate = (id, secret) => {
    calls.n++;
    return original(id, secret);
  };
  return calls;
}

describe('broker: failed CONNECTs, bans and unauthenticated sockets', () => {
  let tb: TestBroker | undefined;
  const open: Socket[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    await tb?.close();
    tb = undefined;
  });

  it('a 1,000-attempt guessing burst: every attempt answered, the secret checked only up to the limit, one log line for the ban, then the right secret refused too', async () => {
    const { log, lines } = capturedLogger();
    tb = await startTestBroker([gasDevice('dev1')], { mqttAuthFailuresPerUsername: 10, mqttAuthFailuresPerAddress: 10_000, mqttBanMs: 600_000 }, log);
    const checks = countAuthentications(tb);
    const cpu0 = process.cpuUsage();
    const codes = new Map<number, number>();
    for (let batch = 0; batch < 100; batch++) {
      const got = await Promise.all(Array.from({ length: 10 }, () => attempt(tb!.tcpPort, 'dev1', 'wrong-guess')));
      for (const c of got) codes.set(c, (codes.get(c) ?? 0) + 1);
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(`1,000 wrong CONNECTs: CONNACK codes ${JSON.stringify(Object.fromEntries(codes))}, secret checks ${checks.n}, CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (client and broker in one process)`);
    // Every attempt got an answer: 10 × "bad user name or password", then "not authorized" (banned).
    expect(codes.get(4)).toBe(10);
    expect(codes.get(5)).toBe(990);
    expect(checks.n).toBe(10);
    expect(await attempt(tb.tcpPort, 'dev1', 'dev1-secret')).toBe(5);
    expect(checks.n).toBe(10);
    const stats = tb.broker.stats();
    expect(stats.bans).toEqual({ username: 1 });
    expect(stats.connectsRejected.banned_username).toBe(991);
    expect(lines.filter((l) => l.includes('mqtt connect ban')).length).toBe(1);
    // Rejections before the ban are logged each; refusals during it are only counted.
    expect(lines.filter((l) => l.includes('mqtt connect rejected')).length).toBe(10);
    // Another device is not affected by dev1's ban.
    tb.directory.devices.set('dev2', gasDevice('dev2'));
    expect(await attempt(tb.tcpPort, 'dev2', 'dev2-secret')).toBe(0);
  });

  it('an address spraying usernames is banned as a whole; other addresses are not', async () => {
    tb = await startTestBroker([gasDevice('dev1')], { mqttAuthFailuresPerAddress: 20, mqttMaxPendingPerAddress: 50 });
    const checks = countAuthentications(tb);
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(tb!.tcpPort, `guess-${batch}-${i}`, 'x', '127.0.0.2')));
    }
    expect(checks.n).toBe(20);
    expect(tb.broker.stats().bans).toEqual({ address: 1 });
    expect(await attempt(tb.tcpPort, 'dev1', 'dev1-secret', '127.0.0.2')).toBe(5);
    expect(await attempt(tb.tcpPort, 'dev1', 'dev1-secret', '127.0.0.3')).toBe(0);
  });

  it('50 silent sockets from one address do not stop a real device from connecting (cap 50)', async () => {
    tb = await startTestBroker([gasDevice('dev1'), gasDevice('dev2')], { mqttMaxConnections: 50, mqttMaxPendingPerAddress: 10, mqttConnectTimeoutMs: 60_000 });
    const device = await tb.connect('dev2');
    for (let i = 0; i < 50; i++) open.push(await rawSocket(tb.tcpPort));
    await vi.waitFor(() => expect(tb!.broker.stats().pending).toBe(10));
    // From the same address as the squatters, and from another.
    const c = await tb.connect('dev1');
    expect(c.connected).toBe(true);
    expect(await attempt(tb.tcpPort, 'dev1', 'dev1-secret', '127.0.0.5')).toBe(0);
    expect(device.connected).toBe(true);
    const stats = tb.broker.stats();
    expect(stats.evictions.pending_per_address).toBeGreaterThanOrEqual(40);
    expect(stats.connections).toBeLessThanOrEqual(50);
  });

  it('a full table of silent sockets from many addresses still lets a device in', async () => {
    tb = await startTestBroker([gasDevice('dev1')], { mqttMaxConnections: 20, mqttMaxPending: 20, mqttConnectTimeoutMs: 60_000 });
    for (let i = 0; i < 20; i++) open.push(await rawSocket(tb.tcpPort, `127.0.1.${i + 1}`));
    await vi.waitFor(() => expect(tb!.broker.stats().pending).toBe(20));
    const c = await tb.connect('dev1');
    expect(c.connected).toBe(true);
    // Pending sockets have their own cap: the newcomer closed the oldest of them, no session was touched.
    expect(tb.broker.stats().evictions.pending_limit).toBeGreaterThanOrEqual(1);
  });
});
