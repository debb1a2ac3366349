/**
 * npm run bench:ingest — end-to-end ingest throughput and latency, beside Mosquitto in the same run.
 *
 * For each telemetry store (embedded SQLite, then InfluxDB 1.x), a `citybrain start` child process runs
 * with the embedded broker; N simulated devices (provisioned over HTTP) publish QoS 1 readings. A PUBACK is
 * sent only after the reading is durable in the store, so publish→PUBACK is publish→stored. Two phases:
 *   saturation  each device keeps `window` unacknowledged readings in flight → readings/s
 *   fixed rate  `rate` readings/s spread over the devices → p50/p99 publish→stored latency
 * Afterwards every acknowledged reading is counted back through the HTTP readings API.
 * Peer: Mosquitto (Debian 2.0.x, max_inflight_messages 0) moving the same QoS 1 messages from the same
 * publishers to one QoS 1 subscriber — a broker with no validation and no store, the upper reference.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { startInflux } from '../test/servers/influx.js';
import { startMosquitto } from '../test/servers/mosquitto.js';
import { api, parseArgs, startPlatformProcess, summarize, type PlatformProcess } from './lib.js';

const HELP = `Usage: npm run bench:ingest -- [options]

  --devices N     simulated devices (MQTT connections)            (default 200)
  --seconds S     duration of each phase                           (default 10)
  --window W      QoS 1 readings in flight per device (saturation) (default 50)
  --rate R        readings/s in the fixed-rate phase               (default 20000)
  --stores LIST   comma list of: embedded,influx                   (default embedded,influx)
  --no-peer       skip the Mosquitto reference`;

const opts = parseArgs(process.argv.slice(2), { devices: 200, seconds: 10, window: 50, rate: 20_000, stores: 'embedded,influx', peer: true }, HELP);

interface Device { id: string; password: string }
interface PhaseResult { sent: number; acked: number; seconds: number; perSecond: number; p50: number; p99: number; max: number }

function connect(url: string, d: Device | null, clientId: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      clientId,
      ...(d ? { username: d.id, password: d.password } : {}),
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

async function connectAll(url: string, devices: Device[], auth: boolean): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  for (let i = 0; i < devices.length; i += 50) {
    clients.push(...(await Promise.all(devices.slice(i, i + 50).map((d) => connect(url, auth ? d : null, d.id)))));
  }
  return clients;
}

/** Per-device payload sequence: unique timestamps (1 ms apart, starting an hour ago) so no reading overwrites another. */
function makePayloads(n: number): { next(i: number): string } {
  const base = Date.now() - 3_600_000;
  const seq = new Array<number>(n).fill(0);
  return {
    next(i) {
      const s = seq[i]!++;
      return `{"ts":${base + s},"seq":${s},"metrics":{"pressure_mpa":${(0.3 + (s % 50) / 1000).toFixed(3)},"flow_m3h":${100 + (s % 17)}}}`;
    },
  };
}

/** Closed loop: each client keeps `window` QoS 1 publishes unacknowledged. */
async function saturate(clients: MqttClient[], topicOf: (i: number) => string, payloads: { next(i: number): string }, seconds: number, window: number): Promise<PhaseResult> {
  const lat: number[] = [];
  let sent = 0;
  let acked = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    clients.map(
      (c, i) =>
        new Promise<void>((resolve) => {
          let inflight = 0;
          const pump = () => {
            while (inflight < window && performance.now() < end) {
              inflight++;
              sent++;
              const ts = performance.now();
              c.publish(topicOf(i), payloads.next(i), { qos: 1 }, (err) => {
                inflight--;
                if (!err) {
                  acked++;
                  lat.push(performance.now() - ts);
                }
                if (performance.now() < end) pump();
                else if (inflight === 0) resolve();
              });
            }
            if (inflight === 0 && performance.now() >= end) resolve();
          };
          pump();
        }),
    ),
  );
  const secs = (performance.now() - t0) / 1000;
  return { sent, acked, seconds: secs, perSecond: acked / secs, ...summarize(lat) };
}

/** Open loop: `rate` publishes per second, round-robin over the clients, in 10 ms ticks. */
async function fixedRate(clients: MqttClient[], topicOf: (i: number) => string, payloads: { next(i: number): string }, seconds: number, rate: number): Promise<PhaseResult & { skipped: number }> {
  const lat: number[] = [];
  let sent = 0;
  let acked = 0;
  let skipped = 0;
  const inflight = new Array<number>(clients.length).fill(0);
  let rr = 0;
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent + skipped < due) {
        const i = rr++ % clients.length;
        if (inflight[i]! > 2000) {
          skipped++; // the platform is this far behind: count it rather than queue without bound
          continue;
        }
        inflight[i]!++;
        sent++;
        const ts = performance.now();
        clients[i]!.publish(topicOf(i), payloads.next(i), { qos: 1 }, (err) => {
          inflight[i]!--;
          if (!err) {
            acked++;
            lat.push(performance.now() - ts);
          }
          if (sent + skipped >= total && acked + skipped >= total) resolve();
        });
      }
      if (sent + skipped < total) setTimeout(tick, 10);
    };
    tick();
  });
  const secs = (performance.now() - t0) / 1000;
  return { sent, acked, skipped, seconds: secs, perSecond: acked / secs, ...summarize(lat) };
}

async function closeAll(clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => new Promise<void>((r) => c.end(false, {}, () => r()))));
}

async function provision(p: PlatformProcess, n: number): Promise<Device[]> {
  const rows = ['id,kind,lon,lat,name,asset,tags'];
  for (let i = 0; i < n; i++) rows.push(`bench-w${i},water,${(120.36 + (i % 20) * 0.002).toFixed(5)},${(36.07 + Math.floor(i / 20) * 0.002).toFixed(5)},bench ${i},main-${i % 10},bench`);
  const report = await api<{ created: number; devices: { id: string; credentials: { username: string; password: string } }[]; errors: unknown[] }>(
    p, 'POST', '/api/v1/devices/import', rows.join('\n'), 'text/csv',
  );
  if (report.created !== n) throw new Error(`provisioned ${report.created}/${n}: ${JSON.stringify(report.errors.slice(0, 3))}`);
  return report.devices.map((d) => ({ id: d.id, password: d.credentials.password }));
}

async function countStored(p: PlatformProcess, devices: Device[]): Promise<number> {
  const from = Date.now() - 2 * 3_600_000;
  const to = Date.now() + 3_600_000;
  let total = 0;
  for (const d of devices) {
    const b = await api<{ buckets: { count: number }[] }>(p, 'GET', `/api/v1/devices/${d.id}/readings?metric=pressure_mpa&from=${from}&to=${to}&every=1d`);
    for (const x of b.buckets) total += x.count;
  }
  return total;
}

function line(label: string, r: PhaseResult & { skipped?: number }): string {
  return `  ${label.padEnd(34)} ${Math.round(r.perSecond).toString().padStart(7)} readings/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (acked ${r.acked}/${r.sent}${r.skipped ? `, ${r.skipped} not sent: backlog` : ''})`;
}

async function benchPlatform(store: string): Promise<{ sat: PhaseResult; fixed: PhaseResult }> {
  const influx = store === 'influx' ? await startInflux() : null;
  const p = await startPlatformProcess(influx ? { INFLUX_URL: influx.url, INFLUX_DB: 'bench' } : {});
  try {
    const devices = await provision(p, opts.devices);
    const clients = await connectAll(`mqtt://127.0.0.1:${p.mqttPort}`, devices, true);
    const payloads = makePayloads(devices.length);
    const topicOf = (i: number) => `devices/${devices[i]!.id}/telemetry`;
    const sat = await saturate(clients, topicOf, payloads, opts.seconds, opts.window);
    console.log(line(`citybrain → ${store}: saturation`, sat));
    const fixed = await fixedRate(clients, topicOf, payloads, opts.seconds, opts.rate);
    console.log(line(`citybrain → ${store}: ${opts.rate}/s`, fixed));
    await closeAll(clients);
    const stored = await countStored(p, devices);
    const acked = sat.acked + fixed.acked;
    console.log(`  ${''.padEnd(34)} stored and queryable: ${stored} of ${acked} acknowledged readings${stored >= acked ? '' : '  <-- LOST'}`);
    return { sat, fixed };
  } finally {
    await p.stop();
    await influx?.stop();
  }
}

async function benchMosquitto(): Promise<PhaseResult> {
  const m = await startMosquitto();
  try {
    const devices = Array.from({ length: opts.devices }, (_, i) => ({ id: `peer-${i}`, password: '' }));
    const sub = await connect(m.url, null, 'bench-sub');
    const received: number[] = [];
    const sentAt = new Map<string, number>();
    sub.on('message', (topic, payload) => {
      const key = `${topic}|${payload.toString().slice(6, 26)}`;
      const t = sentAt.get(key);
      if (t !== undefined) {
        received.push(performance.now() - t);
        sentAt.delete(key);
      }
    });
    await sub.subscribeAsync('bench/#', { qos: 1 });
    const clients = await connectAll(m.url, devices, false);
    const payloads = makePayloads(devices.length);
    const wrapped = { next: (i: number) => { const s = payloads.next(i); sentAt.set(`bench/${i}|${s.slice(6, 26)}`, performance.now()); return s; } };
    const t0 = performance.now();
    const sat = await saturate(clients, (i) => `bench/${i}`, wrapped, opts.seconds, opts.window);
    await new Promise((r) => setTimeout(r, 500)); // let the subscriber drain what is still in flight
    const secs = (performance.now() - t0) / 1000;
    const lat = summarize(received);
    const delivered = received.length;
    console.log(line('mosquitto QoS 1 publish→PUBACK', sat));
    console.log(`  ${'mosquitto QoS 1 publish→subscriber'.padEnd(34)} ${Math.round(delivered / secs).toString().padStart(7)} msgs/s       p50 ${lat.p50.toFixed(1).padStart(6)} ms   p99 ${lat.p99.toFixed(1).padStart(7)} ms   (delivered ${delivered}/${sat.acked})`);
    await closeAll([...clients, sub]);
    return { ...sat, perSecond: delivered / secs, p50: lat.p50, p99: lat.p99 };
  } finally {
    await m.stop();
  }
}

async function run(): Promise<void> {
  console.log(`bench:ingest — ${opts.devices} devices, ${opts.seconds} s per phase, window ${opts.window}, fixed rate ${opts.rate}/s, node ${process.version}`);
  const results: Record<string, { sat: PhaseResult; fixed: PhaseResult }> = {};
  for (const store of String(opts.stores).split(',').map((s) => s.trim()).filter(Boolean)) {
    if (store !== 'embedded' && store !== 'influx') throw new Error(`unknown store ${store}`);
    results[store] = await benchPlatform(store);
  }
  if (opts.peer) {
    const peer = await benchMosquitto();
    for (const [store, r] of Object.entries(results)) {
      console.log(`  ratio citybrain→${store} / mosquitto QoS 1 relay: ${(r.sat.perSecond / peer.perSecond).toFixed(2)}`);
    }
  }
}

run().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
