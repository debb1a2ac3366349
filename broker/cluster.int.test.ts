import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../test/servers/redis.js';
import { silentLogger } from '../kernel/logger.js';
import { closed, gasDevice, startTestBroker, subackCodes, TestIntegrations, type TestBroker } from './testing.js';

/**
 * Two broker nodes sharing one real Redis (architecture.md: several aedes nodes sharing state through
 * mqemitter-redis + aedes-persistence-redis). Each node has its own bus and directory, as two processes would.
 */
describe('MQTT broker cluster: two nodes sharing Redis', () => {
  let redis: RedisServer;
  let a: TestBroker;
  let b: TestBroker;
  const devices = () => [gasDevice('dev1'), gasDevice('dev2'), gasDevice('dev3')];
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
});
