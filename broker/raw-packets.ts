/**
 * MQTT 3.1.1 packets built byte by byte, for tests that must send what no client library would
 * (a packet id of 0, QoS 3, an unpaired surrogate in a topic). Test support only.
 */

/** §2.2.3 variable-length Remaining Length. */
export function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

type Bytes = string | Buffer;
const bytes = (s: Bytes): Buffer => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s);

/** §1.5.3 UTF-8 string or binary data: two length bytes, then the bytes. */
export function field(s: Bytes): Buffer {
  const b = bytes(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);

/** A whole packet: the first byte (type << 4 | flags), the Remaining Length, the body. */
export function packet(firstByte: number, body: Buffer | number[] = []): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return Buffer.concat([Buffer.from([firstByte, ...varint(b.length)]), b]);
}

export interface ConnectFields {
  clientId: Bytes;
  username?: Bytes;
  password?: Bytes;
  clean?: boolean;
  will?: { topic: Bytes; payload: Bytes; qos: number; retain?: boolean };
  protocolName?: string;
  level?: number;
  /** Connect flags forced to this byte (flag-consistency cases). */
  flags?: number;
  keepalive?: number;
}

export function connect(f: ConnectFields): Buffer {
  let flags = (f.clean ?? true) ? 0x02 : 0;
  if (f.will) flags |= 0x04 | (f.will.qos << 3) | (f.will.retain ? 0x20 : 0);
  if (f.password !== undefined) flags |= 0x40;
  if (f.username !== undefined) flags |= 0x80;
  const parts = [field(f.protocolName ?? 'MQTT'), Buffer.from([f.level ?? 4, f.flags ?? flags]), u16(f.keepalive ?? 60), field(f.clientId)];
  if (f.will) parts.push(field(f.will.topic), field(f.will.payload));
  if (f.username !== undefined) parts.push(field(f.username));
  if (f.password !== undefined) parts.push(field(f.password));
  return packet(0x10, Buffer.concat(parts));
}

export interface PublishFields {
  qos?: number;
  id?: number;
  dup?: boolean;
  retain?: boolean;
}

export function publish(topic: Bytes, payload: Bytes, o: PublishFields = {}): Buffer {
  const qos = o.qos ?? 0;
  const first = 0x30 | (o.dup ? 0x08 : 0) | (qos << 1) | (o.retain ? 1 : 0);
  const id = qos > 0 || o.id !== undefined ? u16(o.id ?? 1) : Buffer.alloc(0);
  return packet(first, Buffer.concat([field(topic), id, bytes(payload)]));
}

export const subscribe = (id: number, filters: Array<[Bytes, number]>, flags = 0b0010): Buffer =>
  packet(0x80 | flags, Buffer.concat([u16(id), ...filters.flatMap(([t, q]) => [field(t), Buffer.from([q])])]));

export const unsubscribe = (id: number, filters: Bytes[], flags = 0b0010): Buffer =>
  packet(0xa0 | flags, Buffer.concat([u16(id), ...filters.map(field)]));

/** PUBACK (4), PUBREC (5), PUBREL (6), PUBCOMP (7) with a packet id, plus any extra body bytes. */
export const ack = (type: 4 | 5 | 6 | 7, id: number, extra: number[] = [], flags = type === 6 ? 0b0010 : 0): Buffer =>
  packet((type << 4) | flags, [id >> 8, id & 0xff, ...extra]);

export const pingreq = (body: number[] = []): Buffer => packet(0xc0, body);
export const disconnect = (body: number[] = []): Buffer => packet(0xe0, body);

/** An unpaired high surrogate (U+D800) encoded as UTF-8 bytes: ill-formed UTF-8 (§1.5.3). */
export const LONE_SURROGATE = Buffer.from([0xed, 0xa0, 0x80]);
