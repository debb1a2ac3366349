/**
 * bench:console's `--profile`: where the time of a measured window goes, so a cut can be aimed.
 * Two views of the same window: the page's JavaScript (a CDP CPU profile, self time per function) and
 * Chromium's trace (busy time per top-level task name, per thread — the GPU process is where SwiftShader
 * draws WebGL on the CPU).
 */
import type { CDPSession, Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

const CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline', 'gpu', 'v8'].join(',');

/** Starts both recorders; the returned function stops them and prints the tables. */
export async function startProfile(page: Page, what: string): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  const trace = await startTrace(cdp);
  return async () => {
    console.log(`  profile of ${what}:`);
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
    printJs(profile);
    printTrace(await trace());
  };
}

function printJs(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    if (!n) return;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  console.log(`  page JS, self time over ${total.toFixed(0)} ms:`);
  for (const [k, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${k}`);
}

async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    events.push(...(e.value as unknown as TraceEvent[]));
  });
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.end');
    await done;
    return events;
  };
}

function printTrace(events: TraceEvent[]): void {
  const threads = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const busy = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    if (!['ThreadControllerImpl::RunTask', 'RunTask'].includes(e.name)) continue;
    const key = threads.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`;
    busy.set(key, (busy.get(key) ?? 0) + e.dur / 1000);
  }
  console.log('  busy time per thread (trace, top-level tasks):');
  for (const [k, ms] of [...busy.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${k}`);
  const named = new Map<string, number>();
  for (const e of events) if (e.ph === 'X' && e.dur !== undefined && e.dur > 1000) named.set(e.name, (named.get(e.name) ?? 0) + e.dur / 1000);
  console.log('  slices over 1 ms, total per name:');
  for (const [k, ms] of [...named.entries()].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${k}`);
}

/**
 * The cost of one full repaint of the map (draw calls issued, then `gl.finish()` waits for the GPU
 * process — SwiftShader), and the shader programs the first render had to compile (each one is compiled
 * and linked while the page waits: most of the first render's own time).
 */
export async function repaintCost(page: Page, rounds = 5): Promise<void> {
  const out = (await page.evaluate(`(async () => {
    const map = window.__cityMap.map;
    const gl = map.painter.context.gl;
    const once = async () => {
      const t0 = performance.now();
      const done = new Promise((r) => map.once('render', r));
      map.triggerRepaint();
      await done;
      gl.finish();
      return performance.now() - t0;
    };
    const xs = [];
    for (let i = 0; i < ${rounds}; i++) xs.push(await once());
    xs.sort((a, b) => a - b);
    const programs = [];
    for (const [name, byConfiguration] of map.painter.programCache?.programs ?? []) for (const key of byConfiguration.keys()) programs.push(name + (key ? ' ' + key : ''));
    return { ms: xs[Math.floor(xs.length / 2)], programs };
  })()`)) as { ms: number; programs: string[] };
  console.log(`  one full repaint (median of ${rounds}): ${out.ms.toFixed(1)} ms`);
  console.log(`  shader programs compiled (${out.programs.length}): ${out.programs.join(' | ')}`);
}
