import { describe, expect, it } from 'vitest';
import { authorizePublishTopic, authorizeSubscribeFilter } from './acl.js';

describe('topic ACL', () => {
  it('lets a device publish only to its own telemetry, status, events and command replies', () => {
    for (const t of ['devices/d1/telemetry', 'devices/d1/status', 'devices/d1/events', 'devices/d1/commands/reboot/reply']) {
      expect(authorizePublishTopic('d1', t)).toMatchObject({ allowed: true, topic: { deviceId: 'd1' } });
    }
    for (const t of [
      'devices/d2/telemetry', 'devices/d1/commands/reboot', 'devices/d1/other', 'devices/d1', 'devices/d1/telemetry/x',
      '$SYS/broker/x', 'telemetry', 'devices//telemetry', 'devices/d1/commands//reply',
    ]) {
      expect(authorizePublishTopic('d1', t).allowed).toBe(false);
    }
  });

  it('lets a device subscribe only to its own commands', () => {
    expect(authorizeSubscribeFilter('d1', 'devices/d1/commands/+')).toBe(true);
    expect(authorizeSubscribeFilter('d1', 'devices/d1/commands/reboot')).toBe(true);
    for (const f of [
      '#', '+', '$SYS/#', '+/d1/commands/+', 'devices/+/commands/+', 'devices/d1/#', 'devices/d1/commands/#',
      'devices/d2/commands/+', 'devices/d1/telemetry', 'devices/d1/commands/reboot/reply', 'devices/d1/commands/+/reply',
    ]) {
      expect(authorizeSubscribeFilter('d1', f)).toBe(false);
    }
  });

  it('gives an id that is not a topic segment nothing at all', () => {
    expect(authorizeSubscribeFilter('+', 'devices/+/commands/+')).toBe(false);
    expect(authorizeSubscribeFilter('a/b', 'devices/a/b/commands/+')).toBe(false);
    expect(authorizePublishTopic('+', 'devices/+/telemetry').allowed).toBe(false);
  });
});
