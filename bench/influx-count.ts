/**
 * "Published → present in InfluxDB", measured the same way for every system: the bench polls a count of
 * the phase's time range while the phase runs and until the count stops growing.
 */
import { percentile } from './lib.js';

export async function countPoints(url: string, db: string, from: number, to: number): Promise<number> {
  const q = `SELECT count("pressure_mpa") FROM "telemetry" WHERE time >= ${from}ms AND time < ${to}ms`;
  const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' }).toString()}`);
  if (!res.ok) throw new Error(`influx count: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { results?: Array<{ series?: Array<{ values?: unknown[][] }> }> };
  const v = body.results?.[0]?.series?.[0]?.values?.[0]?.[1];
  return typeof v === 'number' ? v : 0;
}

export interface PresenceSample {
  t: number;
  count: number;
}

/** Polls the count every `everyMs` until `stop()`; then polls until it has not grown for `quietMs`. */
export function watchPresence(url: string, db: string, from: number, to: number, everyMs = 500) {
  const samples: PresenceSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const count = await countPoints(url, db, from, to).catch(() => samples.at(-1)?.count ?? 0);
      samples.push({ t: performance.now(), count });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    samples,
    /**
     * Waits until `expected` are present, or the count has not grown for `quietMs` (at most `maxMs`), then
     * stops. `maxMs` bounds only a count still growing: a peer draining a backlog its broker acknowledged
     * (Node-RED behind Mosquitto) is waited for, so the next phase does not queue behind it.
     */
    async settle(expected: number, quietMs = 5000, maxMs = 180_000): Promise<{ present: number; lastGrowth: number }> {
      const start = performance.now();
      for (;;) {
        await new Promise((r) => setTimeout(r, everyMs));
        const last = samples.at(-1);
        if (last && last.count >= expected) break;
        if (last && performance.now() - lastGrowth(samples) >= quietMs) break;
        if (performance.now() - start > maxMs) break;
      }
      running = false;
      await loop;
      return { present: samples.at(-1)?.count ?? 0, lastGrowth: lastGrowth(samples) };
    },
  };
}

function lastGrowth(samples: PresenceSample[]): number {
  for (let i = samples.length - 1; i > 0; i--) if (samples[i]!.count > samples[i - 1]!.count) return samples[i]!.t;
  return samples[0]?.t ?? performance.now();
}

/**
 * p50/p99 of publish → present, assuming readings become visible in publish order: the k-th published
 * reading is present at the first sample whose count exceeds k. Resolution: the polling period.
 */
export function presenceLatency(publishedAt: Float64Array, samples: PresenceSample[]): { p50: number; p99: number } {
  const lat: number[] = [];
  let s = 0;
  for (let k = 0; k < publishedAt.length; k++) {
    while (s < samples.length && samples[s]!.count <= k) s++;
    if (s >= samples.length) break;
    lat.push(Math.max(0, samples[s]!.t - publishedAt[k]!));
  }
  const sorted = Float64Array.from(lat).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}
