/**
 * bench:scale load generator (a forked worker): raw MQTT 3.1.1 devices on plain sockets (mqtt-packet), a few
 * KiB each, so one process holds thousands within its open-file cap. The parent asks it to bring its share
 * of devices up to a count (`{ grow, ports }`), then to send one QoS 1 reading from each (`{ publish }`), or to
 * drop and reconnect some of them at once (`{ storm }`), or to send one reading from each spread evenly over
 * some seconds (`{ trickle }`: a held fleet's steady traffic).
 * CONNACK 3 (server unavailable) is retried after a second, as a device's back-off would.
 */
import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

interface Dev { id: string; port: number; socket?: Socket; up: boolean; acked: number; storming?: boolean }
type Ask = { grow: number; ports: number[]; offset: number; concurrency: number } | { publish: true } | { trickle: number } | { storm: number } | { close: true };

const devices: Dev[] = [];
let connecting = 0;
let refused = 0;
let retries = 0;
let acked = 0;
/** Connected devices whose connection closed without this process asking (a broker dropped them). */
let dropped = 0;

function open(d: Dev, port: number, done: () => void): void {
  connecting++;
  const s = connect(port, '127.0.0.1');
  d.socket = s;
  const parser = mqttPacket.parser();
  let settled = false;
  const settle = (ok: boolean): void => {
    if (settled) return;
    settled = true;
    connecting--;
    d.up = ok;
    if (ok) return done();
    retries++;
    s.destroy();
    setTimeout(() => open(d, port, done), 1000 + Math.random() * 500).unref();
  };
  parser.on('packet', (p) => {
    if (p.cmd === 'connack') {
      if (p.returnCode === 0) {
        s.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `devices/${d.id}/commands/+`, qos: 1 }] }));
        settle(true);
      } else {
        if (p.returnCode === 3) refused++;
        settle(false);
      }
    } else if (p.cmd === 'puback') {
      d.acked++;
      acked++;
    }
  });
  s.on('data', (b) => parser.parse(b));
  s.on('error', () => {});
  s.on('close', () => {
    if (!settled) settle(false);
    else {
      if (d.up && !d.storming) dropped++;
      d.up = false;
    }
  });
  s.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: d.id, keepalive: 300, username: d.id, password: Buffer.from(`${d.id}-secret`) }));
}

async function grow(target: number, ports: number[], offset: number, concurrency: number): Promise<void> {
  let next = devices.length;
  let pendingDone = 0;
  await new Promise<void>((resolve) => {
    const start = (): void => {
      while (next < target && connecting < concurrency) {
        const n = offset + next;
        const d: Dev = { id: `dev${n}`, port: ports[n % ports.length]!, up: false, acked: 0 };
        devices.push(d);
        next++;
        pendingDone++;
        open(d, d.port, () => {
          pendingDone--;
          if (next >= target && pendingDone === 0) resolve();
          else start();
        });
      }
      if (next >= target && pendingDone === 0) resolve();
    };
    start();
  });
}

/**
 * A reconnect storm: `n` connected devices drop their connections and all reconnect at once (a node died, or
 * the network came back); resolves when every one is connected again. The others stay connected.
 */
function storm(n: number): Promise<void> {
  const hit = devices.filter((d) => d.up).slice(0, n);
  let left = hit.length;
  return new Promise((resolve) => {
    if (left === 0) return resolve();
    for (const d of hit) {
      d.storming = true;
      d.socket?.destroy();
      d.up = false;
    }
    for (const d of hit) {
      open(d, d.port, () => {
        d.storming = false;
        if (--left === 0) resolve();
      });
    }
  });
}

let messageId = 2;
process.on('message', (m: Ask) => {
  if ('grow' in m) {
    const t0 = Date.now();
    void grow(m.grow, m.ports, m.offset, m.concurrency).then(() => process.send?.({ grown: devices.filter((d) => d.up).length, ms: Date.now() - t0, refused, retries, dropped, rssMiB: process.memoryUsage().rss / 2 ** 20 }));
  } else if ('storm' in m) {
    const t0 = Date.now();
    const [refused0, dropped0] = [refused, dropped];
    void storm(m.storm).then(() => process.send?.({ ms: Date.now() - t0, refused: refused - refused0, dropped: dropped - dropped0, up: devices.filter((d) => d.up).length }));
  } else if ('trickle' in m) {
    // One QoS 1 reading per connected device, spread evenly over `trickle` seconds in 10 ms ticks.
    const before = acked;
    const up = devices.filter((d) => d.up && d.socket);
    const t0 = Date.now();
    const spanMs = m.trickle * 1000;
    let sent = 0;
    const tick = (): void => {
      const due = Math.min(up.length, Math.ceil((up.length * (Date.now() - t0)) / spanMs));
      for (; sent < due; sent++) {
        const d = up[sent]!;
        messageId = (messageId % 65000) + 2;
        d.socket!.write(mqttPacket.generate({ cmd: 'publish', topic: `devices/${d.id}/telemetry`, payload: JSON.stringify({ metrics: { ch4_lel: 1 } }), qos: 1, messageId, retain: false, dup: false }));
      }
      if (sent < up.length) return void setTimeout(tick, 10);
      const wait = (): void => {
        if (acked - before >= sent || Date.now() - t0 > spanMs + 30_000) process.send?.({ sent, acked: acked - before, ms: Date.now() - t0 });
        else setTimeout(wait, 50);
      };
      wait();
    };
    tick();
  } else if ('publish' in m) {
    const before = acked;
    let sent = 0;
    for (const d of devices) {
      if (!d.up || !d.socket) continue;
      messageId = (messageId % 65000) + 2;
      d.socket.write(mqttPacket.generate({ cmd: 'publish', topic: `devices/${d.id}/telemetry`, payload: JSON.stringify({ metrics: { ch4_lel: 1 } }), qos: 1, messageId, retain: false, dup: false }));
      sent++;
    }
    const t0 = Date.now();
    const wait = (): void => {
      if (acked - before >= sent || Date.now() - t0 > 30_000) process.send?.({ sent, acked: acked - before });
      else setTimeout(wait, 50);
    };
    wait();
  } else {
    for (const d of devices) d.socket?.destroy();
    process.exit(0);
  }
});
process.send?.({ ready: true });
