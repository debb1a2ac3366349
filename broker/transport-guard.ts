import { Duplex } from 'node:stream';
import { MqttFrameScanner } from './frame-scanner.js';

export type GuardRejection = 'frame_too_large' | 'malformed_frame' | 'connect_timeout';

export interface TransportGuardOptions {
  maxFrameBytes: number;
  connectTimeoutMs: number;
  /** Called once when the guard drops the connection, before it is destroyed. */
  onReject(reason: GuardRejection, detail: { declaredBytes?: number }): void;
}

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

  constructor(
    readonly inner: Duplex,
    private readonly opts: TransportGuardOptions,
  ) {
    // Small read buffer: what sits here is parsed by aedes in one batch, all in flight at once.
    super({ readableHighWaterMark: 16 * 1024, allowHalfOpen: false });
    this.scanner = new MqttFrameScanner(opts.maxFrameBytes);
    this.connectTimer = setTimeout(() => this.reject('connect_timeout', {}), opts.connectTimeoutMs);
    inner.on('data', (chunk: Buffer) => this.onData(chunk));
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
    inner.on('close', () => this.destroy());
    inner.on('drain', () => this.emit('innerDrain'));
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

  private onData(chunk: Buffer): void {
    if (this.destroyed) return;
    const outcome = this.scanner.feed(chunk);
    if (!outcome.ok) {
      if (outcome.reason === 'too_large') this.reject('frame_too_large', { declaredBytes: outcome.declaredBytes });
      else this.reject('malformed_frame', {});
      return;
    }
    if (this.connectTimer !== undefined && this.scanner.completed > 0) {
      // The first packet is complete; if it is not CONNECT, aedes closes the socket itself (§3.1.0-1).
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
    if (!this.push(chunk)) {
      this.wantsData = false;
      this.inner.pause();
    }
  }

  private reject(reason: GuardRejection, detail: { declaredBytes?: number }): void {
    if (this.destroyed) return;
    this.opts.onReject(reason, detail);
    this.destroy();
  }

  override _read(): void {
    this.wantsData = true;
    if (!this.held) this.inner.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
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
    this.inner.destroy();
    cb(err);
  }
}
