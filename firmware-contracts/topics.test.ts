import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topics } from './index.js';

describe('topics', () => {
  it('builds the architecture.md topic scheme', () => {
    expect(topics.telemetry('gas-0001')).toBe('devices/gas-0001/telemetry');
    expect(topics.status('gas-0001')).toBe('devices/gas-0001/status');
    expect(topics.events('gas-0001')).toBe('devices/gas-0001/events');
    expect(topics.command('gas-0001', 'reboot')).toBe('devices/gas-0001/commands/reboot');
    expect(topics.commandReply('gas-0001', 'reboot')).toBe('devices/gas-0001/commands/reboot/reply');
  });

  it('parses each channel', () => {
    expect(topics.parse('devices/d1/telemetry')).toEqual({ deviceId: 'd1', channel: 'telemetry' });
    expect(topics.parse('devices/d1/status')).toEqual({ deviceId: 'd1', channel: 'status' });
    expect(topics.parse('devices/d1/events')).toEqual({ deviceId: 'd1', channel: 'events' });
    expect(topics.parse('devices/d1/commands/set_interval')).toEqual({ deviceId: 'd1', channel: 'command', command: 'set_interval' });
    expect(topics.parse('devices/d1/commands/set_interval/reply'))
      .toEqual({ deviceId: 'd1', channel: 'commandReply', command: 'set_interval' });
  });

  it.each([
    'devices/d1', 'devices//telemetry', 'devices/d1/telemetry/x', 'devices/d1/other', 'device/d1/telemetry',
    'devices/d1/commands', 'devices/d1/commands//reply', 'devices/d1/commands/x/ack', 'devices/+/telemetry',
    'devices/#', '/devices/d1/telemetry', 'devices/d1/commands/x/reply/more',
  ])('rejects %s', (t) => expect(topics.parse(t)).toBeNull());

  it.each(['', 'a/b', '+', 'x#'])('builders refuse the id %j', (id) => {
    expect(() => topics.telemetry(id)).toThrow(RangeError);
    expect(() => topics.command('d1', id)).toThrow(RangeError);
  });

  it('parse inverts every builder', () => {
    const seg = fc.string({ minLength: 1 }).filter((s) => !/[/+#]/.test(s) && !s.includes('\u0000'));
    fc.assert(fc.property(seg, seg, (id, cmd) => {
      expect(topics.parse(topics.telemetry(id))).toEqual({ deviceId: id, channel: 'telemetry' });
      expect(topics.parse(topics.command(id, cmd))).toEqual({ deviceId: id, channel: 'command', command: cmd });
      expect(topics.parse(topics.commandReply(id, cmd))).toEqual({ deviceId: id, channel: 'commandReply', command: cmd });
    }));
  });
});
