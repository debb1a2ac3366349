// First: mqtt-packet must find its silent loggers when aedes loads it (see quiet-debug.ts).
import './quiet-debug.js';
// PUBACKs as bytes, batched per connection and tick (see puback-writer.ts).
import './puback-writer.js';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Registry } from 'prom-client';
import type { CommandReply } from '../firmware-contracts/index.js';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import { AppError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { createClusterLink, type ClusterLink, type ClusterOptions } from './cluster.js';
import { outageLog } from '../kernel/outage-log.js';
import { publishLocal, routeRevoke, sendCommand, startClusterNode } from './cluster-node.js';
import { ConnectGate, gateConnects } from './connect-gate.js';
import { CommandTracker } from './commands.js';
import { FlowControl } from './flow-control.js';
import { makeAuthenticate, makeAuthorizeForward, makeAuthorizePublish, makeAuthorizeSubscribe } from './hooks.js';
import { Ingest } from './ingest.js';
import { startListeners, type Listeners, type MqttEndpoints, type Peer, type ProxyProtocol } from './listeners.js';
import { trustedSources } from './proxy-protocol.js';
import { Admission } from './admission.js';
import { ConnectLimiter } from './connect-limiter.js';
import type { TlsSource } from '../kernel/tls.js';
import { BrokerMetrics, type BrokerStats } from './metrics.js';
import { closeIntegration } from './integration-hooks.js';
import type { DeviceDirectory, IntegrationDirectory, ReadingSink } from './ports.js';
import { isConsumed, type BrokerContext } from './session.js';
import type { BrokerConfig } from './config.js';
import { TransportGuard, type TransportGuardOptions } from './transport-guard.js';
import { closeSession } from './authenticate.js';

export type { DeviceDirectory, DeviceInfo, AuthOutcome, ReadingSink, IntegrationDirectory } from './ports.js';
export { INTEGRATION_PREFIX } from './ports.js';
export type { BrokerStats } from './metrics.js';
export type { MqttEndpoints } from './listeners.js';

export type { BrokerConfig } from './config.js';

export interface BrokerOptions {
  config: BrokerConfig;
  log: Logger;
  bus: EventBus;
  clock: Clock;
  directory: DeviceDirectory;
  sink: ReadingSink;
  metrics?: Registry;
  /** Read-only integration clients of `platform/#`; without it, `integration:` usernames are refused. */
  integrations?: IntegrationDirectory;
  /** Certificate and key (and device CA/CRL): MQTTS is served and WebSocket becomes WSS. */
  tls?: TlsSource;
}

export interface Broker {
  /** Starts aedes and the TCP, TLS and WebSocket listeners that are configured; resolves with the bound ports. */
  listen(): Promise<MqttEndpoints>;
  /** Closes the listeners and every session; rejects commands still waiting for a reply. */
  close(): Promise<void>;
  /** The broker's counters and gauges (the same numbers as its Prometheus metrics). */
  stats(): BrokerStats;
  /**
   * Sends `devices/{id}/commands/{name}` (QoS 1, `{"id": correlationId, "params": ...}`) and resolves with
   * the device's reply. Rejects with DEVICE_OFFLINE, CONTRACT_VIOLATION (bad params or reply) or
   * MQTT_COMMAND_TIMEOUT.
   */
  sendCommand(deviceId: string, name: string, params: Record<string, unknown>, opts: { timeoutMs: number }): Promise<CommandReply>;
  /**
   * Publishes a platform message (QoS 1, not retained unless asked) to integration subscribers.
   * Only `platform/...` topics; throws AppError INTERNAL for any other.
   */
  publishPlatform(topic: string, payload: string, opts?: { retain?: boolean }): Promise<void>;
  /** Closes the live sessions of an integration client (its credentials were deleted). */
  closeIntegration(username: string): void;
}

type PublishFn = (packet: PublishPacket, client: Client | null, done?: (err?: Error | null) => void) => void;

/** The embedded MQTT broker (aedes) with registry authentication, topic ACL, limits and the ingest pipeline. */
export function createBroker(opts: BrokerOptions): Broker {
  const { config } = opts;
  const log = opts.log.child({ module: 'broker' });
  const sockets = new Admission<TransportGuard>(
    { maxConnections: config.mqttMaxConnections, maxPending: config.mqttMaxPending, maxPendingPerAddress: config.mqttMaxPendingPerAddress },
    (reason, address) => {
      metrics.evicted(reason);
      log.debug({ reason, address }, 'unauthenticated mqtt socket closed to make room');
    },
  );
  const flow = new FlowControl({ maxInflight: config.ingestMaxInflight, maxInflightPerClient: config.ingestMaxInflightPerClient });
  const live = { aedes: undefined as Aedes | undefined };
  const metrics = new BrokerMetrics(
    () => ({
      connections: sockets.size,
      pending: sockets.pendingCount,
      clients: live.aedes?.connectedClients ?? 0,
      ingestInflight: flow.inflight,
      ingestInflightPeak: flow.peakInflight,
      pausedSockets: flow.heldLanes,
    }),
    opts.metrics,
  );
  const base = { directory: opts.directory, bus: opts.bus, clock: opts.clock, log, metrics };
  const ctx: BrokerContext = {
    ...base,
    sink: opts.sink,
    flow,
    ingest: new Ingest(base),
    commands: new CommandTracker(),
    sessions: new WeakMap(),
    live: new Map(),
    ...(opts.integrations ? { integrations: opts.integrations } : {}),
    readers: new WeakMap(),
    liveReaders: new Set(),
    limiter: new ConnectLimiter(
      { failuresPerAddress: config.mqttAuthFailuresPerAddress, failuresPerUsername: config.mqttAuthFailuresPerUsername, banMs: config.mqttBanMs },
      () => opts.clock.now(),
    ),
  };
  const gate = new ConnectGate();
  const cluster = config.mqttCluster ? clusterLink(config, log, opts.clock) : undefined;
  if (cluster) ctx.cluster = cluster;
  // Each node keeps aedes's own in-memory emitter and persistence; what crosses nodes goes through the
  // cluster link, O(1) per connect (cluster.ts).
  const broker = new Aedes({
    // Our TransportGuard enforces the connect timeout; this is only a backstop.
    connectTimeout: config.mqttConnectTimeoutMs * 2,
    authenticate: gateConnects(ctx, { maxConnecting: config.mqttMaxConnecting, maxConnections: config.mqttMaxConnections, established: () => sockets.established }, makeAuthenticate(ctx), gate),
    authorizePublish: makeAuthorizePublish(ctx),
    authorizeSubscribe: makeAuthorizeSubscribe(ctx),
    authorizeForward: makeAuthorizeForward(ctx),
  });
  live.aedes = broker;
  // Authenticated: the socket leaves the unauthenticated pool (its cap and per-address share).
  broker.on('client', (client) => sockets.authenticated(client.conn as TransportGuard));
  skipConsumed(broker);
  watchSessions(broker, ctx);
  const offRevoked = opts.bus.on('deviceRevoked', ({ deviceId }) => {
    // The registry's bus is per process: the session may live on another node.
    routeRevoke(ctx, deviceId);
    revoke(ctx, deviceId);
  });
  let listeners: Listeners | undefined;
  const farOver = (): boolean => gate.inProgress >= config.mqttMaxConnecting && sockets.pendingCount >= 4 * config.mqttMaxConnecting;

  // One options object for every guard: nothing of ours is allocated per connection but the guard itself.
  const guardOptions: TransportGuardOptions = {
    maxFrameBytes: config.mqttMaxFrameBytes,
    connectTimeoutMs: config.mqttConnectTimeoutMs,
    onReject: (guard, reason, detail) => {
      if (reason === 'frame_too_large') metrics.frameTooLarge();
      else if (detail.rule !== undefined) metrics.protocolViolation(detail.rule);
      else metrics.rejected(reason);
      log.warn({ reason, ...detail, address: guard.peer.address, limit: config.mqttMaxFrameBytes }, 'mqtt connection dropped');
    },
    onClose: (guard) => {
      sockets.closed(guard);
      // aedes names its client on the stream it was handed (`conn.client`).
      const client = (guard as unknown as { client?: Client }).client;
      if (!client) return;
      gate.leave(client);
      closeSession(ctx, client);
    },
  };
  const admit = (inner: Duplex, peer: Peer, req?: IncomingMessage): void => {
    const guard = new TransportGuard(inner, peer, guardOptions);
    if (farOver()) {
      // Far more sockets waiting than CONNECTs can be checked: closed before a byte is read (cheapest refusal).
      metrics.rejected('connect_busy');
      inner.on('error', () => {});
      guard.destroy();
      return;
    }
    if (!sockets.admit(guard, peer.address)) {
      metrics.rejected('connection_limit');
      log.warn({ open: sockets.size, limit: config.mqttMaxConnections }, 'mqtt connection refused: connection limit');
      inner.on('error', () => {});
      guard.destroy();
      return;
    }
    broker.handle(guard, req);
  };
  const proxy: ProxyProtocol | undefined = config.mqttProxyProtocol
    ? {
        trusted: trustedSources(config.mqttProxyTrusted),
        refused: (address, why) => {
          metrics.rejected('proxy_header_invalid');
          log.warn({ code: 'MQTT_PROXY_HEADER_INVALID', address, why }, 'mqtt connection dropped: bad PROXY protocol header');
        },
      }
    : undefined;
  const refuseCertificate = (peer: Peer, reason: string): void => {
    metrics.rejected('client_certificate_refused');
    log.warn({ address: peer.address, reason }, 'mqtt TLS client refused: certificate or handshake failed');
  };

  return {
    async listen() {
      await broker.listen();
      if (cluster) await startClusterNode(ctx, broker, cluster, (deviceId) => revoke(ctx, deviceId));
      listeners = await startListeners(config, admit, refuseCertificate, opts.tls, proxy);
      const { close: _close, ...endpoints } = listeners;
      log.info(endpoints, 'mqtt broker listening');
      return endpoints;
    },
    async close() {
      offRevoked();
      ctx.commands.closeAll();
      const stopped = listeners?.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const g of [...sockets.sockets()]) g.destroy();
      await stopped;
      // After the sessions closed: their releases are queued before the link's connections quit.
      await cluster?.close();
    },
    stats: () => metrics.snapshot(),
    sendCommand: (deviceId, name, params, { timeoutMs }) => sendCommand(ctx, broker, deviceId, name, params, timeoutMs),
    publishPlatform: (topic, payload, o = {}) => publishPlatform(broker, cluster, topic, payload, o.retain ?? false),
    closeIntegration: (username) => closeIntegration(ctx, username),
  };
}

/**
 * Packets ingest consumed (telemetry, events, replies, denied publishes) stop at aedes's publish step.
 * aedes has no hook for "acknowledge but do not route" (moscajs/aedes#210), and `broker.publish` is the
 * one call its PUBLISH handler makes after authorisation (and after writing the PUBACK for QoS 1). So
 * telemetry never reaches retained storage, offline queues or the mqemitter fan-out, where an unbounded
 * burst overflowed aedes's stack (constraints.md); nobody may subscribe to it anyway.
 */
function skipConsumed(broker: Aedes): void {
  const target = broker as unknown as { publish: PublishFn };
  const original = target.publish.bind(broker);
  target.publish = (packet, client, done) => {
    if (isConsumed(packet)) {
      done?.(null);
      return;
    }
    original(packet, client, done);
  };
}

/** Presence from the connection lifecycle: online after CONNACK, offline once per connection. */
function watchSessions(broker: Aedes, ctx: BrokerContext): void {
  broker.on('clientReady', (client) => {
    const s = ctx.sessions.get(client);
    if (!s || s.revoked || client.closed) return;
    ctx.bus.emit('presence', { deviceId: s.device.id, online: true, at: ctx.clock.now(), reason: 'connect' });
  });
  broker.on('keepaliveTimeout', (client) => {
    const s = ctx.sessions.get(client);
    if (s) s.closeReason = 'timeout';
  });
  broker.on('clientDisconnect', (client) => {
    const s = ctx.sessions.get(client);
    if (!s || s.offlineSent) return;
    s.offlineSent = true;
    ctx.bus.emit('presence', { deviceId: s.device.id, online: false, at: ctx.clock.now(), reason: s.closeReason ?? 'disconnect' });
  });
  broker.on('clientError', (client, err) => {
    ctx.log.debug({ clientId: client.id, err: err.message }, 'mqtt client error');
  });
}

/** The registry revoked a device: end its live session now (its will is dropped). */
function revoke(ctx: BrokerContext, deviceId: string): void {
  const client = ctx.live.get(deviceId);
  const s = client ? ctx.sessions.get(client) : undefined;
  if (!client || !s) return;
  s.revoked = true;
  s.offlineSent = true;
  ctx.live.delete(deviceId);
  ctx.log.warn({ deviceId }, 'device revoked: closing its mqtt session');
  ctx.bus.emit('presence', { deviceId, online: false, at: ctx.clock.now(), reason: 'revoked' });
  client.close();
}

function clusterLink(config: BrokerConfig, log: Logger, clock: Clock): ClusterLink {
  // loadConfig refuses the flag without REDIS_URL; this guards callers that build a config by hand.
  if (!config.redisUrl) throw new AppError('CONFIG_INVALID', { message: 'CITYBRAIN_MQTT_CLUSTER=on needs REDIS_URL' });
  return createClusterLink({
    redisUrl: config.redisUrl,
    prefix: config.mqttClusterPrefix,
    leaseMs: config.mqttClusterLeaseMs,
    now: () => clock.now(),
    ...clusterLogging(log, () => clock.now()),
  });
}

/**
 * The cluster's Redis errors: connection errors (and operations failing while a connection is down) make
 * one `down` line and one `back` line per outage; an operation failing while Redis is up is logged as it is.
 */
function clusterLogging(log: Logger, now: () => number): Pick<ClusterOptions, 'onError' | 'onReady'> {
  const outage = outageLog(log, 'broker cluster: Redis', now);
  return {
    onError: (err, op) => (op.startsWith('redis ') || outage.down ? outage.failed(err, op) : log.warn({ err, op }, 'broker cluster: Redis operation failed')),
    onReady: () => outage.recovered(),
  };
}

/** To integration clients here and, in a cluster, on every other node (one message through Redis). */
function publishPlatform(broker: Aedes, cluster: ClusterLink | undefined, topic: string, payload: string, retain: boolean): Promise<void> {
  if (!topic.startsWith('platform/')) {
    return Promise.reject(new AppError('INTERNAL', { message: `Not a platform topic: ${topic}` }));
  }
  cluster?.broadcast({ t: 'platform', origin: cluster.nodeId, topic, payload, retain });
  return publishLocal(broker, topic, payload, retain);
}
