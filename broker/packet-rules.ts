/**
 * The MQTT 3.1.1 MUSTs about malformed packets that aedes and mqtt-packet let through, as pure checks on
 * bytes. The frame scanner calls them once the bytes a rule needs have arrived, before the packet reaches
 * aedes. Each rule name is a metric label and is listed, with its spec section, in docs/broker-conformance.md.
 */
import { isUtf8 } from 'node:buffer';

export type ProtocolRule =
  | 'remaining_length' // §2.2.3 at most four bytes
  | 'reserved_type' // §2.2.1 type 0 (and 15) reserved
  | 'client_only_type' // §2.2.1 CONNACK/SUBACK/UNSUBACK/PINGRESP flow server → client only; §4.8
  | 'first_packet_not_connect' // [MQTT-3.1.0-1]
  | 'second_connect' // [MQTT-3.1.0-2]
  | 'reserved_flags' // [MQTT-2.2.2-1], [MQTT-2.2.2-2], [MQTT-3.6.1-1], [MQTT-3.8.1-1], [MQTT-3.10.1-1]
  | 'publish_qos3' // [MQTT-3.3.1-4]
  | 'publish_dup_qos0' // [MQTT-3.3.1-2]
  | 'packet_id_zero' // [MQTT-2.3.1-1]
  | 'ack_length' // §3.4.1, §3.5.1, §3.6.1, §3.7.1: Remaining Length is 2
  | 'unexpected_body' // §3.12.1, §3.14.1: PINGREQ and DISCONNECT have no body
  | 'no_topic_filter' // [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  | 'bad_utf8' // [MQTT-1.5.3-1] ill-formed UTF-8 (surrogates included)
  | 'utf8_null' // [MQTT-1.5.3-2] U+0000
  | 'empty_topic' // [MQTT-4.7.3-1]
  | 'wildcard_in_topic_name' // [MQTT-3.3.2-2]
  | 'bad_wildcard' // [MQTT-4.7.1-2], [MQTT-4.7.1-3]
  | 'subscribe_qos' // [MQTT-3-8.3-4]
  | 'field_overflow' // §4.8: a length field runs past the packet (malformed)
  | 'protocol_name' // [MQTT-3.1.2-1]
  | 'protocol_level' // [MQTT-3.1.2-2] → CONNACK 1
  | 'connect_reserved_flag' // [MQTT-3.1.2-3]
  | 'will_flags' // [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15]
  | 'will_qos3' // [MQTT-3.1.2-14]
  | 'password_without_username' // [MQTT-3.1.2-22]
  | 'empty_client_id_persistent'; // [MQTT-3.1.3-8] → CONNACK 2

export interface Violation {
  rule: ProtocolRule;
  /** CONNACK return code to send before closing (§3.2.2.3), when the spec asks for one. */
  connack?: 1 | 2;
}

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;

type StringKind = 'name' | 'filter' | 'plain';

/**
 * Checks a UTF-8 encoded string field (§1.5.3) in `b[start, end)`; for topic names and filters also the
 * topic rules of §4.7. ASCII is checked byte by byte; anything else goes to the strict validator, which
 * refuses surrogate code points, overlong forms and truncated sequences.
 */
export function checkString(b: Uint8Array, start: number, end: number, kind: StringKind): ProtocolRule | undefined {
  if (kind !== 'plain' && end === start) return 'empty_topic';
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0) return 'utf8_null';
    if (c >= 0x80) ascii = false;
    else if (kind === 'name' && (c === PLUS || c === HASH)) return 'wildcard_in_topic_name';
    else if (kind === 'filter' && !wildcardPlaced(b, start, end, i, c)) return 'bad_wildcard';
  }
  if (!ascii && !isUtf8(b.subarray(start, end))) return 'bad_utf8';
  return undefined;
}

/** §4.7.1.2: `#` last and alone in its level; §4.7.1.3: `+` alone in its level. */
function wildcardPlaced(b: Uint8Array, start: number, end: number, i: number, c: number): boolean {
  if (c !== PLUS && c !== HASH) return true;
  const before = i === start || b[i - 1] === SLASH;
  if (c === HASH) return before && i === end - 1;
  return before && (i === end - 1 || b[i + 1] === SLASH);
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

/** A length-prefixed field at `pos`, or undefined when it runs past `end`. */
function field(b: Uint8Array, pos: number, end: number): { start: number; end: number } | undefined {
  if (pos + 2 > end) return undefined;
  const start = pos + 2;
  const stop = start + u16(b, pos);
  return stop > end ? undefined : { start, end: stop };
}

/** PUBLISH variable header: topic name, then a non-zero packet id when QoS > 0 (§3.3.2). */
export function checkPublishHeader(b: Uint8Array, qos: number): Violation | undefined {
  const topicEnd = 2 + u16(b, 0);
  const rule = checkString(b, 2, topicEnd, 'name');
  if (rule) return { rule };
  if (qos > 0 && u16(b, topicEnd) === 0) return { rule: 'packet_id_zero' };
  return undefined;
}

/** SUBSCRIBE (§3.8.3) or UNSUBSCRIBE (§3.10.3) body: packet id, then one or more filters. */
export function checkSubscriptions(b: Uint8Array, len: number, withQos: boolean): Violation | undefined {
  if (u16(b, 0) === 0) return { rule: 'packet_id_zero' };
  let pos = 2;
  if (pos >= len) return { rule: 'no_topic_filter' };
  while (pos < len) {
    const f = field(b, pos, len);
    if (!f) return { rule: 'field_overflow' };
    const rule = checkString(b, f.start, f.end, 'filter');
    if (rule) return { rule };
    pos = f.end;
    if (!withQos) continue;
    if (pos >= len) return { rule: 'field_overflow' };
    // Requested QoS: upper six bits reserved, and QoS 3 does not exist.
    if (b[pos]! > 2) return { rule: 'subscribe_qos' };
    pos += 1;
  }
  return undefined;
}

const MQTT = Buffer.from('MQTT');
const MQISDP = Buffer.from('MQIsdp');

/** CONNECT variable header and payload (§3.1.2, §3.1.3); `b` holds the whole body of `len` bytes. */
export function checkConnect(b: Uint8Array, len: number): Violation | undefined {
  const name = field(b, 0, len);
  if (!name) return { rule: 'field_overflow' };
  const nameBytes = b.subarray(name.start, name.end);
  // The broker speaks 3.1.1 (level 4, "MQTT") and, as aedes does, 3.1 (level 3, "MQIsdp").
  const known = Buffer.compare(nameBytes, MQTT) === 0 || Buffer.compare(nameBytes, MQISDP) === 0;
  if (!known) return { rule: 'protocol_name' };
  let pos = name.end;
  if (pos + 4 > len) return { rule: 'field_overflow' };
  const level = b[pos]!;
  if (level !== 3 && level !== 4) return { rule: 'protocol_level', connack: 1 };
  const flags = b[pos + 1]!;
  pos += 4; // level, flags, keep alive
  const v = connectFlags(flags);
  if (v) return v;
  return connectPayload(b, pos, len, flags);
}

function connectFlags(flags: number): Violation | undefined {
  if ((flags & 0x01) !== 0) return { rule: 'connect_reserved_flag' };
  const will = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 3;
  const willRetain = (flags & 0x20) !== 0;
  if (!will && (willQos !== 0 || willRetain)) return { rule: 'will_flags' };
  if (willQos === 3) return { rule: 'will_qos3' };
  if ((flags & 0x80) === 0 && (flags & 0x40) !== 0) return { rule: 'password_without_username' };
  return undefined;
}

function connectPayload(b: Uint8Array, start: number, len: number, flags: number): Violation | undefined {
  const id = field(b, start, len);
  if (!id) return { rule: 'field_overflow' };
  const idRule = checkString(b, id.start, id.end, 'plain');
  if (idRule) return { rule: idRule };
  if (id.end === id.start && (flags & 0x02) === 0) return { rule: 'empty_client_id_persistent', connack: 2 };
  let pos = id.end;
  if ((flags & 0x04) !== 0) {
    const topic = field(b, pos, len);
    if (!topic) return { rule: 'field_overflow' };
    // The will is published to its topic, so it must be a valid topic name [MQTT-3.1.3-10].
    const rule = checkString(b, topic.start, topic.end, 'name');
    if (rule) return { rule };
    const message = field(b, topic.end, len);
    if (!message) return { rule: 'field_overflow' };
    pos = message.end;
  }
  if ((flags & 0x80) !== 0) {
    const user = field(b, pos, len);
    if (!user) return { rule: 'field_overflow' };
    const rule = checkString(b, user.start, user.end, 'plain'); // [MQTT-3.1.3-11]
    if (rule) return { rule };
    pos = user.end;
  }
  if ((flags & 0x40) !== 0) {
    const password = field(b, pos, len);
    if (!password) return { rule: 'field_overflow' };
    pos = password.end;
  }
  return pos === len ? undefined : { rule: 'field_overflow' };
}
