/**
 * QoS 1 PUBACKs written as bytes. aedes writes every outgoing packet through mqtt-packet's `writeToStream`
 * (its one write site, lib/write.js), which for a PUBACK corks the stream, makes three stream writes (type,
 * length, packet id) and schedules the uncork: per acknowledged message a `nextTick` and three Writable
 * writes, ~5 % of the platform's busy time at saturation. A PUBACK to a TransportGuard is instead appended
 * as its four bytes (MQTT 3.1.1 §3.4: 0x40, 0x02, packet id) to the guard's acknowledgements of this tick,
 * which leave as one write (transport-guard.ts); any other packet to that guard first flushes them, so the
 * order of everything written to a connection is kept.
 *
 * aedes reads `writeToStream` from mqtt-packet's exports at each call, so replacing the export is enough;
 * mqtt-packet is CommonJS, its exports one shared object.
 */
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { TransportGuard } from './transport-guard.js';

type WriteToStream = (packet: { cmd: string; messageId?: number }, stream: Writable, opts?: { protocolVersion?: number }) => boolean;

const PATCHED = Symbol.for('citybrain.pubackWriter');

/** Installs the PUBACK fast path once per process; returns false when it was already installed. */
export function installPubackWriter(): boolean {
  const mqttPacket = createRequire(import.meta.url)('mqtt-packet') as { writeToStream: WriteToStream & { [PATCHED]?: true } };
  const original = mqttPacket.writeToStream;
  if (original[PATCHED]) return false;
  const patched: WriteToStream & { [PATCHED]?: true } = (packet, stream, opts) => {
    if (!(stream instanceof TransportGuard)) return original(packet, stream, opts);
    // MQTT 5 PUBACKs carry a reason code: only 3.1.1 (aedes's line) takes the four-byte form.
    if (packet.cmd === 'puback' && typeof packet.messageId === 'number' && (opts?.protocolVersion ?? 4) < 5) return stream.writeAck(packet.messageId);
    stream.flushAcks();
    return original(packet, stream, opts);
  };
  patched[PATCHED] = true;
  mqttPacket.writeToStream = patched;
  return true;
}

installPubackWriter();
