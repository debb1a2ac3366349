import { describe, expect, it } from 'vitest';
import { common, minimal, standard } from 'node-mavlink';
import { decodeFrames, encodeFrame, REGISTRY } from './codec.js';

describe('MAVLink 2 codec', () => {
  it('registry includes AUTOPILOT_VERSION from the standard dialect (pitfall 4)', () => {
    expect(common.REGISTRY[148]).toBeUndefined();
    expect(REGISTRY[148]).toBe(standard.REGISTRY[148]);
    expect(REGISTRY[148]?.MSG_NAME).toBe('AUTOPILOT_VERSION');
  });

  it('decodes several frames from one datagram and keeps a partial tail for stream transports', () => {
    const hb = new minimal.Heartbeat();
    hb.type = 2;
    const a = encodeFrame(hb, { sysid: 1, compid: 1, seq: 1 });
    const r = new common.MissionItemReached();
    r.seq = 7;
    const b = encodeFrame(r, { sysid: 1, compid: 1, seq: 2 });
    const all = Buffer.concat([a, b]);
    const whole = decodeFrames(all);
    expect(whole.frames.map((f) => f.msgid)).toEqual([0, 46]);
    expect((whole.frames[1]?.data as common.MissionItemReached).seq).toBe(7);
    const part = decodeFrames(all.subarray(0, a.length + 3));
    expect(part.frames).toHaveLength(1);
    expect(part.consumed).toBe(a.length);
  });

  it('drops a frame with a corrupted byte (CRC) and skips MAVLink 1 frames', () => {
    const r = new common.MissionItemReached();
    r.seq = 7;
    const b = Buffer.from(encodeFrame(r, { sysid: 1, compid: 1, seq: 2 }));
    b[10] = (b[10] ?? 0) ^ 0xff;
    expect(decodeFrames(b)).toMatchObject({ frames: [], errors: 1 });
    expect(decodeFrames(Buffer.from([0xfe, 9, 0, 1, 1, 0])).frames).toHaveLength(0);
  });
});
