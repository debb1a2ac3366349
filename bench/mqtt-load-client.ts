/**
 * A minimal MQTT 3.1.1 client for load generation: CONNECT, QoS 1 PUBLISH and its PUBACK, SUBSCRIBE with
 * QoS 1 delivery (PUBACKed), PINGREQ when idle, DISCONNECT. Nothing else (no QoS 2, no session resume, no
 * reconnect, no retained or will messages).
 *
 * Why not mqtt.js: the bench's generator shares the machine with the system under test, and mqtt.js spent
 * ~10 µs of CPU per QoS 1 publish here (its stream pipeline, outgoing store, debug calls, a nextTick and
 * timers per packet), as much as the platform it measured. The bytes on the wire are the same as mqtt.js's
 * (protocol level 4, clean session, keepalive 60 s, one PUBLISH per reading), and so are the writes: mqtt.js
 * corks the socket and uncorks it on the next tick, so the publishes of one tick leave in one write; this
 * client appends them to one buffer and writes it on the next tick.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { varint } from '../broker/raw-packets.js';

export interface LoadClientOptions {
  host: string;
  port: number;
  clientId: string;
  username?: string;
  password?: string;
  /** Seconds (default 60, as mqtt.js); a PINGREQ goes out when nothing was sent for half of it. */
  keepalive?: number;
  connectTimeoutMs?: number;
}

/** Called once per publish: no argument when PUBACKed, an Error when the connection ended first. */
export type PublishCallback = (err?: Error) => void;

const PUBACK = 0x40;
const PINGREQ = Buffer.from([0xc0, 0x00]);
const DISCONNECT = Buffer.from([0xe0, 0x00]);

function utf8Field(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

function packet(type: number, body: Buffer[]): Buffer {
  const len = body.reduce((a, b) => a + b.length, 0);
  return Buffer.concat([Buffer.from([type, ...varint(len)]), ...body]);
}

export class LoadClient {
  private readonly socket: Socket;
  /** Callbacks of publishes awaiting their PUBACK, by packet id. */
  private readonly inflight = new Map<number, PublishCallback>();
  private nextId = 1;
  private out: Buffer = Buffer.allocUnsafe(64 * 1024);
  private outAt = 0;
  private flushScheduled = false;
  private inbuf: Buffer | undefined;
  private lastSent = performance.now();
  private readonly pinger: NodeJS.Timeout;
  private closed = false;
  private onConnack: ((rc: number) => void) | undefined;
  private onSuback: (() => void) | undefined;
  private onMessage: ((topic: string, payload: Buffer) => void) | undefined;
  private topic = '';
  private topicBytes = Buffer.alloc(0);
  private readonly flushNow = (): void => this.flush();

  private constructor(
    socket: Socket,
    private readonly keepalive: number,
  ) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.read(d));
    socket.on('error', () => {}); // 'close' follows and fails what is in flight
    socket.on('close', () => this.fail(new Error('connection closed')));
    this.pinger = setInterval(() => {
      if (!this.closed && performance.now() - this.lastSent > (this.keepalive * 1000) / 2) this.send(PINGREQ);
    }, 5000).unref();
  }

  /** Connects, sends CONNECT (clean session) and resolves on CONNACK 0. */
  static connect(o: LoadClientOptions): Promise<LoadClient> {
    const keepalive = o.keepalive ?? 60;
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: o.host, port: o.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${o.clientId}: no CONNACK within ${o.connectTimeoutMs ?? 30_000} ms`));
      }, o.connectTimeoutMs ?? 30_000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        const c = new LoadClient(socket, keepalive);
        c.onConnack = (rc) => {
          clearTimeout(timer);
          c.onConnack = undefined;
          if (rc === 0) resolve(c);
          else {
            c.destroy();
            reject(new Error(`${o.clientId}: CONNACK return code ${rc}`));
          }
        };
        const flags = 0x02 | (o.username !== undefined ? 0x80 : 0) | (o.password !== undefined ? 0x40 : 0);
        const vh = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, flags, keepalive >> 8, keepalive & 0xff]);
        const payload = [utf8Field(o.clientId), ...(o.username !== undefined ? [utf8Field(o.username)] : []), ...(o.password !== undefined ? [utf8Field(o.password)] : [])];
        c.send(packet(0x10, [vh, ...payload]));
      });
    });
  }

  /** Readings published and not yet acknowledged. */
  get pending(): number {
    return this.inflight.size;
  }

  /** A QoS 1 PUBLISH; `cb` runs on its PUBACK (or with an Error if the connection ends first). */
  publish(topic: string, payload: string, cb: PublishCallback): void {
    if (this.closed) {
      queueMicrotask(() => cb(new Error('connection closed')));
      return;
    }
    if (topic !== this.topic) {
      this.topic = topic;
      this.topicBytes = Buffer.from(topic, 'utf8');
    }
    let id = this.nextId;
    // Packet ids 1..65535, skipping any still awaiting a PUBACK.
    while (this.inflight.has(id)) id = id === 0xffff ? 1 : id + 1;
    this.nextId = id === 0xffff ? 1 : id + 1;
    this.inflight.set(id, cb);
    const t = this.topicBytes;
    const plen = Buffer.byteLength(payload, 'utf8');
    const rem = 2 + t.length + 2 + plen;
    const size = 1 + (rem < 128 ? 1 : rem < 16384 ? 2 : rem < 2097152 ? 3 : 4) + rem;
    const b = this.reserve(size);
    let at = this.outAt;
    b[at++] = 0x32; // PUBLISH, QoS 1
    let n = rem;
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n > 0) byte |= 0x80;
      b[at++] = byte;
    } while (n > 0);
    b[at++] = t.length >> 8;
    b[at++] = t.length & 0xff;
    at += t.copy(b, at);
    b[at++] = id >> 8;
    b[at++] = id & 0xff;
    at += b.write(payload, at, 'utf8');
    this.outAt = at;
    this.schedule();
  }

  /** SUBSCRIBE one filter at QoS 1; messages go to `onMessage` (each QoS 1 one PUBACKed). Resolves on SUBACK. */
  subscribe(filter: string, onMessage: (topic: string, payload: Buffer) => void): Promise<void> {
    this.onMessage = onMessage;
    return new Promise((resolve) => {
      this.onSuback = resolve;
      this.send(packet(0x82, [Buffer.from([0x00, 0x01]), utf8Field(filter), Buffer.from([0x01])]));
    });
  }

  /** DISCONNECT, then the socket's end; resolves once closed. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.flush();
    this.send(DISCONNECT);
    this.flush();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private send(b: Buffer): void {
    b.copy(this.reserve(b.length), this.outAt);
    this.outAt += b.length;
    this.schedule();
  }

  /** Room for `size` more bytes in this tick's buffer. */
  private reserve(size: number): Buffer {
    if (this.outAt + size > this.out.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outAt + size));
      this.out.copy(bigger, 0, 0, this.outAt);
      this.out = bigger;
    }
    return this.out;
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(this.flushNow);
  }

  /** This tick's packets in one socket write (a copy: the buffer is reused). */
  private flush(): void {
    this.flushScheduled = false;
    if (this.outAt === 0 || this.closed) return;
    this.socket.write(Buffer.from(this.out.subarray(0, this.outAt)));
    this.outAt = 0;
    this.lastSent = performance.now();
  }

  private read(d: Buffer): void {
    const buf = this.inbuf ? Buffer.concat([this.inbuf, d]) : d;
    let at = 0;
    for (;;) {
      if (buf.length - at < 2) break;
      const type = buf[at]!;
      // Remaining length: up to 4 bytes.
      let len = 0;
      let mul = 1;
      let i = at + 1;
      let complete = false;
      for (; i < buf.length && i < at + 5; i++) {
        const byte = buf[i]!;
        len += (byte & 0x7f) * mul;
        mul *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete || buf.length - i < len) break;
      this.handle(type, buf, i, len);
      at = i + len;
    }
    this.inbuf = at < buf.length ? Buffer.from(buf.subarray(at)) : undefined;
  }

  private handle(type: number, b: Buffer, at: number, len: number): void {
    switch (type >> 4) {
      case 4: {
        // PUBACK
        const id = (b[at]! << 8) | b[at + 1]!;
        const cb = this.inflight.get(id);
        if (cb) {
          this.inflight.delete(id);
          cb();
        }
        return;
      }
      case 2: // CONNACK
        this.onConnack?.(b[at + 1]!);
        return;
      case 3: {
        // PUBLISH to a subscriber
        const qos = (type >> 1) & 3;
        const tlen = (b[at]! << 8) | b[at + 1]!;
        const topic = b.toString('utf8', at + 2, at + 2 + tlen);
        let p = at + 2 + tlen;
        if (qos > 0) {
          const idHi = b[p]!;
          const idLo = b[p + 1]!;
          p += 2;
          const ack = this.reserve(4);
          ack[this.outAt] = PUBACK;
          ack[this.outAt + 1] = 2;
          ack[this.outAt + 2] = idHi;
          ack[this.outAt + 3] = idLo;
          this.outAt += 4;
          this.schedule();
        }
        this.onMessage?.(topic, b.subarray(p, at + len));
        return;
      }
      case 9: {
        // SUBACK
        const cb = this.onSuback;
        this.onSuback = undefined;
        cb?.();
        return;
      }
      default:
        return; // PINGRESP and anything else: nothing to do
    }
  }

  private fail(err: Error): void {
    this.closed = true;
    clearInterval(this.pinger);
    const cbs = [...this.inflight.values()];
    this.inflight.clear();
    for (const cb of cbs) cb(err);
  }
}
