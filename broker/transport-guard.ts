import { Duplex } from 'node:stream';
import { MqttFrameScanner, type ProtocolRule } from './frame-scanner.js';
import type { Peer } from './listeners.js';

export type GuardRejection = 'frame_too_large' | 'protocol_violation' | 'connect_timeout';

export interface RejectDetail {
  declaredBytes?: number;
  /** The MQTT rule a `protocol_violation` broke (a metric label; docs/broker-conformance.md). */
  rule?: ProtocolRule;
  /** CONNACK return code sent before closing, when the spec asks for one. */
  connack?: number;
}

/** One object per broker, shared by every guard (nothing per connection lives here). */
export interface TransportGuardOptions {
  maxFrameBytes: number;
  connectTimeoutMs: number;
  /** Called once when the guard drops the connection, before it is destroyed. */
  onReject(guard: TransportGuard, reason: GuardRejection, detail: RejectDetail): void;
  /** Called once when the guard has closed (its `close` event). */
  onClose(guard: TransportGuard): void;
}

/**
 * The guard listens to its inner stream and to its own close through these shared functions (the guard is
 * found on the stream) rather than closures: an idle connection then costs no function objects or
 * contexts of ours (bench/scale-memory.ts measures what a connection costs).
 */
const GUARD = Symbol('transportGuard');
type Inner = Duplex & { [GUARD]: TransportGuard };
function onInnerData(this: Inner, chunk: Buffer): void {
  this[GUARD].onInnerData(chunk);
}
function onInnerEnd(this: Inner): void {
  this[GUARD].push(null);
}
function onInnerError(this: Inner, err: Error): void {
  this[GUARD].destroy(err);
}
function onInnerClose(this: Inner): void {
  this[GUARD].destroy();
}
function onInnerDrain(this: Inner): void {
  this[GUARD].emit('innerDrain');
}
function onClosed(this: TransportGuard): void {
  this.opts.onClose(this);
}
function onAckTick(guard: TransportGuard): void {
  guard.flushAcks();
}
function onConnectTimeout(guard: TransportGuard): void {
  guard.reject('connect_timeout', {});
}

/** How long a refused client gets to read its CONNACK before the socket is destroyed anyway. */
const CONNACK_LINGER_MS = 2000;

/**
 * The stream aedes sees instead of the raw socket (TCP or WebSocket stream). Bytes flow through
 * unchanged while an {@link MqttFrameScanner} reads the fixed headers; a packet declaring more than
 * `maxFrameBytes` destroys the connection before its body is read. It also closes a socket whose
 * CONNECT has not fully arrived within `connectTimeoutMs` (slow or silent openers hold a descriptor
 * and memory otherwise), and it is where flow control pauses reading: {@link hold} stops reading
 * the socket so TCP pushes back on the device instead of the broker buffering without limit.
 */
export class TransportGuard extends Duplex {
  private readonly scanner: MqttFrameScanner;
  private connectTimer: NodeJS.Timeout | undefined;
  private held = false;
  private wantsData = true;
  /** A refusal CONNACK is on its way out: closing must not cut it off. */
  private lingering = false;
  /** PUBACKs of this tick, not yet written (puback-writer.ts); none is held between ticks. */
  private acks: Buffer | undefined;
  private ackBytes = 0;

  constructor(
    readonly inner: Duplex,
    /** Who is on the other end (source address, verified certificate). */
    readonly peer: Peer,
    readonly opts: TransportGuardOptions,
  ) {
    // Small read buffer: what sits here is parsed by aedes in one batch, all in flight at once.
    super({ readableHighWaterMark: 16 * 1024, allowHalfOpen: false });
    this.scanner = new MqttFrameScanner(opts.maxFrameBytes);
    this.connectTimer = setTimeout(onConnectTimeout, opts.connectTimeoutMs, this);
    (inner as Inner)[GUARD] = this;
    inner.on('data', onInnerData);
    inner.on('end', onInnerEnd);
    inner.on('error', onInnerError);
    inner.on('close', onInnerClose);
    inner.on('drain', onInnerDrain);
    this.on('close', onClosed);
  }

  /** Stop reading the socket (flow control); idempotent. */
  hold(): void {
    if (this.held) return;
    this.held = true;
    this.inner.pause();
  }

  /** Read again after {@link hold}, if the consumer wants data. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.wantsData && !this.destroyed) this.inner.resume();
  }

  get isHeld(): boolean {
    return this.held;
  }

  /**
   * Queues a QoS 1 PUBACK (MQTT 3.1.1 §3.4) for packet `id`; this tick's acknowledgements leave in one write
   * at its end (or before any other packet). Returns false when the caller should wait for `drain`, as
   * `Writable#write` does.
   */
  writeAck(id: number): boolean {
    // Closed: nothing to wait for (the device resends what it has not seen acknowledged).
    if (this.destroyed || this.writableEnded) return true;
    if (this.acks === undefined) {
      this.acks = Buffer.allocUnsafe(64);
      process.nextTick(onAckTick, this);
    } else if (this.ackBytes + 4 > this.acks.length) {
      const bigger = Buffer.allocUnsafe(this.acks.length * 2);
      this.acks.copy(bigger, 0, 0, this.ackBytes);
      this.acks = bigger;
    }
    const b = this.acks;
    const at = this.ackBytes;
    b[at] = 0x40;
    b[at + 1] = 0x02;
    b[at + 2] = id >> 8;
    b[at + 3] = id & 0xff;
    this.ackBytes = at + 4;
    return !this.writableNeedDrain;
  }

  /** Writes the queued PUBACKs now (before another packet, or at the end of the tick). */
  flushAcks(): void {
    const b = this.acks;
    if (b === undefined) return;
    const n = this.ackBytes;
    this.acks = undefined;
    this.ackBytes = 0;
    if (!this.destroyed && !this.writableEnded) this.write(b.subarray(0, n));
  }

  /** @internal the inner stream's `data`. */
  onInnerData(chunk: Buffer): void {
    if (this.destroyed) return;
    const outcome = this.scanner.feed(chunk);
    if (!outcome.ok) {
      // Nothing of this chunk reaches aedes: the bad packet is in it, unfinished before it.
      if (outcome.reason === 'too_large') this.reject('frame_too_large', { declaredBytes: outcome.declaredBytes });
      else if (outcome.connack === undefined) this.reject('protocol_violation', { rule: outcome.rule });
      else this.refuseConnect(outcome.rule, outcome.connack);
      return;
    }
    if (this.connectTimer !== undefined && this.scanner.completed > 0) {
      // The first packet is complete, and the scanner made sure it is a CONNECT (§3.1.0-1).
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
    if (!this.push(chunk)) {
      this.wantsData = false;
      this.inner.pause();
    }
  }

  /** @internal drops the connection for a reason (once). */
  reject(reason: GuardRejection, detail: RejectDetail): void {
    if (this.destroyed) return;
    this.opts.onReject(this, reason, detail);
    this.destroy();
  }

  /**
   * CONNACK with a refusal code, then close (§3.1.2.2 [MQTT-3.1.2-2]: code 1; §3.1.3.1 [MQTT-3.1.3-9]:
   * code 2). aedes never saw the CONNECT, so nothing else writes to the socket.
   */
  private refuseConnect(rule: ProtocolRule, code: 1 | 2): void {
    if (this.destroyed) return;
    this.lingering = true;
    this.inner.end(Buffer.from([0x20, 0x02, 0x00, code]));
    setTimeout(() => this.inner.destroy(), CONNACK_LINGER_MS).unref();
    this.reject('protocol_violation', { rule, connack: code });
  }

  override _read(): void {
    this.wantsData = true;
    if (!this.held) this.inner.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.forward(chunk, cb);
  }

  /**
   * mqtt-packet corks the stream while it writes a packet in pieces (header, length, topic, payload) and
   * uncorks on the next tick; every packet written in that tick (a burst of PUBACKs) arrives here together
   * and leaves as one socket write: one TCP segment instead of 2–4 per packet, and one WebSocket frame.
   */
  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    if (chunks.length === 1) return this.forward(chunks[0]!.chunk, cb);
    let size = 0;
    for (const c of chunks) size += c.chunk.length;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const c of chunks) at += c.chunk.copy(out, at);
    this.forward(out, cb);
  }

  private forward(chunk: Buffer, cb: (err?: Error | null) => void): void {
    if (this.inner.destroyed) return cb(new Error('connection closed'));
    if (this.inner.write(chunk)) cb();
    else this.once('innerDrain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inner.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    if (!this.lingering) this.inner.destroy();
    cb(err);
  }
}
