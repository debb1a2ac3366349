import { Writable } from 'node:stream';
import { createLogger } from '../kernel/logger.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gasDevice, gasReading, startTestBroker, closed, subackCodes, type TestBroker } from './testing.js';

describe('broker: authentication and topic ACL (real aedes, real mqtt clients)', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await startTestBroker([gasDevice('dev1'), gasDevice('dev2'), { ...gasDevice('dev3'), revoked: true }]);
  });
  afterEach(async () => {
    await tb.close();
  });

  it('accepts a device whose username, client id and secret match', async () => {
    const c = await tb.connect('dev1');
    expect(c.connected).toBe(true);
    expect(tb.broker.stats().clients).toBe(1);
  });

  it('answers a wrong secret and an unknown device alike: CONNACK 4, counted by reason', async () => {
    const wrong = await tb.connectError({ clientId: 'dev1', username: 'dev1', password: 'nope' });
    const unknown = await tb.connectError({ clientId: 'ghost', username: 'ghost', password: 'whatever' });
    expect(wrong.code).toBe(4);
    expect(unknown.code).toBe(4);
    expect(wrong.message).toBe(unknown.message);
    expect(tb.broker.stats().connectsRejected).toEqual({ bad_secret: 1, unknown_device: 1 });
    const text = await tb.registry.getSingleMetricAsString('citybrain_mqtt_connects_rejected_total');
    expect(text).toContain('reason="bad_secret"} 1');
  });

  it('logs each refusal with its reason and the device, never the secret', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } }) });
    const own = await startTestBroker([gasDevice('dev1')], {}, log);
    try {
      await own.connectError({ clientId: 'dev1', username: 'dev1', password: 'Sup3r-Secret-Guess' });
    } finally {
      await own.close();
    }
    const refusal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'mqtt connect rejected');
    expect(refusal).toMatchObject({ module: 'broker', username: 'dev1', reason: 'bad_secret' });
    expect(lines.join('')).not.toContain('Sup3r-Secret-Guess');
  });

  it('refuses a client id that is not the username (CONNACK 5), even with a good secret', async () => {
    const err = await tb.connectError({ clientId: 'dev2', username: 'dev1', password: 'dev1-secret' });
    expect(err.code).toBe(5);
    expect(tb.broker.stats().connectsRejected).toEqual({ client_id_mismatch: 1 });
  });

  it('refuses a revoked device with "not authorized" (CONNACK 5)', async () => {
    const err = await tb.connectError({ clientId: 'dev3', username: 'dev3', password: 'dev3-secret' });
    expect(err.code).toBe(5);
    expect(tb.broker.stats().connectsRejected).toEqual({ revoked: 1 });
  });

  it('acknowledges and drops a publish to another device\'s topic; the connection stays up', async () => {
    const victim = await tb.connect('dev2');
    const seen: string[] = [];
    victim.on('message', (topic) => seen.push(topic));
    await victim.subscribeAsync('devices/dev2/commands/+', { qos: 1 });

    const c = await tb.connect('dev1');
    await c.publishAsync('devices/dev2/telemetry', gasReading(10), { qos: 1 });
    await c.publishAsync('devices/dev2/commands/reboot', '{}', { qos: 1 });
    await c.publishAsync('devices/dev1/commands/reboot', '{}', { qos: 1 });
    await c.publishAsync('$SYS/anything', 'x', { qos: 1 });
    // Same connection, still serving: a good reading after the denials is stored.
    await c.publishAsync('devices/dev1/telemetry', gasReading(11), { qos: 1 });

    expect(c.connected).toBe(true);
    expect(tb.sink.readings.map((r) => r.deviceId)).toEqual(['dev1']);
    expect(tb.broker.stats().aclDenied).toEqual({ publish: 4, subscribe: 0 });
    // The forged command never reached dev2: a round trip on its own connection proves it has nothing queued.
    await victim.subscribeAsync('devices/dev2/commands/ping', { qos: 1 });
    expect(seen).toEqual([]);
  });

  it('refuses subscriptions to #, $SYS/#, +/... and other devices\' commands with SUBACK 0x80', async () => {
    const c = await tb.connect('dev1');
    const filters = ['#', '$SYS/#', '+/dev1/commands/+', 'devices/dev2/commands/+', 'devices/dev1/telemetry', 'devices/dev1/commands/+', 'devices/dev1/commands/reboot'];
    const codes = await subackCodes(c, filters);
    expect(Object.fromEntries(filters.map((f, i) => [f, codes[i]]))).toEqual({
      '#': 128,
      '$SYS/#': 128,
      '+/dev1/commands/+': 128,
      'devices/dev2/commands/+': 128,
      'devices/dev1/telemetry': 128,
      'devices/dev1/commands/+': 1,
      'devices/dev1/commands/reboot': 1,
    });
    expect(tb.broker.stats().aclDenied.subscribe).toBe(5);
    expect(c.connected).toBe(true);
  });

  it('closes a revoked device\'s live session and reports it offline (reason revoked)', async () => {
    const c = await tb.connect('dev1');
    const offline = tb.bus.once('presence', (p) => p.deviceId === 'dev1' && !p.online);
    const gone = closed(c);
    tb.bus.emit('deviceRevoked', { deviceId: 'dev1', at: Date.now() });
    await gone;
    expect((await offline).reason).toBe('revoked');
    const other = await tb.connect('dev2');
    expect(other.connected).toBe(true);
  });
});
