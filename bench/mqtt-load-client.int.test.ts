import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoServer } from '../test/servers/mosquitto.js';
import { LoadClient } from './mqtt-load-client.js';

// The bench generator's MQTT client against a real broker: every QoS 1 publish is acknowledged, and what a
// subscriber receives is what was sent, byte for byte, whatever the length's encoding (1, 2 or 3 bytes).
describe('bench load client (QoS 1) against Mosquitto', () => {
  let m: MosquittoServer;
  beforeAll(async () => {
    m = await startMosquitto();
  });
  afterAll(async () => {
    await m.stop();
  });

  it('publishes QoS 1 with every PUBACK matched, and a subscriber gets every payload intact', async () => {
    const got: string[] = [];
    const sub = await LoadClient.connect({ host: '127.0.0.1', port: m.port, clientId: 'lc-sub' });
    await sub.subscribe('lc/#', (topic, payload) => got.push(`${topic} ${payload.toString('utf8')}`));
    const pub = await LoadClient.connect({ host: '127.0.0.1', port: m.port, clientId: 'lc-pub', username: 'u', password: 'p' });
    const sizes = [0, 1, 100, 200, 20_000, 300_000];
    const sent: string[] = [];
    const acks = await Promise.all(
      Array.from({ length: 600 }, (_, i) => {
        const payload = `${i}:` + 'é'.repeat(sizes[i % sizes.length]! / 2);
        sent.push(`lc/${i % 7} ${payload}`);
        return new Promise<Error | undefined>((resolve) => pub.publish(`lc/${i % 7}`, payload, resolve));
      }),
    );
    expect(acks.filter((e) => e !== undefined)).toEqual([]);
    expect(pub.pending).toBe(0);
    for (let t = 0; t < 100 && got.length < sent.length; t++) await new Promise((r) => setTimeout(r, 50));
    expect(got.sort()).toEqual(sent.sort());
    await pub.close();
    await sub.close();
  });

  it('fails the publishes in flight when the connection ends before their PUBACK', async () => {
    const pub = await LoadClient.connect({ host: '127.0.0.1', port: m.port, clientId: 'lc-drop' });
    const results: Array<Error | undefined> = [];
    for (let i = 0; i < 50; i++) pub.publish('lc/drop', 'x', (err) => results.push(err));
    pub.destroy(); // before the next tick: nothing was written, nothing can be acknowledged
    for (let t = 0; t < 40 && results.length < 50; t++) await new Promise((r) => setTimeout(r, 25));
    expect(results).toHaveLength(50);
    expect(results.every((e) => e instanceof Error)).toBe(true);
  });
});
