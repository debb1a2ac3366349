/**
 * bench:console — the city overview in headless Chromium (Debian's, through playwright-core, WebGL by
 * SwiftShader) with 10,000 devices, 200 open alerts and 56 drones reporting at 1 Hz over the event stream:
 * time to the first complete render, frame times while it updates, and JS heap — beside the same scene
 * with every device as a DOM marker (the naive way), alternating the two renderers in one run.
 * Run: npm run bench:console [-- --devices 10000 --alerts 200 --drones 56 --seconds 10 --pairs 3]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { startPlatform } from '../app/platform.js';
import { loadConfig } from '../kernel/config.js';
import { silentLogger } from '../kernel/logger.js';
import { loadDistrictsGeoJson } from '../simulators/city.js';
import { placeDevices } from '../simulators/placement.js';
import { launchChromium } from '../test/browser/chromium.js';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs, percentile } from './lib.js';
import { repaintCost, startProfile } from './console-profile.js';

const HELP = `npm run bench:console -- [--devices N] [--alerts N] [--drones N] [--seconds S] [--pairs N] [--before QUERY] [--only R] [--profile]
  devices  devices provisioned (default 10000)
  alerts   open red alerts raised over MQTT (default 200)
  drones   drones reporting position at 1 Hz on the stream (default 56)
  seconds  how long frames are sampled while the scene updates (default 10)
  pairs    alternated runs of the three renderers (default 3)
  before   URL switches (docs/console.md "Test hook") that make ours what it was before the last cut
           (default '&fleet=layer': drones and tracks inside the WebGL map)
  profile  also print where the time goes in ours (page JS self time, Chromium trace per thread)
  only     run just one renderer: layer, before or dom`;

const opts = parseArgs(process.argv.slice(2), { devices: 10_000, alerts: 200, drones: 56, seconds: 10, pairs: 3, profile: false, only: '', before: '&fleet=layer' }, HELP);
const PASSWORD = 'bench-console-Secret-1';

interface Run {
  /** layer: ours; before: ours with `--before`'s switches; dom: a DOM marker per device (the naive way). */
  renderer: 'layer' | 'before' | 'dom';
  firstRenderMs: number;
  /** From navigation until every drone of the scene is on screen (they arrive over the event stream). */
  dronesMs: number;
  p95FrameMs: number;
  maxFrameMs: number;
  heapMb: number;
  repaintsPerS: number;
}

async function setup() {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'build-console.mjs')], { stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-bench-console-'));
  const config = loadConfig(
    { CITYBRAIN_DATA_DIR: dataDir, CITYBRAIN_ADMIN_TOKEN: 'bench-console-token-0123456789', CITYBRAIN_ADMIN_PASSWORD: PASSWORD },
    { httpHost: '127.0.0.1', httpPort: 0, mqttHost: '127.0.0.1', mqttPort: 0, mqttWs: false },
  );
  const p = await startPlatform(config, { log: silentLogger() });
  const auth = { authorization: `Bearer ${p.adminToken}` };
  const placed = placeDevices(await loadDistrictsGeoJson(), { devices: opts.devices, seed: 7 });
  const csv = ['id,kind,lon,lat,name,asset,tags', ...placed.map((d) => `${d.id},${d.kind},${d.lon},${d.lat},,${d.asset},`)].join('\n');
  const t0 = Date.now();
  const imported = await fetch(`${p.http.url}/api/v1/devices/import`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
  const report = (await imported.json()) as { created: number; devices: { id: string; credentials: { password: string } }[] };
  console.log(`provisioned ${report.created} devices in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const kindOf = new Map(placed.map((d) => [d.id, d.kind]));
  // Open red alerts: a dangerous methane reading from `alerts` gas devices, each over its own MQTT session.
  const gas = report.devices.filter((d) => kindOf.get(d.id) === 'gas').slice(0, opts.alerts);
  for (const g of gas) {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${p.mqtt.tcpPort}`, { clientId: g.id, username: g.id, password: g.credentials.password, protocolVersion: 4, reconnectPeriod: 0 });
    await c.publishAsync(`devices/${g.id}/telemetry`, JSON.stringify({ metrics: { ch4_lel: 60 } }), { qos: 1 });
    await c.endAsync();
  }
  const open = (await (await fetch(`${p.http.url}/api/v1/alerts?status=open&limit=1`, { headers: auth })).json()) as { total: number };
  console.log(`open alerts: ${open.total}`);
  // Drones circling in the core districts, reported on the platform's bus as a MAVLink link would.
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    for (let i = 0; i < opts.drones; i++) {
      const a = (tick / 30 + i / opts.drones) * 2 * Math.PI;
      p.bus.emit('droneState', {
        droneId: `bench-uav-${i}`,
        dockId: `bench-dock-${i}`,
        at: Date.now(),
        phase: 'in_flight',
        position: { lon: 120.38 + 0.05 * Math.cos(a + i), lat: 36.1 + 0.04 * Math.sin(a + i), altM: 60 },
        batteryPct: 90 - (tick % 60),
      });
    }
  }, 1000);
  return { p, stop: async () => (clearInterval(timer), await p.stop()) };
}

async function measure(page: Page, url: string, renderer: Run['renderer']): Promise<Run> {
  // With --profile, ours is profiled from navigation to the first render too (what the first render waits for).
  const stopStartProfile = opts.profile && renderer === 'layer' ? await startProfile(page, 'navigation → first render') : undefined;
  await page.goto(`${url}/?testhook${renderer === 'dom' ? '&devices=dom' : renderer === 'before' ? opts.before : ''}`);
  await page.waitForFunction(() => performance.getEntriesByName('console-first-render').length > 0, undefined, { timeout: 300_000 });
  await stopStartProfile?.();
  const firstRenderMs = await page.evaluate(() => performance.getEntriesByName('console-first-render')[0]!.startTime);
  const drones = waitForDrones(page);
  await checkScene(page);
  const dronesMs = await drones;
  if (opts.profile && renderer === 'layer') {
    // What the first render waited for: each request's end and size, and the marks on the way.
    const entries = (await page.evaluate(`performance.getEntries().filter((e) => e.entryType !== 'paint').map((e) => [e.entryType, e.name.replace(location.origin, ''), Math.round(e.startTime), Math.round(e.startTime + e.duration), e.transferSize ?? 0])`)) as [string, string, number, number, number][];
    for (const [type, name, start, end, size] of entries) console.log(`    ${type.padEnd(10)} ${String(start).padStart(6)} → ${String(end).padStart(6)} ms ${(size / 1024).toFixed(0).padStart(6)} KiB  ${name.slice(0, 70)}`);
  }
  const stopProfile = opts.profile && renderer === 'layer' ? await startProfile(page, 'the measured window') : undefined;
  // A string, not a function: tsx's name-keeping helpers do not exist in the page.
  // Map repaints in the window too (a repaint under SwiftShader is what a slow frame is made of).
  await page.evaluate(`(() => { window.__repaints = 0; window.__cityMap?.map.on('render', () => window.__repaints++); })()`);
  const frames = (await page.evaluate(`new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const end = last + ${opts.seconds * 1000};
    const step = (now) => { out.push(now - last); last = now; if (now < end) requestAnimationFrame(step); else resolve(out); };
    requestAnimationFrame(step);
  })`)) as number[];
  const repaints = (await page.evaluate('window.__repaints')) as number;
  await stopProfile?.();
  if (stopProfile) await repaintCost(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  frames.sort((a, b) => a - b);
  return { renderer, repaintsPerS: repaints / opts.seconds, firstRenderMs, dronesMs, p95FrameMs: percentile(frames, 95), maxFrameMs: frames[frames.length - 1] ?? NaN, heapMb: heap / 1024 / 1024 };
}

/** Drones drawn, as DOM markers or in the map's `drones` layer. */
const DRONES_DRAWN = `(() => { const m = window.__cityMap; if (!m) return 0; const dom = m.markerCounts().drones; return dom > 0 ? dom : m.map.getLayer('drones') ? new Set(m.map.queryRenderedFeatures({ layers: ['drones'] }).map((f) => f.properties.id)).size : 0; })()`;

/** Time from navigation until every drone is on screen (performance.now() in the page, polled every 50 ms). */
async function waitForDrones(page: Page): Promise<number> {
  return (await page.evaluate(`new Promise((resolve, reject) => {
    const timer = setInterval(() => { if (${DRONES_DRAWN} >= ${opts.drones}) { clearInterval(timer); resolve(performance.now()); } }, 50);
    setTimeout(() => (clearInterval(timer), reject(new Error('drones not drawn within 120 s'))), 120000);
  })`)) as number;
}

/** The first render is only "complete" with the whole scene: say what was on screen at the mark, warn if devices were missing. */
async function checkScene(page: Page): Promise<void> {
  const drawn = (await page.evaluate(`(() => { const m = window.__cityMap; const dom = m.markerCounts(); return { devices: dom.devices || new Set(m.map.queryRenderedFeatures({ layers: ['devices'] }).map((f) => f.properties.id)).size, impacts: new Set(m.map.queryRenderedFeatures({ layers: ['impacts-fill'] }).map((f) => f.properties.id)).size, drones: ${DRONES_DRAWN} }; })()`)) as { devices: number; impacts: number; drones: number };
  console.log(`    on screen: ${drawn.devices} devices, ${drawn.impacts} impact areas, ${drawn.drones} drones`);
  if (drawn.devices < opts.devices) console.log(`    WARNING: only ${drawn.devices} of ${opts.devices} devices on screen at the first-render mark: that figure is not a complete render`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { p, stop } = await setup();
  const browser = await launchChromium();
  const runs: Run[] = [];
  try {
    for (let i = 0; i < opts.pairs; i++) {
      for (const renderer of (['layer', 'before', 'dom'] as const).filter((r) => opts.only === '' || r === opts.only)) {
        const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
        const page = await ctx.newPage();
        // Sign in through the API (the cookie lands in this context), then open the overview.
        await page.goto(p.http.url + '/');
        await page.evaluate(async (pw) => {
          await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: pw }) });
        }, PASSWORD);
        const r = await measure(page, p.http.url, renderer);
        runs.push(r);
        console.log(`${renderer.padEnd(10)} first render ${r.firstRenderMs.toFixed(0).padStart(6)} ms   all drones ${r.dronesMs.toFixed(0).padStart(6)} ms   frames p95 ${r.p95FrameMs.toFixed(1).padStart(6)} ms  max ${r.maxFrameMs.toFixed(0).padStart(5)} ms   JS heap ${r.heapMb.toFixed(0)} MiB   map repaints ${r.repaintsPerS.toFixed(1)}/s`);
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
    await stop();
  }
  const of = (r: Run['renderer'], k: keyof Omit<Run, 'renderer'>) => median(runs.filter((x) => x.renderer === r).map((x) => x[k]));
  console.log(`\nmedians of ${opts.pairs} alternated runs — ${opts.devices} devices, ${opts.alerts} open alerts, ${opts.drones} drones at 1 Hz; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`                    GPU layer (citybrain)   ${`before (${opts.before})`.padStart(40)}   DOM markers (naive)   ratio naive/ours   target`);
  for (const [label, k, target] of [
    ['first render ms', 'firstRenderMs', '< 2000'],
    ['all drones drawn ms', 'dronesMs', ''],
    ['p95 frame ms', 'p95FrameMs', '< 50'],
    ['JS heap MiB', 'heapMb', ''],
    ['map repaints /s', 'repaintsPerS', ''],
  ] as const) {
    const a = of('layer', k);
    const f = of('before', k);
    const b = of('dom', k);
    console.log(`${label.padEnd(20)}${a.toFixed(1).padStart(22)}${f.toFixed(1).padStart(43)}${b.toFixed(1).padStart(22)}${(b / a).toFixed(2).padStart(19)}   ${target}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
