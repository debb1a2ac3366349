/**
 * Reads MQTT fixed headers out of a byte stream as it passes, without buffering packets
 * (MQTT 3.1.1 §2.2: one byte of type and flags, then the Remaining Length as a variable-length
 * integer of at most four bytes, §2.2.3). aedes has no frame-size limit: a 64 MiB CONNECT grew the
 * broker's memory before authentication ran (constraints.md), so the limit is checked here, on the
 * declared length, before a single body byte is held anywhere.
 *
 * Pure: values in, values out. Bodies are skipped by count, so a chunk costs O(headers in it).
 */

export type ScanOutcome =
  | { ok: true }
  | { ok: false; reason: 'too_large'; declaredBytes: number }
  | { ok: false; reason: 'malformed' };

const enum State {
  Header,
  Length,
  Body,
}

/** Packet type 1 is CONNECT (MQTT 3.1.1 §2.2.1). */
export const MQTT_CONNECT = 1;

export class MqttFrameScanner {
  private state = State.Header;
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  /** Packets that have fully streamed past. */
  completed = 0;
  /** Type of the first complete packet (the connect timeout ends when it is CONNECT). */
  firstType: number | undefined;

  /** @param maxFrameBytes largest whole packet (fixed header + remaining length) accepted. */
  constructor(private readonly maxFrameBytes: number) {}

  /** Scans one chunk. After a non-ok outcome the stream must be dropped: the scanner is lost. */
  feed(chunk: Uint8Array): ScanOutcome {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === State.Body) {
        const skip = Math.min(this.remaining, n - i);
        i += skip;
        this.remaining -= skip;
        if (this.remaining === 0) this.finishPacket();
        continue;
      }
      const b = chunk[i++]!;
      if (this.state === State.Header) {
        this.type = b >> 4;
        // Type 0 is reserved (§2.2.1): no client sends it; treat as garbage rather than count on aedes.
        if (this.type === 0) return { ok: false, reason: 'malformed' };
        this.state = State.Length;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      const out = this.lengthByte(b);
      if (out !== undefined) return out;
    }
    return { ok: true };
  }

  private lengthByte(b: number): ScanOutcome | undefined {
    this.length += (b & 0x7f) * this.multiplier;
    this.multiplier *= 128;
    this.lengthBytes++;
    if ((b & 0x80) !== 0) {
      // §2.2.3: at most four length bytes.
      return this.lengthBytes >= 4 ? { ok: false, reason: 'malformed' } : undefined;
    }
    const total = 1 + this.lengthBytes + this.length;
    if (total > this.maxFrameBytes) return { ok: false, reason: 'too_large', declaredBytes: total };
    this.remaining = this.length;
    if (this.remaining === 0) this.finishPacket();
    else this.state = State.Body;
    return undefined;
  }

  private finishPacket(): void {
    this.completed++;
    if (this.firstType === undefined) this.firstType = this.type;
    this.state = State.Header;
  }
}
