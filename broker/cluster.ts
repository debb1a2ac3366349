/**
 * The broker's "at scale" backends (architecture.md, "Embedded by default, real engines at scale": several
 * aedes nodes sharing state through Redis with mqemitter-redis + aedes-persistence-redis, behind a TCP load
 * balancer). The shared emitter routes MQTT messages between nodes (a command published on node A reaches
 * a device on node B, `platform/...` reaches integration clients everywhere); the Redis persistence shares
 * sessions, retained messages and subscriptions. On top of that the emitter carries citybrain's own
 * node-to-node messages on `$citybrain/...` topics (command replies, revocations), which no MQTT client can
 * subscribe to: the ACL allows devices their own commands and integrations `platform/` only.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import mqemitterRedis from 'mqemitter-redis';
import type { CommandReply, Violation } from '../firmware-contracts/index.js';
import { AppError } from '../kernel/errors.js';

const require = createRequire(import.meta.url);

/** The aedes-persistence-redis factory (the package ships no typings). */
type PersistenceFactory = (opts: Record<string, unknown>) => ClusterPersistence;
interface ClusterPersistence {
  /** Without a callback: the promise API aedes 1.x uses (the callback form waits for a 'ready' aedes never triggers). */
  destroy(): Promise<void>;
}

interface RedisConn {
  hset(key: string, field: string, value: string): Promise<unknown>;
  hget(key: string, field: string): Promise<string | null>;
  hdel(key: string, field: string): Promise<unknown>;
}

type Listener = (message: Record<string, unknown> & { topic: string }, done: () => void) => void;
interface ClusterEmitter {
  on(topic: string, listener: Listener, done?: () => void): unknown;
  emit(message: Record<string, unknown> & { topic: string }, cb?: (err?: Error) => void): void;
  close(cb: () => void): void;
  pubConn: RedisConn;
}
type PrefixCtor = new (prefix: string, opts: Record<string, unknown>) => ClusterEmitter;

const REPLY_TOPIC = '$citybrain/cluster/reply';
const REVOKE_TOPIC = '$citybrain/cluster/revoked';

/** A command reply received on one node, for the node whose command waits for it. */
export interface RoutedReply {
  deviceId: string;
  name: string;
  reply?: CommandReply;
  violations: Violation[];
}

export interface ClusterLink {
  /** This node's id (messages it sent itself come back from Redis and are ignored). */
  readonly nodeId: string;
  /** The aedes `mq` option: a Redis-backed mqemitter shared by every node. */
  readonly mq: unknown;
  /** The aedes `persistence` option: sessions, retained messages and subscriptions in Redis. */
  readonly persistence: unknown;
  /** Records that this node holds the device's live session (so other nodes can send it commands). */
  markLive(deviceId: string): void;
  /** Forgets the device's live session, if this node still holds it. */
  markGone(deviceId: string): void;
  /** True when some node holds a live session for the device. */
  isLive(deviceId: string): Promise<boolean>;
  /** Sends a command reply to the other nodes (this node had no command waiting for it). */
  routeReply(reply: RoutedReply): void;
  /** Tells the other nodes to close the device's session (it was revoked or deleted here). */
  routeRevoke(deviceId: string): void;
  /** Handlers for what other nodes send; call once, before `listen`. */
  onMessages(handlers: { reply(r: RoutedReply): void; revoke(deviceId: string): void }): void;
  /** Closes the persistence (after aedes closed, which closes the emitter). */
  close(): Promise<void>;
}

/** ioredis options from a `redis:` / `rediss:` URL (aedes-persistence-redis takes ioredis options only). */
export function redisOptions(url: string): Record<string, unknown> {
  const u = new URL(url);
  const db = Number(u.pathname.replace(/^\//, '') || '0');
  return {
    host: u.hostname,
    port: Number(u.port || '6379'),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Builds the shared emitter and persistence for one broker node. `prefix` isolates clusters (and tests)
 * sharing one Redis: it prefixes the persistence's keys (ioredis `keyPrefix`) and the emitter's pub/sub
 * channels (mqemitter-redis `MQEmitterRedisPrefix`, since Redis pub/sub ignores key prefixes and db numbers).
 */
export function createClusterLink(redisUrl: string, prefix: string, onError: (err: unknown, op: string) => void = () => {}): ClusterLink {
  const nodeId = randomUUID();
  const options = redisOptions(redisUrl);
  const Prefixed = (mqemitterRedis as unknown as { MQEmitterRedisPrefix: PrefixCtor }).MQEmitterRedisPrefix;
  const mq = new Prefixed(prefix, { ...options, matchEmptyLevels: true });
  const factory = require('aedes-persistence-redis') as PersistenceFactory;
  const persistence = factory({ ...options, keyPrefix: prefix });
  const liveKey = `${prefix}citybrain:live`;
  // The live-device map is best effort: a failed write shows up as DEVICE_OFFLINE or a command timeout,
  // so it is reported (logged by the broker), never thrown into a session.
  const warn = (err: unknown): void => onError(err, 'live-device map');
  return {
    nodeId,
    mq,
    persistence,
    markLive: (deviceId) => void mq.pubConn.hset(liveKey, deviceId, nodeId).catch(warn),
    markGone: (deviceId) => {
      mq.pubConn.hget(liveKey, deviceId).then(
        (holder) => (holder === nodeId ? mq.pubConn.hdel(liveKey, deviceId) : undefined),
        warn,
      ).catch(warn);
    },
    isLive: async (deviceId) => {
      try {
        return (await mq.pubConn.hget(liveKey, deviceId)) !== null;
      } catch (err) {
        throw new AppError('INTERNAL', { message: 'Redis did not answer the live-session lookup', cause: err });
      }
    },
    routeReply: (r) => mq.emit({ topic: REPLY_TOPIC, origin: nodeId, body: JSON.stringify(r) }, warn),
    routeRevoke: (deviceId) => mq.emit({ topic: REVOKE_TOPIC, origin: nodeId, deviceId }, warn),
    onMessages(handlers) {
      mq.on(REPLY_TOPIC, (m, done) => {
        if (m.origin !== nodeId && typeof m.body === 'string') handlers.reply(JSON.parse(m.body) as RoutedReply);
        done();
      });
      mq.on(REVOKE_TOPIC, (m, done) => {
        if (m.origin !== nodeId && typeof m.deviceId === 'string') handlers.revoke(m.deviceId);
        done();
      });
    },
    close: () => persistence.destroy().catch(warn),
  };
}
