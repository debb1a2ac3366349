import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mqtt from 'mqtt';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../test/servers/redis.js';
import { silentLogger } from '../kernel/logger.js';
import { closed, gasDevice, startTestBroker, subackCodes, TestIntegrations, type TestBroker } from './testing.js';
import { forkNode, type NodeProcess } from './testing/node.js';

/**
 * Two broker nodes sharing one real Redis (architecture.md: several aedes nodes sharing state through
 * a device → node map and a channel per node in Redis). Each node has its own bus and directory, as two processes would.
 */
describe('MQTT broker cluster: two nodes sharing Redis', () => {
  let redis: RedisServer;
  let a: TestBroker;
  let b: TestBroker;
  const devices = () => [gasDevice('dev1'), gasDevice('dev2'), gasDevice('dev3'), gasDevice('dev4')];
  const integrations = () => new TestIntegrations(new Map([['integration:ops', 'ops-pass']]));

  beforeAll(async () => {
    redis = await startRedis();
    const config = { mqttCluster: true, redisUrl: redis.url, mqttClusterPrefix: 'test-cluster:' };
    a = await startTestBroker(devices(), config, silentLogger(), { integrations: integrations() });
    b = await startTestBroker(devices(), config, silentLogger(), { integrations: integrations() });
  }, 30_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('sends a command from node A to a device on node B and resolves with the reply it sent to B', async () => {
    const c = await b.connect('dev1');
    await c.subscribeAsync('devices/dev1/commands/+', { qos: 1 });
    const received: string[] = [];
    c.on('message', (topic) => {
      received.push(topic);
      c.publish(`${topic}/reply`, JSON.stringify({ ok: true, data: { seconds: 30 } }), { qos: 1 });
    });
    const reply = await a.broker.sendCommand('dev1', 'set_interval', { seconds: 30 }, { timeoutMs: 5_000 });
    expect(reply).toEqual({ ok: true, data: { seconds: 30 } });
    expect(received).toEqual(['devices/dev1/commands/set_interval']);
    // Replies are consumed on B (never routed to MQTT subscribers), and a command B sends still works locally.
    expect(await b.broker.sendCommand('dev1', 'set_interval', { seconds: 60 }, { timeoutMs: 5_000 })).toMatchObject({ ok: true });
    await c.endAsync();
  });

  it('rejects a command for a device connected to no node with DEVICE_OFFLINE', async () => {
    await expect(a.broker.sendCommand('dev3', 'reboot', {}, { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
  });

  it('delivers platform/ messages published on node A to integration clients on node B', async () => {
    const reader = await b.connect('integration:ops', { username: 'integration:ops', password: 'ops-pass' });
    expect(await subackCodes(reader, ['platform/#'])).toEqual([1]);
    const got = new Promise<{ topic: string; payload: string }>((resolve) =>
      reader.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })),
    );
    await a.broker.publishPlatform('platform/alerts/red/370202', '{"n":1}');
    expect(await got).toEqual({ topic: 'platform/alerts/red/370202', payload: '{"n":1}' });
    await reader.endAsync();
  });

  it('closes on node B the session of a device revoked on node A, reported offline by B', async () => {
    const c = await b.connect('dev2');
    const offline = b.bus.once('presence', (p) => p.deviceId === 'dev2' && !p.online);
    const gone = closed(c);
    a.bus.emit('deviceRevoked', { deviceId: 'dev2', at: Date.now() });
    await gone;
    expect((await offline).reason).toBe('revoked');
  });

  it('hands a device that reconnects to node B over from A: A closes its session without an offline report', async () => {
    const first = await a.connect('dev4');
    const offlineOnA: string[] = [];
    a.bus.on('presence', (p) => void (!p.online && offlineOnA.push(p.deviceId)));
    const gone = closed(first);
    const second = await b.connect('dev4');
    await gone;
    await second.subscribeAsync('devices/dev4/commands/+', { qos: 1 });
    second.on('message', (topic) => second.publish(`${topic}/reply`, JSON.stringify({ ok: true }), { qos: 1 }));
    expect(await a.broker.sendCommand('dev4', 'selftest', {}, { timeoutMs: 5_000 })).toEqual({ ok: true });
    expect(offlineOnA).toEqual([]);
    await second.endAsync();
  });

  it('keeps Redis work per connect constant: no pattern subscription and no key per device beyond the map', async () => {
    const r = new Redis(redis.url);
    const before = await r.pubsub('NUMPAT');
    const cs = await Promise.all(['dev1', 'dev2', 'dev3'].map((id) => b.connect(id)));
    for (const c of cs) await c.subscribeAsync(`devices/${c.options.clientId}/commands/+`, { qos: 1 });
    expect(await r.pubsub('NUMPAT')).toBe(before);
    expect(before).toBe(0);
    // Two channels per node (its own and the all-nodes one), whatever the fleet.
    expect((await r.pubsub('CHANNELS', 'test-cluster:*')).length).toBe(3);
    expect(await r.hlen('test-cluster:live')).toBe(3);
    await Promise.all(cs.map((c) => c.endAsync()));
    await vi.waitFor(async () => expect(await r.hlen('test-cluster:live')).toBe(0));
    r.disconnect();
  });
});

describe('MQTT broker cluster: a node that dies', () => {
  let redis: RedisServer;
  let a: TestBroker;
  let c: NodeProcess | undefined;
  const config = (r: RedisServer) => ({ mqttCluster: true, redisUrl: r.url, mqttClusterPrefix: 'dying:', mqttClusterLeaseMs: 1_000 });

  beforeAll(async () => {
    redis = await startRedis();
    a = await startTestBroker([gasDevice('dev1'), gasDevice('dev2')], config(redis));
    c = await forkNode(config(redis));
  }, 60_000);
  afterAll(async () => {
    c?.child.kill('SIGKILL');
    await a?.close();
    await redis?.stop();
  });

  it('reports its devices offline on a surviving node once its lease expires, and commands to them answer DEVICE_OFFLINE', async () => {
    const url = `mqtt://127.0.0.1:${c!.tcpPort}`;
    const stays = await mqtt.connectAsync(url, { clientId: 'dev1', username: 'dev1', password: 'dev1-secret', reconnectPeriod: 0 });
    const moves = await mqtt.connectAsync(url, { clientId: 'dev2', username: 'dev2', password: 'dev2-secret', reconnectPeriod: 0 });
    for (const d of [stays, moves]) {
      d.on('error', () => {});
      await d.subscribeAsync(`devices/${d.options.clientId}/commands/+`, { qos: 1 });
      d.on('message', (topic) => d.publish(`${topic}/reply`, JSON.stringify({ ok: true }), { qos: 1 }));
    }
    expect(await a.broker.sendCommand('dev1', 'selftest', {}, { timeoutMs: 5_000 })).toEqual({ ok: true });
    const offline: { deviceId: string; reason: string }[] = [];
    a.bus.on('presence', (p) => void (!p.online && offline.push({ deviceId: p.deviceId, reason: p.reason })));

    c!.child.kill('SIGKILL');
    // dev2 finds another node before the lease runs out; dev1 (the device of this test) does not come back.
    const back = await a.connect('dev2');
    await vi.waitFor(() => expect(offline).toEqual([{ deviceId: 'dev1', reason: 'node_lost' }]), { timeout: 15_000, interval: 100 });
    await expect(a.broker.sendCommand('dev1', 'selftest', {}, { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'DEVICE_OFFLINE' });
    expect(a.broker.stats().clients).toBe(1);
    stays.end(true);
    moves.end(true);
    await back.endAsync();
  });
});
