import { describe, expect, it } from 'vitest';
import { common } from 'node-mavlink';
import { decodeFrames, encodeFrame } from './codec.js';
import { CMD, commandLong, commandParams, customModeOf, modeOfCustom } from './commands.js';
import type { FlightMode } from './commands.js';

const T = { sysid: 1, compid: 1 };
/** MAVLink 2 header is 10 bytes; COMMAND_LONG payload: param1..7 floats at 0..24, command u16 at 28,
 *  target system/component at 30/31, confirmation at 32 (fields sorted by size, common.xml). */
const P = 10;

function encode(command: number, params: number[], confirmation = 0): Buffer {
  return encodeFrame(commandLong(T, command, params, confirmation), { sysid: 255, compid: 190, seq: 9 });
}

function param(buf: Buffer, i: number): number {
  // Trailing zero bytes are truncated in MAVLink 2 (serialization.html), so read through a padded copy.
  const payload = Buffer.alloc(33);
  buf.copy(payload, 0, P, P + (buf[1] ?? 0));
  return payload.readFloatLE(4 * (i - 1));
}

describe('COMMAND_LONG bytes on the wire (pitfall 2: _param1.._param7)', () => {
  it('ARM puts 1.0 in param1 at payload offset 0, command 400 at offset 28', () => {
    const b = encode(CMD.COMPONENT_ARM_DISARM, commandParams.arm(true));
    expect(b[0]).toBe(0xfd); // MAVLink 2 start byte, never 0xFE (pitfall 1)
    expect(b.readUIntLE(7, 3)).toBe(76); // COMMAND_LONG
    expect(b.subarray(P, P + 4)).toEqual(Buffer.from([0x00, 0x00, 0x80, 0x3f]));
    expect(b.readUInt16LE(P + 28)).toBe(400);
    expect(b[P + 30]).toBe(1);
    expect(b[P + 31]).toBe(1);
  });

  it('DISARM sends param1 = 0', () => {
    expect(param(encode(CMD.COMPONENT_ARM_DISARM, commandParams.arm(false)), 1)).toBe(0);
  });

  it('TAKEOFF carries the altitude in param7 and yaw NaN in param4', () => {
    const b = encode(CMD.NAV_TAKEOFF, commandParams.takeoff(35));
    expect(b.readUInt16LE(P + 28)).toBe(22);
    expect(param(b, 7)).toBe(35);
    expect(param(b, 4)).toBeNaN();
  });

  it('MISSION_START and LAND carry their command ids', () => {
    expect(encode(CMD.MISSION_START, commandParams.missionStart()).readUInt16LE(P + 28)).toBe(300);
    const land = encode(CMD.NAV_LAND, commandParams.land());
    expect(land.readUInt16LE(P + 28)).toBe(21);
    expect(param(land, 5)).toBeNaN();
  });

  it('DO_SET_MODE: ArduCopter RTL = custom mode 6; PX4 AUTO.MISSION = main 4, sub 4', () => {
    const ap = encode(CMD.DO_SET_MODE, commandParams.setMode('ardupilot', 'rtl'));
    expect(ap.readUInt16LE(P + 28)).toBe(176);
    expect([param(ap, 1), param(ap, 2)]).toEqual([1, 6]);
    const px = encode(CMD.DO_SET_MODE, commandParams.setMode('px4', 'mission'));
    expect([param(px, 1), param(px, 2), param(px, 3)]).toEqual([1, 4, 4]);
  });

  it('a re-sent command increments confirmation (payload offset 32) and round-trips through the decoder', () => {
    const b = encode(CMD.COMPONENT_ARM_DISARM, commandParams.arm(true), 2);
    expect(b[P + 32]).toBe(2);
    const { frames, errors } = decodeFrames(b);
    expect(errors).toBe(0);
    const m = frames[0]?.data;
    expect(m).toBeInstanceOf(common.CommandLong);
    expect((m as common.CommandLong)._param1).toBe(1);
    expect((m as common.CommandLong).confirmation).toBe(2);
  });
});

describe('mode tables', () => {
  const modes: FlightMode[] = ['stabilize', 'hold', 'mission', 'rtl', 'land'];
  it.each(modes)('%s round-trips through PX4 and ArduPilot custom_mode', (m) => {
    expect(modeOfCustom('px4', customModeOf('px4', m))).toBe(m);
    expect(modeOfCustom('ardupilot', customModeOf('ardupilot', m))).toBe(m);
  });
  it('PX4 AUTO.RTL is 0x05040000', () => {
    expect(customModeOf('px4', 'rtl')).toBe(0x05040000);
  });
});
