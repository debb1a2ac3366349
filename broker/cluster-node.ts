/**
 * What a broker node does with the cluster link (cluster.ts): commands to devices held by another node,
 * replies to commands another node sent, revocations, session takeovers, `platform/` messages from other
 * nodes and the presence of a dead node's devices. Each is O(1) in the fleet size.
 */
import type { Aedes, PublishPacket } from 'aedes';
import { topics, validateCommand, type CommandReply } from '../firmware-contracts/index.js';
import { AppError, isAppError, type ErrorCode } from '../kernel/errors.js';
import type { ClusterLink, ClusterMessage } from './cluster.js';
import type { BrokerContext } from './session.js';

const offline = (deviceId: string): AppError =>
  new AppError('DEVICE_OFFLINE', { message: `Device ${deviceId} is not connected`, details: { deviceId } });

/** Starts the link with this node's handlers. */
export async function startClusterNode(ctx: BrokerContext, broker: Aedes, link: ClusterLink, revoke: (deviceId: string) => void): Promise<void> {
  await link.start({
    message: (m) => onMessage(ctx, broker, link, m, revoke),
    lost: (ids, node) => {
      ctx.log.warn({ node, devices: ids.length }, 'broker cluster: a node\'s lease expired; its devices are offline');
      for (const deviceId of ids) {
        if (ctx.live.has(deviceId)) continue;
        ctx.bus.emit('presence', { deviceId, online: false, at: ctx.clock.now(), reason: 'node_lost' });
      }
    },
  });
}

function onMessage(ctx: BrokerContext, broker: Aedes, link: ClusterLink, m: ClusterMessage, revoke: (deviceId: string) => void): void {
  switch (m.t) {
    case 'cmd':
      return commandForHere(ctx, broker, link, m);
    case 'reply': {
      const outcome = m.reply ? { reply: m.reply } : { error: new AppError((m.error?.code ?? 'INTERNAL') as ErrorCode, { message: m.error?.message ?? 'Command failed on the node holding the device', details: m.error?.details }) };
      ctx.commands.settle(m.deviceId, m.name, m.id, outcome);
      return;
    }
    case 'revoke':
      return revoke(m.deviceId);
    case 'takeover':
      return takeover(ctx, link, m.deviceId);
    case 'platform':
      publishLocal(broker, m.topic, m.payload, m.retain).catch((err: unknown) => ctx.log.warn({ err, topic: m.topic }, 'platform message from another node not delivered'));
      return;
  }
}

/**
 * The device connected to another node: its session here is closed without an offline report (it is
 * online there). The map is read again first: a takeover that arrives after the device came back here
 * must not close the new session.
 */
function takeover(ctx: BrokerContext, link: ClusterLink, deviceId: string): void {
  link.holder(deviceId).then((holder) => {
    const client = ctx.live.get(deviceId);
    const s = client ? ctx.sessions.get(client) : undefined;
    if (!client || !s || holder === link.nodeId) return;
    s.offlineSent = true;
    ctx.live.delete(deviceId);
    ctx.log.info({ deviceId, holder }, 'device reconnected to another node: closing its session here');
    client.close();
  }, (err: unknown) => ctx.log.warn({ err, deviceId }, 'takeover check failed'));
}

/** Another node asked for a command to a device this node holds; the outcome goes back to it. */
function commandForHere(ctx: BrokerContext, broker: Aedes, link: ClusterLink, m: Extract<ClusterMessage, { t: 'cmd' }>): void {
  const back = (r: { reply?: CommandReply; error?: { code: string; message: string; details?: unknown } }): void =>
    link.send(m.origin, { t: 'reply', id: m.id, deviceId: m.deviceId, name: m.name, ...r });
  localCommand(ctx, broker, m.deviceId, m.name, m.params, m.timeoutMs, m.id).then(
    (reply) => back({ reply }),
    (err: unknown) => back({ error: isAppError(err) ? { code: err.code, message: err.message, details: err.details } : { code: 'INTERNAL', message: String(err) } }),
  );
}

/** CONTRACT_VIOLATION when the command or its params break the kind's contract, else undefined. */
function contractError(kind: string, name: string, params: Record<string, unknown>): AppError | undefined {
  const violations = validateCommand(kind, name, params);
  return violations.length > 0 ? new AppError('CONTRACT_VIOLATION', { message: `Command ${name} is not valid for a ${kind} device`, details: { violations } }) : undefined;
}

/** Sends a command to a device with a session on this node (validated against its kind's contract). */
export function localCommand(
  ctx: BrokerContext,
  broker: Aedes,
  deviceId: string,
  name: string,
  params: Record<string, unknown>,
  timeoutMs: number,
  correlationId?: string,
): Promise<CommandReply> {
  const client = ctx.live.get(deviceId);
  const s = client ? ctx.sessions.get(client) : undefined;
  if (!s) return Promise.reject(offline(deviceId));
  const invalid = contractError(ctx.directory.lookup(deviceId)?.kind ?? s.device.kind, name, params);
  if (invalid) return Promise.reject(invalid);
  const { id, reply } = ctx.commands.start(deviceId, name, timeoutMs, correlationId);
  const packet = { cmd: 'publish', topic: topics.command(deviceId, name), payload: Buffer.from(JSON.stringify({ id, params })), qos: 1, retain: false, dup: false } as const;
  broker.publish(packet as PublishPacket, (err) => {
    if (err) ctx.commands.settle(deviceId, name, id, { error: new AppError('INTERNAL', { message: 'Command publish failed', cause: err }) });
  });
  return reply;
}

/**
 * `Broker.sendCommand`: here if the device is connected here, else through the node the map names
 * (which validates against the contract too, so a device this node's registry cache has not seen works).
 */
export async function sendCommand(ctx: BrokerContext, broker: Aedes, deviceId: string, name: string, params: Record<string, unknown>, timeoutMs: number): Promise<CommandReply> {
  const kind = ctx.directory.lookup(deviceId)?.kind;
  const invalid = kind && contractError(kind, name, params);
  if (invalid) throw invalid;
  if (ctx.live.has(deviceId) || !ctx.cluster) return localCommand(ctx, broker, deviceId, name, params, timeoutMs);
  const link = ctx.cluster;
  const holder = await link.holder(deviceId);
  if (!holder || holder === link.nodeId) throw offline(deviceId);
  const { id, reply } = ctx.commands.start(deviceId, name, timeoutMs);
  link.send(holder, { t: 'cmd', origin: link.nodeId, id, deviceId, name, params, timeoutMs });
  return reply;
}

/** Revocation: closed here, or on the node that holds the session. */
export function routeRevoke(ctx: BrokerContext, deviceId: string): void {
  const link = ctx.cluster;
  if (!link || ctx.live.has(deviceId)) return;
  link.holder(deviceId).then(
    (holder) => {
      if (holder && holder !== link.nodeId) link.send(holder, { t: 'revoke', deviceId });
    },
    (err: unknown) => ctx.log.warn({ err, deviceId }, 'revocation not routed to the node holding the device'),
  );
}

/** A platform message into this node's aedes (QoS 1). */
export function publishLocal(broker: Aedes, topic: string, payload: string, retain: boolean): Promise<void> {
  const packet = { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain, dup: false } as const;
  return new Promise((resolve, reject) => broker.publish(packet as PublishPacket, (err) => (err ? reject(err) : resolve())));
}
