import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthOutcome } from './ports.js';
import { gasDevice, gasReading, startTestBroker, type TestBroker } from './testing.js';

/**
 * Admission of CONNECTs (connect-gate.ts): a bounded number checked at once, the rest refused at once with
 * CONNACK 3 so clients back off, established sessions untouched, and service back as soon as the checks
 * in progress finish.
 */
describe('broker: CONNECTs in progress are bounded', () => {
  let tb: TestBroker | undefined;
  afterEach(async () => {
    await tb?.close();
    tb = undefined;
  });

  it('refuses CONNECTs over the bound with CONNACK 3 at once, keeps serving a connected device, and admits again when the checks finish', async () => {
    const devices = Array.from({ length: 12 }, (_, i) => gasDevice(`dev${i}`));
    tb = await startTestBroker(devices, { mqttMaxConnecting: 2 });
    const steady = await tb.connect('dev0');
    // The registry is slow: checks wait until released (a reconnect storm's backlog, in small).
    const held: Array<() => void> = [];
    const real = tb.directory.authenticate.bind(tb.directory);
    tb.directory.authenticate = (id: string, secret: string): Promise<AuthOutcome> =>
      new Promise((resolve) => held.push(() => void real(id, secret).then(resolve)));

    const inProgress = [tb.connect('dev1'), tb.connect('dev2')];
    await vi.waitFor(() => expect(held).toHaveLength(2));
    const refused = await Promise.all([3, 4, 5, 6, 7].map((i) => tb!.connectError({ clientId: `dev${i}`, username: `dev${i}`, password: `dev${i}-secret` })));
    expect(refused.map((e) => e.code)).toEqual([3, 3, 3, 3, 3]);
    expect(held).toHaveLength(2);
    expect(tb.broker.stats().connectsRejected.connect_busy).toBe(5);
    // The established device is served throughout: its QoS 1 reading is acknowledged and stored.
    await steady.publishAsync('devices/dev0/telemetry', gasReading(3), { qos: 1 });
    expect(tb.sink.readings.map((r) => r.deviceId)).toEqual(['dev0']);

    for (const release of held.splice(0)) release();
    await Promise.all(inProgress);
    tb.directory.authenticate = real;
    const later = await tb.connect('dev8');
    expect(later.connected).toBe(true);
    expect(steady.connected).toBe(true);
  });
});
