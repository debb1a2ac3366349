/**
 * Loaded into the platform process by bench:ingest (`node --import ./bench/gc-probe.ts`): sums garbage
 * collection pauses (perf_hooks 'gc' entries) and prints them beside the process's CPU time at exit, so
 * the bench can report GC as a share of busy time.
 */
import { writeSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

let gcMs = 0;
let collections = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    collections += 1;
  }
}).observe({ entryTypes: ['gc'] });

process.on('exit', () => {
  const cpu = process.cpuUsage();
  writeSync(2, `GC-PROBE ${JSON.stringify({ gcMs, collections, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
});
