/**
 * The broker's "at scale" link between nodes (architecture.md, "Embedded by default, real engines at scale":
 * several aedes nodes sharing state through Redis behind a TCP load balancer).
 *
 * Every node runs aedes with its own in-memory emitter and persistence; what crosses nodes goes through
 * Redis in O(1) per message, whatever the fleet size:
 * - a hash device → node (`<prefix>live`) and a set per node (`<prefix>devices:<node>`), written once per
 *   connect and per disconnect;
 * - one pub/sub channel per node (`<prefix>node:<node>`) for what concerns one device: commands and their
 *   replies, revocations, session takeovers; one channel for all nodes (`<prefix>all`) for `platform/`
 *   messages. A node subscribes to exactly these two channels: no pattern subscriptions, no per-device
 *   channel, no `$SYS` traffic through Redis;
 * - a lease per node (`<prefix>alive:<node>`, renewed every third of it) so that a node that died is
 *   noticed, its devices are reported offline by a survivor (cluster-lease.ts) and commands to them answer
 *   DEVICE_OFFLINE.
 *
 * The stock aedes-persistence-redis and mqemitter-redis did this per device instead: a Redis pattern
 * subscription per connected device (every PUBLISH is matched against each), an LREM over a global will
 * list per connect, `$SYS/+/new/clients` and subscription broadcasts per connect, and a start-up that read
 * every client's subscriptions — the connect rate fell with the fleet and reached 0 at ~41k devices.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CommandReply } from '../firmware-contracts/index.js';
import { AppError } from '../kernel/errors.js';
import { clusterKeys, startLease } from './cluster-lease.js';

/** What one node sends another (or all) over Redis. */
export type ClusterMessage =
  | { t: 'cmd'; origin: string; id: string; deviceId: string; name: string; params: Record<string, unknown>; timeoutMs: number }
  | { t: 'reply'; id: string; deviceId: string; name: string; reply?: CommandReply; error?: { code: string; message: string; details?: unknown } }
  | { t: 'revoke'; deviceId: string }
  | { t: 'takeover'; deviceId: string }
  | { t: 'platform'; origin: string; topic: string; payload: string; retain: boolean };

export interface ClusterHandlers {
  /** A message for this node (from another, or from all). */
  message(m: ClusterMessage): void;
  /** A node's lease expired: these devices it held are held by no node now (report them offline). */
  lost(deviceIds: readonly string[], node: string): void;
}

export interface ClusterLink {
  /** This node's id (random per process start). */
  readonly nodeId: string;
  /** Subscribes this node's channels and starts its lease; call once, before the broker listens. */
  start(handlers: ClusterHandlers): Promise<void>;
  /** The device's session is on this node now; the node that held it before (if another) is told to let go. */
  claim(deviceId: string): void;
  /** The device's session on this node ended (no-op if another node took it over meanwhile). */
  release(deviceId: string): void;
  /** The node holding the device's session under a live lease, or null. */
  holder(deviceId: string): Promise<string | null>;
  /** To one node's channel. */
  send(node: string, m: ClusterMessage): void;
  /** To every node but this one. */
  broadcast(m: ClusterMessage): void;
  /** Stops the lease (the node leaves at once) and closes the Redis connections. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  redisUrl: string;
  /** Isolates clusters (and tests) sharing one Redis; prefixes keys and channels alike. */
  prefix: string;
  /** A node whose lease is this old is dead; its devices' presence is taken over. */
  leaseMs: number;
  now: () => number;
  onError: (err: unknown, op: string) => void;
  /** A Redis connection (re)connected and is ready: ends an outage the errors began. */
  onReady?: () => void;
}

// Atomic per device, O(1): set the holder, move the device between node sets, return the previous holder.
const CLAIM = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if old and old ~= ARGV[2] then redis.call('SREM', ARGV[3] .. old, ARGV[1]) end
redis.call('SADD', ARGV[3] .. ARGV[2], ARGV[1])
return old`;
const RELEASE = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('SREM', KEYS[2], ARGV[1])
return 0`;
const HOLDER = `
local node = redis.call('HGET', KEYS[1], ARGV[1])
if not node then return false end
if redis.call('EXISTS', ARGV[2] .. node) == 1 then return node end
return false`;

/** Builds the link of one broker node. Connections open lazily; `start` waits for them. */
export function createClusterLink(o: ClusterOptions): ClusterLink {
  const nodeId = randomUUID();
  const k = clusterKeys(o.prefix);
  const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
  const redis = { pub: new Redis(o.redisUrl, options), sub: new Redis(o.redisUrl, options) };
  const warn = (op: string) => (err: unknown) => o.onError(err, op);
  redis.pub.on('error', warn('redis connection'));
  redis.sub.on('error', warn('redis subscription'));
  for (const r of [redis.pub, redis.sub]) r.on('ready', () => o.onReady?.());
  let stopLease: (() => Promise<void>) | undefined;
  const publish = (channel: string, m: ClusterMessage): void => void redis.pub.publish(channel, JSON.stringify(m)).catch(warn('publish'));
  return {
    nodeId,
    async start(handlers) {
      await Promise.all([redis.pub.connect(), redis.sub.connect()]);
      redis.sub.on('message', (_channel: string, text: string) => {
        let m: ClusterMessage;
        try {
          m = JSON.parse(text) as ClusterMessage;
        } catch (err) {
          return o.onError(err, 'cluster message not JSON');
        }
        if (m.t === 'platform' && m.origin === nodeId) return;
        handlers.message(m);
      });
      await redis.sub.subscribe(k.channel(nodeId), k.all);
      stopLease = await startLease({ redis: redis.pub, keys: k, nodeId, leaseMs: o.leaseMs, now: o.now, onLost: handlers.lost, onError: o.onError });
    },
    claim(deviceId) {
      redis.pub.eval(CLAIM, 1, k.live, deviceId, nodeId, `${o.prefix}devices:`).then((old) => {
        if (typeof old === 'string' && old !== nodeId) publish(k.channel(old), { t: 'takeover', deviceId });
      }, warn('claim device'));
    },
    release(deviceId) {
      void redis.pub.eval(RELEASE, 2, k.live, k.devices(nodeId), deviceId, nodeId).catch(warn('release device'));
    },
    async holder(deviceId) {
      try {
        const node = await redis.pub.eval(HOLDER, 1, k.live, deviceId, `${o.prefix}alive:`);
        return typeof node === 'string' ? node : null;
      } catch (err) {
        throw new AppError('INTERNAL', { message: 'Redis did not answer the live-session lookup', cause: err });
      }
    },
    send: (node, m) => publish(k.channel(node), m),
    broadcast: (m) => publish(k.all, m),
    async close() {
      await stopLease?.();
      redis.sub.disconnect();
      await redis.pub.quit().catch(() => redis.pub.disconnect());
    },
  };
}
