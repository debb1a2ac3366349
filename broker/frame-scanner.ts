/**
 * Reads MQTT packets out of a byte stream as it passes and refuses malformed ones before aedes parses
 * them (MQTT 3.1.1 §2.2: one byte of type and flags, then the Remaining Length as a variable-length
 * integer of at most four bytes, §2.2.3). aedes has no frame-size limit: a 64 MiB CONNECT grew the
 * broker's memory before authentication ran (constraints.md), so the limit is checked here, on the
 * declared length, before a single body byte is held anywhere. aedes and mqtt-packet also let through
 * packets the spec says MUST close the connection (a QoS 1 PUBLISH with packet id 0 was acknowledged and
 * stored); the rules in packet-rules.ts are checked here, on the bytes they need: the fixed header, a
 * PUBLISH's topic and packet id, the whole of a CONNECT, SUBSCRIBE or UNSUBSCRIBE. Other bodies (PUBLISH
 * payloads) are skipped by count, so a chunk costs O(headers in it).
 *
 * Pure: values in, values out. A packet is checked before its last byte has streamed past, so a
 * consumer fed only the chunks that scanned ok never sees a whole malformed packet.
 */
import { checkConnect, checkPublishHeader, checkSubscriptions, type ProtocolRule, type Violation } from './packet-rules.js';

export type { ProtocolRule } from './packet-rules.js';

export type ScanOutcome =
  | { ok: true }
  | { ok: false; reason: 'too_large'; declaredBytes: number }
  | { ok: false; reason: 'protocol'; rule: ProtocolRule; connack?: 1 | 2 };

const enum State {
  Header,
  Length,
  Collect,
  Body,
}

/** Control packet types (MQTT 3.1.1 §2.2.1). */
export const MQTT_CONNECT = 1;
const CONNACK = 2;
const PUBLISH = 3;
const PUBACK = 4;
const PUBREL = 6;
const PUBCOMP = 7;
const SUBSCRIBE = 8;
const SUBACK = 9;
const UNSUBSCRIBE = 10;
const UNSUBACK = 11;
const PINGREQ = 12;
const PINGRESP = 13;
const DISCONNECT = 14;

const OK: ScanOutcome = { ok: true };

export class MqttFrameScanner {
  private state = State.Header;
  private type = 0;
  private flags = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  /** Bytes of the current body a rule needs, copied here as they arrive (across chunks). */
  private buf: Buffer | undefined;
  private have = 0;
  private need = 0;
  /** A PUBLISH's topic length is known (its topic and packet id are being collected). */
  private publishSized = false;
  private started = 0;
  /** Packets that have fully streamed past. */
  completed = 0;
  /** Type of the first complete packet. */
  firstType: number | undefined;

  /** @param maxFrameBytes largest whole packet (fixed header + remaining length) accepted. */
  constructor(private readonly maxFrameBytes: number) {}

  /** Scans one chunk. After a non-ok outcome the stream must be dropped: the scanner is lost. */
  feed(chunk: Buffer): ScanOutcome {
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
      if (this.state === State.Collect) {
        const take = Math.min(this.need - this.have, n - i);
        chunk.copy(this.buf!, this.have, i, i + take);
        this.have += take;
        i += take;
        const out = this.have === this.need ? this.collected() : undefined;
        if (out !== undefined) return out;
        continue;
      }
      const b = chunk[i++]!;
      if (this.state === State.Header) {
        this.type = b >> 4;
        this.flags = b & 0x0f;
        this.state = State.Length;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      const out = this.lengthByte(b);
      if (out !== undefined) return out;
    }
    return OK;
  }

  private lengthByte(b: number): ScanOutcome | undefined {
    this.length += (b & 0x7f) * this.multiplier;
    this.multiplier *= 128;
    this.lengthBytes++;
    if ((b & 0x80) !== 0) {
      // §2.2.3: at most four length bytes.
      return this.lengthBytes >= 4 ? violation({ rule: 'remaining_length' }) : undefined;
    }
    const total = 1 + this.lengthBytes + this.length;
    if (total > this.maxFrameBytes) return { ok: false, reason: 'too_large', declaredBytes: total };
    const bad = this.headerViolation();
    if (bad) return violation(bad);
    this.started++;
    this.remaining = this.length;
    const need = this.type === PUBLISH ? 2 : this.type === MQTT_CONNECT || this.type === SUBSCRIBE || this.type === UNSUBSCRIBE ? this.length : 0;
    if (need > 0) this.collect(need);
    else if (this.remaining === 0) this.finishPacket();
    else this.state = State.Body;
    return undefined;
  }

  /** Rules decided by the fixed header alone (§2.2, §3.x.1). */
  private headerViolation(): Violation | undefined {
    const { type, flags, length } = this;
    if (type === 0 || type === 15) return { rule: 'reserved_type' };
    if (this.started === 0 && type !== MQTT_CONNECT) return { rule: 'first_packet_not_connect' };
    if (type === MQTT_CONNECT && this.started > 0) return { rule: 'second_connect' };
    if (type === CONNACK || type === SUBACK || type === UNSUBACK || type === PINGRESP) return { rule: 'client_only_type' };
    if (type === PUBLISH) {
      const qos = (flags >> 1) & 3;
      if (qos === 3) return { rule: 'publish_qos3' };
      if (qos === 0 && (flags & 0x08) !== 0) return { rule: 'publish_dup_qos0' };
      return length < (qos > 0 ? 4 : 2) ? { rule: 'field_overflow' } : undefined;
    }
    const expected = type === PUBREL || type === SUBSCRIBE || type === UNSUBSCRIBE ? 0b0010 : 0;
    if (flags !== expected) return { rule: 'reserved_flags' };
    if (type >= PUBACK && type <= PUBCOMP && length !== 2) return { rule: 'ack_length' };
    if ((type === PINGREQ || type === DISCONNECT) && length !== 0) return { rule: 'unexpected_body' };
    if ((type === SUBSCRIBE || type === UNSUBSCRIBE) && length < 2) return { rule: 'field_overflow' };
    return undefined;
  }

  private collect(need: number): void {
    this.buf = Buffer.allocUnsafe(Math.max(need, 64));
    this.need = need;
    this.have = 0;
    this.publishSized = false;
    this.state = State.Collect;
  }

  /** The bytes a rule needs are in `buf`: check them, then skip the rest of the body. */
  private collected(): ScanOutcome | undefined {
    const b = this.buf!;
    let bad: Violation | undefined;
    if (this.type === PUBLISH) {
      if (!this.publishSized) {
        const qos = (this.flags >> 1) & 3;
        const need = 2 + ((b[0]! << 8) | b[1]!) + (qos > 0 ? 2 : 0);
        if (need > this.length) return violation({ rule: 'field_overflow' });
        this.growTo(need);
        this.publishSized = true;
        this.need = need;
        if (this.have < need) return undefined;
      }
      bad = checkPublishHeader(b, (this.flags >> 1) & 3);
    } else if (this.type === MQTT_CONNECT) bad = checkConnect(this.buf!, this.length);
    else bad = checkSubscriptions(this.buf!, this.length, this.type === SUBSCRIBE);
    if (bad) return violation(bad);
    // Not kept between packets: an idle connection holds no buffer here (allocUnsafe takes small ones from
    // Node's shared pool, so a PUBLISH's few bytes cost no allocation of their own).
    this.buf = undefined;
    this.remaining = this.length - this.have;
    if (this.remaining === 0) this.finishPacket();
    else this.state = State.Body;
    return undefined;
  }

  private growTo(need: number): void {
    if (this.buf!.length >= need) return;
    const bigger = Buffer.allocUnsafe(need);
    this.buf!.copy(bigger, 0, 0, this.have);
    this.buf = bigger;
  }

  private finishPacket(): void {
    this.completed++;
    if (this.firstType === undefined) this.firstType = this.type;
    this.state = State.Header;
  }
}

function violation(v: Violation): ScanOutcome {
  return v.connack === undefined ? { ok: false, reason: 'protocol', rule: v.rule } : { ok: false, reason: 'protocol', rule: v.rule, connack: v.connack };
}
