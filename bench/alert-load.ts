/**
 * The background load of bench:alert-latency, in its own process so the generator's event-loop lag stays
 * out of the measured latency: `rate` QoS 0 gas readings/s round-robin over the devices, for `seconds`.
 * Started by bench/alert-latency.ts with a JSON file of devices; prints one JSON line of results.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';

interface Args {
  mqttPort: number;
  devicesFile: string;
  rate: number;
  seconds: number;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as Args;
  const devices = JSON.parse(readFileSync(a.devicesFile, 'utf8')) as Array<{ id: string; password: string }>;
  const clients: MqttClient[] = [];
  for (let i = 0; i < devices.length; i += 100) {
    clients.push(
      ...(await Promise.all(
        devices.slice(i, i + 100).map((d) => mqtt.connectAsync(`mqtt://127.0.0.1:${a.mqttPort}`, { clientId: d.id, username: d.id, password: d.password, reconnectPeriod: 0, protocolVersion: 4 })),
      )),
    );
  }
  process.send?.({ ready: true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  let rr = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = (performance.now() - t0) / 1000;
      const due = Math.floor(Math.min(elapsed, a.seconds) * a.rate);
      while (sent < due) {
        const i = rr++ % clients.length;
        clients[i]!.publish(`devices/${devices[i]!.id}/telemetry`, `{"metrics":{"ch4_lel":${(rr % 30) / 10}}}`, { qos: 0 });
        sent++;
      }
      if (elapsed < a.seconds) setTimeout(tick, 5);
      else resolve();
    };
    tick();
  });
  const secs = (performance.now() - t0) / 1000;
  lag.disable();
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(clients.map((c) => c.endAsync()));
  process.send?.({ sent, secs, cpuShare: (cpu.user + cpu.system) / 1e6 / secs, lagP99Ms: lag.percentile(99) / 1e6 });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
