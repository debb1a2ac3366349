/** bench:ingest's output: one block per run, then medians of the alternated runs and their ratios. */
import type { PhaseResult } from './ingest-load.js';

export interface PhaseSummary {
  gen: PhaseResult;
  /** Readings present in the store after the phase (for the relay: delivered to the subscriber). */
  present: number;
  storedPerSecond: number;
  /** publish → present, ms (InfluxDB polled every 0.5 s; for the embedded store: publish → PUBACK). */
  visibleP50: number;
  visibleP99: number;
  /** Where the machine's CPU went during the phase (generator, system under test, InfluxDB), one line. */
  cpu?: string;
}

export interface RunResult {
  sat: PhaseSummary;
  fixed?: PhaseSummary;
  note?: string | undefined;
  /** Platform process CPU (user + system) per acknowledged reading over both phases, µs. */
  cpuPerReading?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ms = (x: number): string => (Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`) : '—');
const n = (x: number): string => Math.round(x).toLocaleString('en-US');

function phaseLine(label: string, p: PhaseSummary): string {
  const lost = p.present >= 0 ? p.gen.acked - p.present : NaN;
  return (
    `    ${label.padEnd(11)} stored ${n(p.storedPerSecond).padStart(7)}/s   PUBACK p50 ${ms(p.gen.p50).padStart(7)} p99 ${ms(p.gen.p99).padStart(7)}` +
    `   present p50 ${ms(p.visibleP50).padStart(7)} p99 ${ms(p.visibleP99).padStart(7)}   acked ${n(p.gen.acked)}/${n(p.gen.sent)}` +
    `${p.gen.skipped ? ` (+${n(p.gen.skipped)} not sent: backlog)` : ''}   present ${p.present >= 0 ? n(p.present) : '?'}   lost ${Number.isFinite(lost) ? n(Math.max(0, lost)) : '?'}`
  );
}

export const report = {
  run(system: string, round: number, r: RunResult, rate: number): void {
    console.log(`  round ${round} · ${system}${r.note ? ` · ${r.note}` : ''}`);
    console.log(phaseLine('saturation', r.sat));
    if (r.sat.cpu) console.log(`                CPU ${r.sat.cpu}`);
    if (r.fixed) console.log(phaseLine(`${rate}/s`, r.fixed));
  },

  summary(results: Record<string, RunResult[]>, rate: number): void {
    console.log('\nmedians of the alternated runs');
    console.log('  system               saturated stored/s   at fixed rate: stored/s   PUBACK p99   present p99   lost (sum)');
    for (const [s, runs] of Object.entries(results)) {
      const fixed = runs.map((r) => r.fixed).filter((f): f is PhaseSummary => f !== undefined);
      const lost = runs.flatMap((r) => [r.sat, ...(r.fixed ? [r.fixed] : [])]).reduce((a, p) => a + (p.present >= 0 ? Math.max(0, p.gen.acked - p.present) : 0), 0);
      console.log(
        `  ${s.padEnd(20)} ${n(median(runs.map((r) => r.sat.storedPerSecond))).padStart(18)}   ${fixed.length ? n(median(fixed.map((f) => f.storedPerSecond))).padStart(22) : '—'.padStart(22)}` +
          `   ${fixed.length ? ms(median(fixed.map((f) => f.gen.p99))).padStart(10) : '—'.padStart(10)}   ${fixed.length ? ms(median(fixed.map((f) => f.visibleP99))).padStart(11) : '—'.padStart(11)}   ${s === 'mosquitto' ? 'n/a (relay)' : n(lost)}`,
      );
    }
    const ratio = (a: string, b: string, f: (r: RunResult) => number): string => {
      const A = results[a];
      const B = results[b];
      if (!A || !B) return '—';
      const rs = A.map((r, i) => (B[i] ? f(r) / f(B[i]) : NaN));
      return `${median(rs).toFixed(2)} (per round: ${rs.map((x) => x.toFixed(2)).join(', ')})`;
    };
    const sat = (r: RunResult): number => r.sat.storedPerSecond;
    const fix = (r: RunResult): number => r.fixed?.storedPerSecond ?? NaN;
    console.log('\nmedian ratios (same round)');
    console.log(`  saturated stored/s, citybrain→InfluxDB ÷ Node-RED peer:          ${ratio('citybrain-influx', 'node-red', sat)}`);
    console.log(`  stored/s at ${rate}/s offered, citybrain→InfluxDB ÷ Node-RED:   ${ratio('citybrain-influx', 'node-red', fix)}`);
    console.log(`  p99 publish→present at ${rate}/s, citybrain ÷ Node-RED:          ${ratio('citybrain-influx', 'node-red', (r) => r.fixed?.visibleP99 ?? NaN)}`);
    console.log(`  saturated stored/s, citybrain→InfluxDB ÷ Mosquitto bare relay:  ${ratio('citybrain-influx', 'mosquitto', sat)}`);
    console.log(`  saturated stored/s, citybrain→SQLite ÷ Mosquitto bare relay:    ${ratio('citybrain-embedded', 'mosquitto', sat)}`);
    if (results.cluster2) {
      console.log(`  saturated stored/s, two broker processes (cluster) ÷ one:        ${ratio('cluster2', 'citybrain-influx', sat)}`);
      console.log(`  CPU per reading, two broker processes + Redis ÷ one process:     ${ratio('cluster2', 'citybrain-influx', (r) => r.cpuPerReading ?? NaN)}`);
    }
    // Write threads against the main thread: citybrain-main when it ran, else the default (before it had a thread).
    const threads = results['citybrain-threads'] ? 'citybrain-threads' : 'citybrain-influx';
    const main = results['citybrain-main'] ? 'citybrain-main' : 'citybrain-influx';
    if (threads !== main) {
      console.log(`  saturated stored/s, ${threads} ÷ ${main}:  ${ratio(threads, main, sat)}`);
      console.log(`  stored/s at ${rate}/s offered, ${threads} ÷ ${main}:  ${ratio(threads, main, fix)}`);
      console.log(`  CPU per reading, ${threads} ÷ ${main}:  ${ratio(threads, main, (r) => r.cpuPerReading ?? NaN)}`);
    }
    if (results.baseline) {
      console.log(`  saturated stored/s, citybrain→InfluxDB ÷ baseline checkout:      ${ratio('citybrain-influx', 'baseline', sat)}`);
      console.log(`  platform CPU per reading, citybrain→InfluxDB ÷ baseline:         ${ratio('citybrain-influx', 'baseline', (r) => r.cpuPerReading ?? NaN)}`);
    }
    for (const s of ['citybrain-influx', 'citybrain-threads', 'citybrain-main', 'citybrain-embedded', 'baseline', 'cluster2']) {
      const runs = results[s];
      if (!runs) continue;
      const p99s = runs.map((r) => r.fixed?.gen.p99 ?? NaN);
      console.log(`  ${s}: p99 publish→durable at ${rate}/s per run: ${p99s.map(ms).join(', ')} (${p99s.filter((x) => x < 100).length} of ${p99s.length} under 100 ms)`);
    }
  },
};
