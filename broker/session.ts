import type { Client } from 'aedes';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import type { ClusterLink } from './cluster.js';
import type { CommandTracker } from './commands.js';
import type { ConnectLimiter } from './connect-limiter.js';
import type { FlowControl, Lane } from './flow-control.js';
import type { Ingest } from './ingest.js';
import type { BrokerMetrics } from './metrics.js';
import type { DeviceDirectory, DeviceInfo, IntegrationDirectory, ReadingSink } from './ports.js';
import type { TransportGuard } from './transport-guard.js';

/** One authenticated device connection. */
export interface Session {
  device: DeviceInfo;
  guard: TransportGuard;
  lane: Lane;
  /** An offline presence was already sent for this connection (will, revocation). */
  offlineSent: boolean;
  /** Set when the registry revoked the device: its will and anything it still sends are dropped. */
  revoked: boolean;
  /**
   * `devices/{id}/telemetry` of this device (undefined when the id cannot be a topic segment): nearly every
   * PUBLISH is to it, and one string compare then stands for the topic parse and ACL check.
   */
  telemetryTopic: string | undefined;
  /** Why the connection ended, when the broker knows better than "disconnect". */
  closeReason?: string;
}

/** What the aedes hooks share: built once by `createBroker`. */
export interface BrokerContext {
  directory: DeviceDirectory;
  sink: ReadingSink;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  metrics: BrokerMetrics;
  flow: FlowControl;
  ingest: Ingest;
  commands: CommandTracker;
  sessions: WeakMap<Client, Session>;
  /** Live session per device id (revocation, commands). */
  live: Map<string, Client>;
  /** Read-only integration clients (no device session, no presence), when the platform namespace is on. */
  integrations?: IntegrationDirectory;
  /** Integration client → its username. */
  readers: WeakMap<Client, string>;
  /** Live integration clients (closed when their credentials are deleted). */
  liveReaders: Set<Client>;
  /** Failed CONNECTs per address and username, and the bans they earned. */
  limiter: ConnectLimiter;
  /** Set when several broker nodes share state through Redis (`CITYBRAIN_MQTT_CLUSTER=on`). */
  cluster?: ClusterLink;
}

const CONSUMED = Symbol('citybrain.consumed');

/**
 * Marks a PUBLISH packet fully handled by citybrain (telemetry, events, replies, denied): the broker's
 * publish step stops it before retained storage, offline queues and the mqemitter fan-out. A mark on the
 * packet, not a WeakSet: the CPU profile at saturation put ~5-7 % of the platform's busy samples on the
 * WeakSet's add/has/delete (its entries are ephemerons the GC must trace); alone, add+has+delete cost
 * 0.33 µs per packet here and the mark 0.05 µs.
 */
export function markConsumed(packet: object): void {
  (packet as Record<symbol, boolean>)[CONSUMED] = true;
}

export function isConsumed(packet: object): boolean {
  return (packet as Record<symbol, boolean | undefined>)[CONSUMED] === true;
}
