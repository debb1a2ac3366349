import { ardupilotmega, common, minimal, MavLinkPacketSignature, MavLinkProtocolV2, standard, x25crc } from 'node-mavlink';
import type { MavLinkData, MavLinkDataConstructor, MavLinkPacketRegistry } from 'node-mavlink';

/**
 * MAVLink 2 framing on top of node-mavlink's (codec-only) serializers.
 * Pitfall 4 (drone-ops.md): AUTOPILOT_VERSION lives in `standard`, so the registry is built from
 * minimal + common + standard + ardupilotmega. Pitfall 1: we only ever frame MAVLink 2 (0xFD).
 */
export const REGISTRY: MavLinkPacketRegistry = {
  ...minimal.REGISTRY,
  ...common.REGISTRY,
  ...standard.REGISTRY,
  ...ardupilotmega.REGISTRY,
};

const STX_V2 = 0xfd;
const HEADER_LEN = 10;
const CRC_LEN = 2;
const SIGNATURE_LEN = 13;
const IFLAG_SIGNED = 0x01;
/** Signature timestamps count 10 µs units since 2015-01-01T00:00:00Z (MAVLink 2 signing spec). */
export const SIGNING_EPOCH_MS = Date.UTC(2015, 0, 1);

export interface SignParams {
  key: Buffer;
  linkId: number;
  /** 48-bit timestamp in 10 µs units since 2015-01-01; the caller guarantees it strictly increases. */
  timestamp: number;
}

export interface EncodeParams {
  sysid: number;
  compid: number;
  seq: number;
  sign?: SignParams;
}

/** Serialize one message as a MAVLink 2 frame, signed when `sign` is given. */
export function encodeFrame(msg: MavLinkData, p: EncodeParams): Buffer {
  const proto = new MavLinkProtocolV2(p.sysid, p.compid, p.sign ? IFLAG_SIGNED : 0, 0);
  const frame = proto.serialize(msg, p.seq & 0xff);
  if (!p.sign) return frame;
  // The incompat flag is part of the CRC, so it is set before serialize (above); the signature is
  // SHA-256(key ‖ header ‖ payload ‖ crc ‖ link id ‖ timestamp), first 48 bits. We write our own
  // timestamp instead of node-mavlink's Date.now() one (pitfall 3).
  const out = Buffer.concat([frame, Buffer.alloc(SIGNATURE_LEN)]);
  const sig = new MavLinkPacketSignature(out);
  sig.linkId = p.sign.linkId;
  sig.timestamp = p.sign.timestamp;
  sig.signature = sig.calculate(p.sign.key);
  return out;
}

export interface Frame {
  msgid: number;
  seq: number;
  sysid: number;
  compid: number;
  /** The whole frame, signature included (replay tests resend it verbatim). */
  raw: Buffer;
  /** Decoded message, or undefined for a message id not in the registry. */
  data: MavLinkData | undefined;
  signature: { linkId: number; timestamp: number; valid: (key: Buffer) => boolean } | undefined;
}

export interface DecodeResult {
  frames: Frame[];
  /** Bytes consumed; a stream transport keeps the rest for the next chunk. */
  consumed: number;
  /** Frames dropped for a bad CRC or a non-MAVLink-2 start byte. */
  errors: number;
}

/** Decode every complete MAVLink 2 frame in `buf` (a UDP datagram or a TCP chunk). */
export function decodeFrames(buf: Buffer): DecodeResult {
  const frames: Frame[] = [];
  let off = 0;
  let errors = 0;
  while (off < buf.length) {
    if (buf[off] !== STX_V2) {
      // MAVLink 1 or noise: resynchronise on the next 0xFD.
      const next = buf.indexOf(STX_V2, off + 1);
      errors++;
      if (next < 0) return { frames, consumed: buf.length, errors };
      off = next;
      continue;
    }
    if (buf.length - off < HEADER_LEN) break;
    const plen = buf[off + 1] ?? 0;
    const signed = ((buf[off + 2] ?? 0) & IFLAG_SIGNED) !== 0;
    const total = HEADER_LEN + plen + CRC_LEN + (signed ? SIGNATURE_LEN : 0);
    if (buf.length - off < total) break;
    const raw = buf.subarray(off, off + total);
    const frame = parseFrame(raw, plen, signed);
    if (frame) frames.push(frame);
    else errors++;
    off += total;
  }
  return { frames, consumed: off, errors };
}

function parseFrame(raw: Buffer, plen: number, signed: boolean): Frame | null {
  const msgid = raw.readUIntLE(7, 3);
  const clazz: MavLinkDataConstructor<MavLinkData> | undefined = REGISTRY[msgid];
  const crcAt = HEADER_LEN + plen;
  if (clazz) {
    const crc = x25crc(raw, 1, crcTrim(signed), clazz.MAGIC_NUMBER);
    if (crc !== raw.readUInt16LE(crcAt)) return null;
  }
  const payload = Buffer.alloc(Math.max(255, clazz?.PAYLOAD_LENGTH ?? 0));
  raw.copy(payload, 0, HEADER_LEN, crcAt);
  const proto = new MavLinkProtocolV2();
  const data = clazz ? proto.data(payload, clazz) : undefined;
  let signature: Frame['signature'];
  if (signed) {
    const sig = new MavLinkPacketSignature(raw);
    signature = { linkId: sig.linkId, timestamp: sig.timestamp, valid: (key) => sig.matches(key) };
  }
  return { msgid, seq: raw[4] ?? 0, sysid: raw[5] ?? 0, compid: raw[6] ?? 0, raw, data, signature };
}

/** x25crc(buffer, start, trimEnd, extra): the CRC covers bytes 1..crc, so trim the CRC (and signature). */
function crcTrim(signed: boolean): number {
  return CRC_LEN + (signed ? SIGNATURE_LEN : 0);
}

/** Current time as a signing timestamp (10 µs units since 2015-01-01). */
export function signingNow(nowMs: number): number {
  return Math.floor((nowMs - SIGNING_EPOCH_MS) * 100);
}
