/**
 * Planning benchmark (issue #4 part 9): coverage of Qingdao's four urban-core districts at 20 m spacing,
 * and checking a new intent against 1,000 active intents, indexed vs a linear scan.
 * Run: node --import tsx bench/planning.ts
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  IntentBook,
  LocalPlane,
  PRIORITY,
  checkPath,
  conflicts,
  createAirspace,
  operationAreasFromDistricts,
  planCoverageParts,
  type GeoArea,
  type Intent,
} from '../drone-ops/index.js';

interface DistrictFeature {
  properties: { id: string; name_en: string; urban_core: boolean };
  geometry: GeoArea;
}
const fc = JSON.parse(readFileSync(new URL('../device-registry/city/qingdao-districts.geojson', import.meta.url), 'utf8')) as {
  features: DistrictFeature[];
};

function coverage(): void {
  const airspace = createAirspace({ operationAreas: operationAreasFromDistricts(fc) });
  console.log('coverage at 20 m spacing, 0° grid, 60 m (each polygon part planned on its own)');
  console.log('district    parts  transects  waypoints  first-call ms  warm ms (median of 5)  check ms  check');
  for (const f of fc.features.filter((x) => x.properties.urban_core)) {
    const times: number[] = [];
    const c0 = performance.now();
    let routes = planCoverageParts(f.geometry, { spacingM: 20, angleDeg: 0, altM: 60 });
    const coldMs = performance.now() - c0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      routes = planCoverageParts(f.geometry, { spacingM: 20, angleDeg: 0, altM: 60 });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const t1 = performance.now();
    const checks = routes.map((r) => checkPath(airspace, r.points, { at: 0, durationMs: 0, fenceId: f.properties.id }));
    const checkMs = performance.now() - t1;
    const bad = checks.reduce((n, c) => n + (c.ok ? 0 : c.violations.length), 0);
    const transects = routes.reduce((n, r) => n + (r.transects?.length ?? 0), 0);
    const wps = routes.reduce((n, r) => n + r.points.length, 0);
    console.log(
      `${f.properties.name_en.padEnd(10)}  ${String(routes.length).padStart(5)}  ${String(transects).padStart(9)}  ${String(wps).padStart(9)}  ${coldMs.toFixed(1).padStart(13)}  ${(times[2] ?? 0).toFixed(1).padStart(21)}  ${checkMs.toFixed(1).padStart(8)}  ${bad === 0 ? 'all legs inside' : `${bad} violations`}`,
    );
  }
}

/** Deterministic PRNG (mulberry32) so both runs see the same intents. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const plane = new LocalPlane({ lon: 120.38, lat: 36.1 });
const DAY = 86_400_000;

function randomIntent(r: () => number, id: string, priority: number): Intent {
  // A square-ish sortie footprint of 300–1,500 m somewhere in a 30 × 30 km city, 20–60 min in a day.
  const cx = (r() - 0.5) * 30_000;
  const cy = (r() - 0.5) * 30_000;
  const h = 150 + r() * 600;
  const ring = [
    [cx - h, cy - h],
    [cx + h, cy - h],
    [cx + h, cy + h],
    [cx - h, cy + h],
    [cx - h, cy - h],
  ].map(([x, y]) => {
    const g = plane.toLonLat({ x: x ?? 0, y: y ?? 0 });
    return [g.lon, g.lat];
  });
  const start = Math.floor(r() * DAY);
  const floor = Math.floor(r() * 3) * 40;
  return {
    id,
    priority,
    volumes: [{ footprint: { type: 'Polygon', coordinates: [ring] }, floorM: floor, ceilingM: floor + 60, startMs: start, endMs: start + (20 + r() * 40) * 60_000 }],
  };
}

function stats(us: number[]): string {
  const s = [...us].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const p99 = s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
  return `mean ${mean.toFixed(1)} µs, p99 ${p99.toFixed(1)} µs`;
}

function deconfliction(): void {
  const r = rng(42);
  const active: Intent[] = [];
  const indexed = new IntentBook();
  const linear = new IntentBook({ index: false });
  while (indexed.size < 1000) {
    const it = randomIntent(r, `a${active.length}`, PRIORITY.patrol);
    if (indexed.checkAndCommit(it).ok) {
      linear.checkAndCommit(it);
      active.push(it);
    }
  }
  const probes = Array.from({ length: 2000 }, (_, i) => randomIntent(r, `p${i}`, PRIORITY.patrol));
  const run = (fn: (p: Intent) => number): { us: number[]; hits: number } => {
    for (const p of probes.slice(0, 200)) fn(p); // warm-up
    const us: number[] = [];
    let hits = 0;
    for (const p of probes) {
      const t0 = performance.now();
      hits += fn(p);
      us.push((performance.now() - t0) * 1000);
    }
    return { us, hits };
  };
  const a = run((p) => indexed.findConflicts(p).length);
  const b = run((p) => linear.findConflicts(p).length);
  const c = run((p) => active.filter((x) => conflicts(p, x)).length);
  console.log(`\nconflict check of a new intent against ${indexed.size} active intents (${probes.length} probes)`);
  console.log(`grid index (1 km cells):          ${stats(a.us)}  conflicts found ${a.hits}`);
  console.log(`baseline linear scan (prepared):  ${stats(b.us)}  conflicts found ${b.hits}`);
  console.log(`baseline naive pairwise conflicts: ${stats(c.us)}  conflicts found ${c.hits}`);
  const d = run((p) => {
    const res = indexed.checkAndCommit({ ...p, id: 'probe' });
    indexed.remove('probe');
    return res.ok ? 0 : 1;
  });
  console.log(`checkAndCommit (+ next free slot): ${stats(d.us)}`);
}

coverage();
deconfliction();
