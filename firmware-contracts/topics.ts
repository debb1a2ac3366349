/**
 * MQTT topic scheme (architecture.md "MQTT"):
 *   devices/{id}/telemetry | status | events          device → platform
 *   devices/{id}/commands/{name}                      platform → device
 *   devices/{id}/commands/{name}/reply                device → platform
 */

export type TopicChannel = 'telemetry' | 'status' | 'events' | 'command' | 'commandReply';

export interface ParsedTopic {
  deviceId: string;
  channel: TopicChannel;
  /** Command name, for `command` and `commandReply`. */
  command?: string;
}

const PREFIX = 'devices/';

/**
 * A topic segment may not be empty nor hold a level separator or an MQTT wildcard (MQTT 3.1.1 §4.7):
 * a device id like `a/b` or `+` would escape the per-device ACL.
 */
function isSegment(s: string): boolean {
  return s.length > 0 && !s.includes('/') && !s.includes('+') && !s.includes('#') && !s.includes('\u0000');
}

function segment(s: string, what: string): string {
  if (!isSegment(s)) throw new RangeError(`invalid ${what} for an MQTT topic segment: ${JSON.stringify(s)}`);
  return s;
}

/** Parse a device topic; null when the topic is not one of ours. */
function parse(topic: string): ParsedTopic | null {
  if (!topic.startsWith(PREFIX)) return null;
  const parts = topic.slice(PREFIX.length).split('/');
  const deviceId = parts[0];
  const channel = parts[1];
  if (deviceId === undefined || channel === undefined || !isSegment(deviceId)) return null;
  if (parts.length === 2) {
    if (channel === 'telemetry' || channel === 'status' || channel === 'events') return { deviceId, channel };
    return null;
  }
  if (channel !== 'commands') return null;
  const command = parts[2];
  if (command === undefined || !isSegment(command)) return null;
  if (parts.length === 3) return { deviceId, channel: 'command', command };
  if (parts.length === 4 && parts[3] === 'reply') return { deviceId, channel: 'commandReply', command };
  return null;
}

/**
 * Topic builders and parser. Builders throw RangeError for an id or command name that is empty or holds
 * `/`, `+`, `#` (a programming error, not a device fault).
 */
export const topics = {
  telemetry: (id: string): string => `${PREFIX}${segment(id, 'device id')}/telemetry`,
  status: (id: string): string => `${PREFIX}${segment(id, 'device id')}/status`,
  events: (id: string): string => `${PREFIX}${segment(id, 'device id')}/events`,
  command: (id: string, name: string): string =>
    `${PREFIX}${segment(id, 'device id')}/commands/${segment(name, 'command name')}`,
  commandReply: (id: string, name: string): string =>
    `${PREFIX}${segment(id, 'device id')}/commands/${segment(name, 'command name')}/reply`,
  parse,
};
