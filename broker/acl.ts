import { topics, type ParsedTopic } from '../firmware-contracts/index.js';

/**
 * Topic ACL (architecture.md "MQTT": a device may publish only under its own `devices/{id}/` and
 * subscribe only to its own commands). Pure: the broker decides what to do with a denial.
 */

export type PublishDecision =
  | { allowed: true; topic: ParsedTopic }
  | { allowed: false; why: string };

/** Device → platform channels; `command` is platform → device only. */
const DEVICE_PUBLISHES: ReadonlySet<ParsedTopic['channel']> = new Set(['telemetry', 'status', 'events', 'commandReply']);

export function authorizePublishTopic(deviceId: string, topic: string): PublishDecision {
  const parsed = topics.parse(topic);
  if (parsed === null) return { allowed: false, why: 'not a device topic' };
  if (parsed.deviceId !== deviceId) return { allowed: false, why: 'another device\'s topic' };
  if (!DEVICE_PUBLISHES.has(parsed.channel)) return { allowed: false, why: 'commands are sent by the platform only' };
  return { allowed: true, topic: parsed };
}

/**
 * A device may subscribe to `devices/{ownId}/commands/+` or one concrete command topic under it.
 * `#`, a leading `+`, `$SYS/...` and every other device's topics are refused.
 */
export function authorizeSubscribeFilter(deviceId: string, filter: string): boolean {
  try {
    topics.status(deviceId);
  } catch {
    // An id that cannot be a topic segment cannot own any topic (the builders refuse it).
    return false;
  }
  if (filter === `devices/${deviceId}/commands/+`) return true;
  const parsed = topics.parse(filter);
  return parsed !== null && parsed.channel === 'command' && parsed.deviceId === deviceId;
}

/** The platform namespace integration clients read (issue #3); devices never see it. */
export const PLATFORM_ROOT = 'platform';

/**
 * An integration client may subscribe to `platform/#` or any filter inside it (`platform/alerts/+/370202`).
 * The first level must be the literal `platform`: `#`, `+/...` and `$SYS/...` would reach device topics.
 */
export function authorizeIntegrationFilter(filter: string): boolean {
  const levels = filter.split('/');
  if (levels[0] !== PLATFORM_ROOT || levels.length < 2) return false;
  // `#` only as the last level (MQTT 3.1.1 §4.7.1.2); a malformed filter is refused, not passed on.
  return levels.every((l, i) => (l.includes('#') ? l === '#' && i === levels.length - 1 : !l.includes('+') || l === '+'));
}
