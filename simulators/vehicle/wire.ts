import { createHash } from 'node:crypto';
import { ardupilotmega, common, minimal, MavLinkProtocolV2, standard, x25crc } from 'node-mavlink';
import type { MavLinkData, MavLinkDataConstructor, MavLinkPacketRegistry } from 'node-mavlink';

/**
 * The simulated vehicle's own MAVLink 2 framing and signing check, written independently of the
 * controller (drone-ops/mavlink) so each side tests the other. node-mavlink serializes payloads only.
 */
const REGISTRY: MavLinkPacketRegistry = { ...minimal.REGISTRY, ...common.REGISTRY, ...standard.REGISTRY, ...ardupilotmega.REGISTRY };
const SIGNING_EPOCH_MS = Date.UTC(2015, 0, 1);

export interface Incoming {
  sysid: number;
  compid: number;
  msg: MavLinkData;
  raw: Buffer;
  sig: { linkId: number; timestamp: number; ok: boolean } | undefined;
}

function signatureOf(key: Buffer, signedPart: Buffer): Buffer {
  return createHash('sha256').update(key).update(signedPart).digest().subarray(0, 6);
}

/** Decode all frames of one datagram; frames with a bad CRC or unknown id are skipped. */
export function decodeDatagram(buf: Buffer, key: Buffer | undefined): Incoming[] {
  const out: Incoming[] = [];
  let off = 0;
  while (off + 12 <= buf.length && buf[off] === 0xfd) {
    const plen = buf[off + 1] ?? 0;
    const signed = ((buf[off + 2] ?? 0) & 1) === 1;
    const end = off + 12 + plen + (signed ? 13 : 0);
    if (end > buf.length) break;
    const raw = buf.subarray(off, end);
    off = end;
    const clazz: MavLinkDataConstructor<MavLinkData> | undefined = REGISTRY[raw.readUIntLE(7, 3)];
    if (!clazz || x25crc(raw.subarray(0, 12 + plen), 1, 2, clazz.MAGIC_NUMBER) !== raw.readUInt16LE(10 + plen)) continue;
    const payload = Buffer.alloc(255);
    raw.copy(payload, 0, 10, 10 + plen);
    let sig: Incoming['sig'];
    if (signed) {
      const s = 12 + plen;
      const ok = key !== undefined && signatureOf(key, raw.subarray(0, s + 7)).equals(raw.subarray(s + 7, s + 13));
      sig = { linkId: raw[s] ?? 0, timestamp: raw.readUIntLE(s + 1, 6), ok };
    }
    out.push({ sysid: raw[5] ?? 0, compid: raw[6] ?? 0, msg: new MavLinkProtocolV2().data(payload, clazz), raw, sig });
  }
  return out;
}

/** Frames outgoing messages with a running sequence and, when keyed, a strictly increasing signature stamp. */
export class Framer {
  private seq = 0;
  private lastStamp = 0;
  private readonly protocol: MavLinkProtocolV2;

  constructor(sysid: number, compid: number, private readonly key: Buffer | undefined, private readonly linkId = 0) {
    this.protocol = new MavLinkProtocolV2(sysid, compid, key ? 1 : 0, 0);
  }

  frame(msg: MavLinkData): Buffer {
    const body = this.protocol.serialize(msg, this.seq);
    this.seq = (this.seq + 1) & 0xff;
    if (!this.key) return body;
    this.lastStamp = Math.max(Math.floor((Date.now() - SIGNING_EPOCH_MS) * 100), this.lastStamp + 1);
    const tail = Buffer.alloc(13);
    tail[0] = this.linkId;
    tail.writeUIntLE(this.lastStamp, 1, 6);
    const signed = Buffer.concat([body, tail]);
    signatureOf(this.key, signed.subarray(0, signed.length - 6)).copy(signed, signed.length - 6);
    return signed;
  }
}

/** Replay policy on the vehicle side: per (sysid, compid, link) the stamp must grow; new streams within 60 s. */
export class ReplayWindow {
  private readonly last = new Map<number, number>();
  accept(m: Incoming): boolean {
    if (!m.sig?.ok) return false;
    const id = (m.sysid << 16) | (m.compid << 8) | m.sig.linkId;
    const prev = this.last.get(id);
    if (prev === undefined && Math.abs(m.sig.timestamp - (Date.now() - SIGNING_EPOCH_MS) * 100) > 6_000_000) return false;
    if (prev !== undefined && m.sig.timestamp <= prev) return false;
    this.last.set(id, m.sig.timestamp);
    return true;
  }
}
