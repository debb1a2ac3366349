import { createRequire } from 'node:module';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { installPubackWriter } from './puback-writer.js';
import { TransportGuard, type TransportGuardOptions } from './transport-guard.js';

const mqttPacket = createRequire(import.meta.url)('mqtt-packet') as { writeToStream(packet: object, stream: Duplex): boolean };

/** The socket side: records each write the guard makes to it. */
function innerRecorder(): { inner: Duplex; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const inner = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk);
      cb();
    },
  });
  return { inner, writes };
}

const options: TransportGuardOptions = { maxFrameBytes: 1024, connectTimeoutMs: 60_000, onReject: () => {}, onClose: () => {} };
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('PUBACKs written as bytes (puback-writer)', () => {
  installPubackWriter();

  it('leave in one socket write per tick, in order, and another packet flushes the PUBACKs before it', async () => {
    const { inner, writes } = innerRecorder();
    const guard = new TransportGuard(inner, { address: '127.0.0.1' }, options);
    for (const id of [1, 2, 300]) expect(mqttPacket.writeToStream({ cmd: 'puback', messageId: id }, guard)).toBe(true);
    mqttPacket.writeToStream({ cmd: 'pingresp' }, guard);
    mqttPacket.writeToStream({ cmd: 'puback', messageId: 65535 }, guard);
    await tick();
    expect(Buffer.concat(writes).toString('hex')).toBe('40020001' + '40020002' + '4002012c' + 'd000' + '4002ffff');
    const before = writes.length;
    // Many in one tick: one write of them all (the buffer grows past its first 64 bytes).
    for (let id = 1; id <= 100; id++) mqttPacket.writeToStream({ cmd: 'puback', messageId: id }, guard);
    await tick();
    expect(writes.length).toBe(before + 1);
    expect(writes.at(-1)!.length).toBe(400);
    expect(writes.at(-1)!.readUInt16BE(398)).toBe(100);
    guard.destroy();
  });

  it('leaves other streams to mqtt-packet, and installs once', async () => {
    const { inner, writes } = innerRecorder();
    mqttPacket.writeToStream({ cmd: 'puback', messageId: 7 }, inner);
    await tick();
    expect(Buffer.concat(writes).toString('hex')).toBe('40020007');
    expect(installPubackWriter()).toBe(false);
  });
});
