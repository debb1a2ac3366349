/**
 * Node leases and the take-over of a dead node's devices (architecture.md: presence is written by the node
 * that holds a session). Each node renews `alive:<node>` (PX lease) and its score in the `nodes` sorted set
 * every third of the lease. Every node also looks for nodes whose score is older than a lease; the first to
 * win `reap:<node>` (SET NX) walks that node's device set in batches and, per device still mapped to the
 * dead node, removes the mapping and reports it offline. A device that reconnected elsewhere meanwhile is
 * mapped to its new node and left alone. Work happens only when a node dies, never per connect.
 */
import type { Redis } from 'ioredis';

export interface LeaseOptions {
  redis: Redis;
  keys: ReturnType<typeof clusterKeys>;
  nodeId: string;
  leaseMs: number;
  now: () => number;
  onLost(deviceIds: readonly string[], node: string): void;
  onError(err: unknown, op: string): void;
}

/** Key names of one cluster. */
export const clusterKeys = (prefix: string) => ({
  live: `${prefix}live`,
  nodes: `${prefix}nodes`,
  devices: (node: string) => `${prefix}devices:${node}`,
  alive: (node: string) => `${prefix}alive:${node}`,
  reap: (node: string) => `${prefix}reap:${node}`,
  channel: (node: string) => `${prefix}node:${node}`,
  all: `${prefix}all`,
});

const BATCH = 500;

// Per device still mapped to the dead node (ARGV[1]): unmap it and return it.
const REAP = `
local out = {}
for i = 2, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    out[#out + 1] = ARGV[i]
  end
end
redis.call('SREM', KEYS[2], unpack(ARGV, 2))
return out`;

/** Starts this node's lease and the watch over the others'; resolves with the function that stops both. */
export async function startLease(o: LeaseOptions): Promise<() => Promise<void>> {
  const { redis, keys: k, nodeId } = o;
  const beat = async (): Promise<void> => {
    const now = o.now();
    await redis.multi().set(k.alive(nodeId), String(now), 'PX', o.leaseMs).zadd(k.nodes, now, nodeId).exec();
  };
  let reaping = false;
  const reapDead = async (): Promise<void> => {
    if (reaping) return;
    reaping = true;
    try {
      const dead = await redis.zrangebyscore(k.nodes, '-inf', o.now() - o.leaseMs);
      for (const node of dead) {
        if (node === nodeId) continue;
        const won = await redis.set(k.reap(node), nodeId, 'PX', o.leaseMs, 'NX');
        if (won === 'OK') await takeOver(o, node);
      }
    } finally {
      reaping = false;
    }
  };
  await beat();
  const timer = setInterval(() => {
    beat().catch((err: unknown) => o.onError(err, 'lease renewal'));
    reapDead().catch((err: unknown) => o.onError(err, 'dead node take-over'));
  }, Math.max(50, Math.floor(o.leaseMs / 3)));
  timer.unref();
  return async () => {
    clearInterval(timer);
    // Leaving: commands to this node's devices answer DEVICE_OFFLINE at once, and a survivor reaps at its
    // next tick whatever was not released on the way out.
    await redis.multi().del(k.alive(nodeId)).zadd(k.nodes, 0, nodeId).exec().catch((err: unknown) => o.onError(err, 'lease end'));
  };
}

async function takeOver(o: LeaseOptions, node: string): Promise<void> {
  const { redis, keys: k } = o;
  let cursor = '0';
  do {
    const [next, ids] = await redis.sscan(k.devices(node), cursor, 'COUNT', BATCH);
    cursor = next;
    if (ids.length === 0) continue;
    const lost = (await redis.eval(REAP, 2, k.live, k.devices(node), node, ...ids)) as string[];
    if (lost.length > 0) o.onLost(lost, node);
  } while (cursor !== '0');
  await redis.multi().del(k.devices(node)).zrem(k.nodes, node).exec();
}
