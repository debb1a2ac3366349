import type { Frame } from './codec.js';
import { signingNow } from './codec.js';

/**
 * MAVLink 2 signing policy (mavlink.io "Message signing").
 * Pitfall 3 (drone-ops.md): node-mavlink stamps signatures with Date.now(), so two packets in one
 * millisecond share a timestamp and a conforming receiver drops the second as a replay. Each link keeps
 * its own strictly increasing stamp instead: max(now in 10 µs units, last + 1).
 */
export class SigningClock {
  private last = 0;
  constructor(private readonly nowMs: () => number) {}

  next(): number {
    this.last = Math.max(signingNow(this.nowMs()), this.last + 1);
    return this.last;
  }
}

export type SignatureVerdict = 'accepted' | 'unsigned' | 'bad-signature' | 'replay' | 'stale-stream';

/** A new stream is accepted only if its first timestamp is within 60 s of now (spec: 1 minute). */
export const NEW_STREAM_WINDOW_10US = 60 * 100_000;

/**
 * Acceptance check for incoming signed frames, keyed by (sysid, compid, link id) as the spec says.
 * Pure bookkeeping: the caller passes the current time; nothing here does I/O.
 */
export class SignatureGuard {
  private readonly streams = new Map<number, number>();

  constructor(private readonly key: Buffer) {}

  check(frame: Frame, nowMs: number): SignatureVerdict {
    const sig = frame.signature;
    if (!sig) return 'unsigned';
    if (!sig.valid(this.key)) return 'bad-signature';
    const id = (frame.sysid << 16) | (frame.compid << 8) | sig.linkId;
    const last = this.streams.get(id);
    if (last === undefined) {
      if (Math.abs(sig.timestamp - signingNow(nowMs)) > NEW_STREAM_WINDOW_10US) return 'stale-stream';
    } else if (sig.timestamp <= last) {
      return 'replay';
    }
    this.streams.set(id, sig.timestamp);
    return 'accepted';
  }
}
