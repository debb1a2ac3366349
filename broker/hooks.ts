import type { AedesPublishPacket, Client, PublishPacket, Subscription } from 'aedes';
import { decodeCommandReply } from '../firmware-contracts/index.js';
import type { Reading } from '../kernel/events.js';
import { authorizePublishTopic, authorizeSubscribeFilter } from './acl.js';
import type { FlowJob } from './flow-control.js';
import { forwardToIntegration, integrationMaySubscribe } from './integration-hooks.js';
import type { SinkEntry } from './ports.js';
import { markConsumed, type BrokerContext, type Session } from './session.js';

export { makeAuthenticate } from './authenticate.js';

/**
 * Publish authorisation and ingest, in one hook because aedes writes the QoS 1 PUBACK right after this
 * callback and before its `published` event: calling back only once the sink resolved is what makes a
 * PUBACK mean "stored".
 *
 * Denied publishes are acknowledged and dropped, not answered by closing the connection. MQTT 3.1.1
 * §3.3.5 [MQTT-3.3.5-2] allows either; aedes only offers closing (moscajs/aedes#210), which sends a
 * misconfigured device into a reconnect loop (each one a registry check) and cuts its good telemetry
 * too. Mosquitto also acknowledges and drops. The denial is counted and logged.
 */
export function makeAuthorizePublish(ctx: BrokerContext) {
  return (client: Client | null, packet: PublishPacket, cb: (error?: Error | null) => void): void => {
    if (client && ctx.readers.has(client)) {
      // Integration clients are read-only: acknowledged and dropped, like a device's denied publish.
      ctx.metrics.aclDenied('publish');
      ctx.log.warn({ username: ctx.readers.get(client), topic: packet.topic }, 'mqtt publish by an integration client denied');
      return drop(ctx, packet, cb);
    }
    const s = client ? ctx.sessions.get(client) : undefined;
    // No client: a will left by a broker node that died (shared persistence in a cluster). Dropped so aedes
    // deletes it: presence is not taken from wills published by another node.
    if (!client) return drop(ctx, packet, cb);
    if (!s) return cb(new Error('publish without an authenticated session'));
    if (s.revoked) return drop(ctx, packet, cb);
    // The device's own telemetry topic is allowed (what authorizePublishTopic would decide, without a parse).
    if (packet.topic === s.telemetryTopic) return telemetry(ctx, s, packet, cb);
    const decision = authorizePublishTopic(s.device.id, packet.topic);
    if (!decision.allowed) {
      ctx.metrics.aclDenied('publish');
      ctx.log.warn({ deviceId: s.device.id, topic: packet.topic, reason: decision.why }, 'mqtt publish denied');
      return drop(ctx, packet, cb);
    }
    const payload = packet.payload as Buffer;
    switch (decision.topic.channel) {
      case 'telemetry':
        return telemetry(ctx, s, packet, cb);
      case 'status':
        // Consumed here, never routed nor retained by aedes: nobody may subscribe to a device's status (the
        // ACL allows devices their commands only; integrations read presence under platform/), and every
        // retained message makes each later SUBSCRIBE scan aedes's retained store — O(devices) per connect,
        // which cut connections/s several-fold at 4,000 devices. Presence lives in the registry.
        ctx.ingest.status(s.device, packet.topic, payload, client.closed);
        if (client.closed) s.offlineSent = true;
        return drop(ctx, packet, cb);
      case 'events':
        ctx.ingest.event(s.device, packet.topic, payload);
        return drop(ctx, packet, cb);
      case 'commandReply': {
        const name = decision.topic.command ?? '';
        const { reply, violations } = decodeCommandReply(payload, { now: ctx.clock.now() });
        if (violations.length > 0) ctx.ingest.violations(s.device.id, packet.topic, violations, ctx.clock.now());
        // A command sent from another cluster node waits here too (cluster-node.ts), under its own id.
        if (!ctx.commands.reply(s.device.id, name, reply, violations)) {
          ctx.log.info({ deviceId: s.device.id, command: name }, 'command reply with no command waiting');
        }
        return drop(ctx, packet, cb);
      }
      case 'command':
        // Unreachable: the ACL refuses device-published commands.
        return drop(ctx, packet, cb);
    }
  };
}

/** Acknowledge (by the normal QoS rules) but deliver nowhere. */
function drop(ctx: BrokerContext, packet: PublishPacket, cb: (error?: Error | null) => void): void {
  markConsumed(packet);
  cb(null);
}

function telemetry(ctx: BrokerContext, s: Session, packet: PublishPacket, cb: (error?: Error | null) => void): void {
  markConsumed(packet);
  const readings = ctx.ingest.telemetry(s.device, packet.topic, packet.payload as Buffer);
  // Nothing valid: acknowledged anyway, so the device does not resend garbage for ever.
  if (readings.length === 0) return cb(null);
  ctx.flow.submit(s.lane, new TelemetryJob(ctx, s, readings, cb));
}

/**
 * One PUBLISH's readings on their way to durable: its flow-control job and its sink entry in one object
 * (per message, the ingest path makes no promise or closure of its own).
 */
class TelemetryJob implements FlowJob, SinkEntry {
  readonly units: number;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly s: Session,
    readonly readings: Reading[],
    private readonly cb: (error?: Error | null) => void,
  ) {
    this.units = readings.length;
  }

  start(): void {
    const { sink } = this.ctx;
    if (sink.enqueue) return sink.enqueue(this);
    sink.write(this.readings).then(
      () => this.settled(null),
      (err: unknown) => this.settled(err instanceof Error ? err : new Error(String(err))),
    );
  }

  settled(err: Error | null): void {
    this.ctx.flow.finish(this.s.lane, this.units);
    if (err === null) {
      this.cb(null);
      this.ctx.ingest.accepted(this.readings);
    } else this.failed(err);
  }

  /** Parked when its connection closed: never written, never acknowledged. */
  cancel(): void {
    this.failed(new Error('connection closed'));
  }

  /**
   * Not durable → no PUBACK. The error makes aedes close the connection; the device resends its
   * unacknowledged QoS 1 messages after it reconnects.
   */
  private failed(err: Error): void {
    this.ctx.metrics.sinkFailure();
    this.ctx.log.warn({ err, deviceId: this.s.device.id, readings: this.units }, 'reading sink refused a write; closing the connection');
    this.cb(err);
  }
}

/** Devices may subscribe only to their own commands; anything else gets SUBACK 0x80. */
export function makeAuthorizeSubscribe(ctx: BrokerContext) {
  return (client: Client, sub: Subscription, cb: (error: Error | null, subscription?: Subscription | null) => void): void => {
    const s = ctx.sessions.get(client);
    if (s && authorizeSubscribeFilter(s.device.id, sub.topic)) return cb(null, sub);
    if (ctx.readers.has(client) && integrationMaySubscribe(sub.topic)) return cb(null, sub);
    ctx.metrics.aclDenied('subscribe');
    ctx.log.warn({ deviceId: s?.device.id, username: ctx.readers.get(client), filter: sub.topic }, 'mqtt subscribe denied');
    cb(null, null);
  };
}

/** Defence in depth: a device is only ever sent its own commands, whatever it managed to subscribe to. */
export function makeAuthorizeForward(ctx: BrokerContext) {
  return (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null => {
    if (ctx.readers.has(client)) return forwardToIntegration(client, packet);
    const s = ctx.sessions.get(client);
    return s && packet.topic.startsWith(`devices/${s.device.id}/commands/`) ? packet : null;
  };
}
