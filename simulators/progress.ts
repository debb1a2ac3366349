/** Progress of a running fleet: per-second rates from cumulative counters, and the console line. */
import type { DeviceCounters } from './device-client.js';

export interface FleetProgress {
  elapsedMs: number;
  /** Devices this fleet runs. */
  target: number;
  /** Connections open now. */
  connected: number;
  /** New CONNACKs per second over the last period. */
  connectsPerSec: number;
  /** Acknowledged readings per second over the last period. */
  readingsPerSec: number;
  sent: number;
  acked: number;
  errors: number;
  /** Errors by message, most frequent first in the summary. */
  errorKinds: Record<string, number>;
  commands: number;
  /** Readings skipped because the device had 100 unacknowledged already. */
  dropped: number;
  processes: number;
}

export interface FleetSummary extends FleetProgress {
  peakConnectsPerSec: number;
  peakReadingsPerSec: number;
  /** Acknowledged readings per second over the whole run. */
  meanReadingsPerSec: number;
}

/** Sums counters (of several devices' or processes' counters). */
export function sumCounters(list: readonly DeviceCounters[]): DeviceCounters {
  const total: DeviceCounters = { connected: 0, connects: 0, sent: 0, acked: 0, errors: 0, commands: 0, dropped: 0, errorKinds: {} };
  for (const c of list) {
    total.dropped += c.dropped;
    for (const [k, n] of Object.entries(c.errorKinds)) total.errorKinds[k] = (total.errorKinds[k] ?? 0) + n;
    total.connected += c.connected;
    total.connects += c.connects;
    total.sent += c.sent;
    total.acked += c.acked;
    total.errors += c.errors;
    total.commands += c.commands;
  }
  return total;
}

/** Turns cumulative counters into rates each time it is sampled. */
export class ProgressMeter {
  private last: { at: number; connects: number; acked: number };
  private peakConnects = 0;
  private peakReadings = 0;
  private current: FleetProgress;

  constructor(
    private readonly read: () => DeviceCounters,
    private readonly target: number,
    private readonly processes: number,
    private readonly start = Date.now(),
  ) {
    this.last = { at: start, connects: 0, acked: 0 };
    this.current = this.build(read(), start, 0, 0);
  }

  /** Samples now: rates cover the time since the previous sample. */
  sample(now = Date.now()): FleetProgress {
    const c = this.read();
    const dt = Math.max(1, now - this.last.at) / 1000;
    const connectsPerSec = (c.connects - this.last.connects) / dt;
    const readingsPerSec = (c.acked - this.last.acked) / dt;
    this.peakConnects = Math.max(this.peakConnects, connectsPerSec);
    this.peakReadings = Math.max(this.peakReadings, readingsPerSec);
    this.last = { at: now, connects: c.connects, acked: c.acked };
    this.current = this.build(c, now, connectsPerSec, readingsPerSec);
    return this.current;
  }

  /** The latest sample (without taking a new one). */
  latest(): FleetProgress {
    return this.current;
  }

  summary(now = Date.now()): FleetSummary {
    const p = this.sample(now);
    return {
      ...p,
      peakConnectsPerSec: this.peakConnects,
      peakReadingsPerSec: this.peakReadings,
      meanReadingsPerSec: p.acked / Math.max(0.001, (now - this.start) / 1000),
    };
  }

  private build(c: DeviceCounters, now: number, connectsPerSec: number, readingsPerSec: number): FleetProgress {
    return {
      elapsedMs: now - this.start,
      target: this.target,
      connected: c.connected,
      connectsPerSec,
      readingsPerSec,
      sent: c.sent,
      acked: c.acked,
      errors: c.errors,
      errorKinds: { ...c.errorKinds },
      commands: c.commands,
      dropped: c.dropped,
      processes: this.processes,
    };
  }
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** `[  12s] connected 4,500/10,000 (+500/s)  readings 1,234/s  sent 12,345  acked 12,300  errors 0  commands 0` */
export function formatProgress(p: FleetProgress): string {
  const secs = `${Math.round(p.elapsedMs / 1000)}s`.padStart(5);
  return `[${secs}] connected ${n(p.connected)}/${n(p.target)} (+${n(p.connectsPerSec)}/s)  readings ${n(p.readingsPerSec)}/s  ` +
    `sent ${n(p.sent)}  acked ${n(p.acked)}  errors ${n(p.errors)}  commands ${n(p.commands)}` +
    (p.dropped > 0 ? `  dropped ${n(p.dropped)}` : '') +
    (p.processes > 1 ? `  (${p.processes} processes)` : '');
}

export function formatSummary(s: FleetSummary): string[] {
  return [
    `ran ${(s.elapsedMs / 1000).toFixed(1)} s with ${n(s.target)} devices in ${s.processes} process(es)`,
    `peak ${n(s.peakConnectsPerSec)} connections/s, peak ${n(s.peakReadingsPerSec)} readings/s, mean ${n(s.meanReadingsPerSec)} readings/s`,
    `sent ${n(s.sent)}, acknowledged ${n(s.acked)}, errors ${n(s.errors)}, commands answered ${n(s.commands)}` +
      (s.dropped > 0 ? `, dropped ${n(s.dropped)} (platform behind)` : ''),
    ...Object.entries(s.errorKinds).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, c]) => `  ${n(c)} × ${k}`),
  ];
}
