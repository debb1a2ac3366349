/**
 * Alert, presence and mission-change notices onto the MQTT platform namespace (docs/integrations.md): QoS 1, not
 * retained — these are events, and a subscriber that needs current state reads the REST API. Retaining
 * one message per topic would hand a new subscriber a stale alert from a district that has since calmed.
 */
import type { EventBus } from '../../kernel/bus.js';
import type { AlertNotice } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import { platformTopics } from './routing.js';

/** Where platform messages go: the broker's `publishPlatform`. */
export interface PlatformPublisher {
  /** Publishes to subscribers of `topic` (a `platform/...` topic), QoS 1. */
  publishPlatform(topic: string, payload: string): Promise<void>;
}

export interface MqttNotifierOptions {
  bus: EventBus;
  log: Logger;
  publisher: PlatformPublisher;
  districtOf?: (deviceId: string) => string | null;
}

/** Follows the bus; returns the function that stops it. */
export function startMqttNotifier(opts: MqttNotifierOptions): () => void {
  const { bus, log, publisher } = opts;
  const districtOf = opts.districtOf ?? (() => null);
  let stopped = false;
  const send = (topic: string, payload: unknown): void => {
    // A publish still in flight when the notifier stops (the broker closing at shutdown) fails as expected: debug only.
    publisher.publishPlatform(topic, JSON.stringify(payload)).catch((err: unknown) => log[stopped ? 'debug' : 'warn']({ err, topic }, 'platform publish failed'));
  };
  const alert = (n: AlertNotice): void => send(platformTopics.alert(n), n);
  const offs = [
    bus.on('alertRaised', alert),
    bus.on('alertChanged', alert),
    bus.on('presence', (p) => {
      const district = districtOf(p.deviceId);
      send(platformTopics.presence(p.deviceId, district), { ...p, district });
    }),
    // Drone telemetry (droneState, several a second per flying drone) stays on the SSE stream: MQTT
    // integration clients get the mission lifecycle, which is what a dispatching system acts on.
    bus.on('missionChanged', (m) => send(platformTopics.mission(m.to), m)),
  ];
  return () => {
    stopped = true;
    for (const off of offs) off();
  };
}
