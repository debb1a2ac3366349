/**
 * Publish → alert-on-the-stream latency under load (bench:rules part 2).
 *
 * A `citybrain start` child process (embedded defaults, default rule pack) receives a background load of
 * normal gas readings from many devices at `rate` readings/s, sent by a generator in its own process
 * (bench/alert-load.ts), so the generator's event-loop lag is not inside the figure. Meanwhile, from this
 * process, `triggers` per second a fresh device publishes 60 %LEL (red, no debounce in the default pack).
 * An SSE client on `/api/v1/stream?types=alert` timestamps each `alertRaised`; latency = arrival − publish call.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { EventStream } from '../simulators/index.js';
import { api, parseArgs, startPlatformProcess, summarize, type PlatformProcess } from './lib.js';

const HELP = `Usage: node --import tsx bench/alert-latency.ts [options]

  --devices N     gas devices (MQTT connections)          (default 2000)
  --rate R        background readings/s                   (default 10000)
  --triggers T    alert-raising readings/s                (default 50)
  --seconds S     measured duration                       (default 10)`;

const opts = parseArgs(process.argv.slice(2), { devices: 2000, rate: 10_000, triggers: 50, seconds: 10 }, HELP);

interface Dev { id: string; password: string; client?: MqttClient }

async function provision(p: PlatformProcess, n: number): Promise<Dev[]> {
  const out: Dev[] = [];
  for (let start = 0; start < n; start += 1000) {
    const rows = ['id,kind,lon,lat'];
    for (let i = start; i < Math.min(n, start + 1000); i++) rows.push(`lat-g${i},gas,${(120.33 + (i % 50) * 0.002).toFixed(5)},${(36.06 + Math.floor(i / 50) * 0.0005).toFixed(5)}`);
    const r = await api<{ devices: { id: string; credentials: { password: string } }[] }>(p, 'POST', '/api/v1/devices/import', rows.join('\n'), 'text/csv');
    out.push(...r.devices.map((d) => ({ id: d.id, password: d.credentials.password })));
  }
  return out;
}

async function connect(p: PlatformProcess, d: Dev): Promise<void> {
  d.client = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqttPort}`, { clientId: d.id, username: d.id, password: d.password, reconnectPeriod: 0, protocolVersion: 4 });
}

/** Calls `onAlert(subject, action)` at each alert event's arrival on `/api/v1/stream?types=alert`. */
function openStream(p: PlatformProcess, onAlert: (subject: string, action: string) => void): Promise<EventStream> {
  return EventStream.open(`${p.httpUrl}/api/v1/stream?types=alert`, p.token, (f) => {
    if (f.event !== 'alert') return;
    const notice = JSON.parse(f.data) as { action?: string; alert?: { subject?: string } };
    if (notice.alert?.subject) onAlert(notice.alert.subject, notice.action ?? '');
  });
}

async function run(): Promise<void> {
  console.log(`bench:alert-latency — ${opts.devices} gas devices, background ${opts.rate}/s, ${opts.triggers} alerts/s, ${opts.seconds} s`);
  const p = await startPlatformProcess();
  try {
    const devices = await provision(p, opts.devices);
    const published = new Map<string, number>();
    const latencies: number[] = [];
    const stream = await openStream(p, (subject, action) => {
      const t = published.get(subject);
      if (t !== undefined && action === 'opened') {
        latencies.push(performance.now() - t);
        published.delete(subject);
      }
    });
    const needed = Math.ceil(opts.triggers * opts.seconds);
    // Separate sets: a background reading and a trigger for one device in the same millisecond would be one
    // sample (same device, same server timestamp), and the engine rightly keeps only one of them.
    if (needed >= devices.length) throw new Error(`--devices must exceed triggers × seconds (${needed})`);
    const triggerDevices = devices.slice(0, needed);
    const backgroundDevices = devices.slice(needed);
    for (let i = 0; i < triggerDevices.length; i += 100) await Promise.all(triggerDevices.slice(i, i + 100).map((d) => connect(p, d)));
    const file = join(mkdtempSync(join(tmpdir(), 'cb-alert-load-')), 'devices.json');
    writeFileSync(file, JSON.stringify(backgroundDevices.map((d) => ({ id: d.id, password: d.password }))));
    const gen = fork('bench/alert-load.ts', [JSON.stringify({ mqttPort: p.mqttPort, devicesFile: file, rate: opts.rate, seconds: opts.seconds })], { execArgv: ['--import', 'tsx'] });
    const genReady = once(gen, 'message');
    const genDone = new Promise<{ sent: number; secs: number; cpuShare: number; lagP99Ms: number }>((resolve, reject) => {
      gen.on('message', (m: { sent?: number }) => m.sent !== undefined && resolve(m as never));
      gen.once('exit', (code) => reject(new Error(`load generator exited ${code}`)));
    });
    await genReady;
    gen.send('go');
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    let triggered = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = (performance.now() - t0) / 1000;
        const dueTriggers = Math.min(triggerDevices.length, Math.floor(elapsed * opts.triggers));
        while (triggered < dueTriggers) {
          const d = triggerDevices[triggered++]!;
          published.set(d.id, performance.now());
          d.client!.publish(`devices/${d.id}/telemetry`, '{"metrics":{"ch4_lel":60}}', { qos: 1 });
        }
        if (elapsed < opts.seconds) setTimeout(tick, 5);
        else resolve();
      };
      tick();
    });
    const load = await genDone;
    lag.disable();
    const deadline = Date.now() + 10_000;
    while (published.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    const s = summarize(latencies);
    console.log(`  background load            ${Math.round(load.sent / load.secs)} readings/s sent (QoS 0) by a generator process (CPU ${(load.cpuShare * 100).toFixed(0)} %, event-loop lag p99 ${load.lagP99Ms.toFixed(1)} ms)`);
    console.log(`  publish → alert on stream  p50 ${s.p50.toFixed(1)} ms   p99 ${s.p99.toFixed(1)} ms   max ${s.max.toFixed(1)} ms   (${latencies.length}/${triggered} alerts seen${published.size ? `, ${published.size} missing` : ''})`);
    console.log(`  measuring process (triggers + stream) event-loop lag p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms; target p99 < 50 ms: ${s.p99 < 50 ? 'met' : 'NOT met'}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    stream.close();
    await Promise.all(triggerDevices.map((d) => d.client?.endAsync()));
  } finally {
    await p.stop();
  }
}

run().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
