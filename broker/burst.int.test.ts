import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gasDevice, gasReading, startTestBroker, type TestBroker } from './testing.js';

/**
 * constraints.md: bare aedes 1.2.0 fell to ~5k msg/s and died with "Maximum call stack size exceeded"
 * under publishers sending flat out. Here several clients publish with no pacing at all, QoS 0 and
 * QoS 1, into a sink that is slower than the network, with small in-flight bounds so flow control has
 * to hold sockets.
 */
describe('broker: unbounded publish burst', () => {
  let tb: TestBroker | undefined;
  afterEach(async () => {
    await tb?.close();
    tb = undefined;
  });

  it('survives 120k messages from 8 clients flat out, bounded in flight, every acknowledged QoS 1 reading stored', async () => {
    const PER_CLIENT = 15_000;
    const ids = Array.from({ length: 8 }, (_, i) => `burst${i}`);
    const limits = { ingestMaxInflight: 500, ingestMaxInflightPerClient: 100 };
    tb = await startTestBroker(ids.map((id) => gasDevice(id)), limits);
    tb.sink.slowTurns = 1;
    const clients: MqttClient[] = [];
    for (const id of ids) clients.push(await tb.connect(id));

    const acked = new Map<string, Set<number>>(ids.map((id) => [id, new Set<number>()]));
    const t0 = performance.now();
    const qos1Done: Array<Promise<void>> = [];
    clients.forEach((c, k) => {
      const id = ids[k]!;
      const qos = k % 2 === 0 ? 0 : 1;
      const topic = `devices/${id}/telemetry`;
      if (qos === 0) {
        for (let seq = 0; seq < PER_CLIENT; seq++) c.publish(topic, gasReading(seq % 100, seq), { qos: 0 });
        return;
      }
      const mine = acked.get(id)!;
      qos1Done.push(new Promise<void>((resolve, reject) => {
        let left = PER_CLIENT;
        for (let seq = 0; seq < PER_CLIENT; seq++) {
          c.publish(topic, gasReading(seq % 100, seq), { qos: 1 }, (err) => {
            if (err) return reject(err);
            mine.add(seq);
            if (--left === 0) resolve();
          });
        }
      }));
    });
    await Promise.all(qos1Done);
    const total = PER_CLIENT * ids.length;
    await vi.waitFor(() => expect(tb!.sink.readings.length).toBe(total), { timeout: 60_000, interval: 50 });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`burst: ${total} msgs in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} msg/s; peak in flight ${tb.broker.stats().ingestInflightPeak}; pauses ${tb.broker.stats().pauses}`);

    // Every acknowledged QoS 1 reading is in the sink.
    const stored = new Map<string, Set<number>>();
    for (const r of tb.sink.readings) {
      let s = stored.get(r.deviceId);
      if (!s) stored.set(r.deviceId, (s = new Set()));
      s.add(r.seq ?? -1);
    }
    for (const [id, seqs] of acked) {
      for (const seq of seqs) expect(stored.get(id)?.has(seq)).toBe(true);
    }
    const stats = tb.broker.stats();
    expect(stats.readings).toBe(total);
    // The bounds held and flow control actually engaged.
    expect(stats.ingestInflightPeak).toBeLessThanOrEqual(limits.ingestMaxInflight);
    expect(stats.pauses).toBeGreaterThan(0);
    expect(stats.ingestInflight).toBe(0);
    expect(stats.clients).toBe(ids.length);
    // Still serving.
    await clients[1]!.publishAsync('devices/burst1/telemetry', gasReading(5, 999_999), { qos: 1 });
    expect(tb.sink.readings.at(-1)?.seq).toBe(999_999);
  });
});
