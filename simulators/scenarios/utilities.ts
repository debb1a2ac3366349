/**
 * Scenarios on the underground networks: gas-leak, pipe-burst, waterlogging. Values are chosen (seeded)
 * well inside each severity band of the default pack (docs/rules.md), never on a boundary, so rounding
 * cannot change the outcome.
 */
import { ANCHORS, kit } from './script-kit.js';
import type { ScenarioDefinition, Step } from './types.js';

/** Gap between timeline steps: seconds, not the contract's minutes (time-compressed). */
const STEP_MS = 350;

export const gasLeak: ScenarioDefinition = {
  name: 'gas-leak',
  description: 'methane rising blue → yellow → orange in one valve well: ONE gas.ch4 alert upgraded in place to orange',
  build(seed, runId) {
    const k = kit('gas-leak', seed, runId);
    const well = k.device(k.id('gas', 1), 'gas', k.near(ANCHORS.shinan, 0, 0, 300), 'Valve well (leaking)', ['valve-well'], `gas-main-${seed}`);
    const next = k.device(k.id('gas', 2), 'gas', k.near(ANCHORS.shinan, 120, 40, 300), 'Valve well (neighbour)', ['valve-well'], `gas-main-${seed}`);
    // GB/T 50493 bands of gas.ch4: blue ≥ 10, yellow ≥ 20, orange ≥ 25, red ≥ 50 %LEL.
    const rising = [k.pick(0.5, 3, 1), k.pick(11, 18, 1), k.pick(21, 24, 1), k.pick(27, 40, 1)];
    const steps: Step[] = [];
    rising.forEach((v, i) => {
      steps.push({ at: i * STEP_MS, device: well.id, type: 'telemetry', seq: i, metrics: { ch4_lel: v, temp_c: 14 } });
      steps.push({ at: i * STEP_MS + 50, device: next.id, type: 'telemetry', seq: i, metrics: { ch4_lel: k.pick(0, 4, 1), temp_c: 14 } });
    });
    return {
      name: 'gas-leak', seed, runId, description: gasLeak.description, devices: [well, next], steps,
      // Blue, yellow, orange: three firings folded into ONE alert (upgraded in place, not three alerts).
      expect: [{ type: 'alert', ruleId: 'gas.ch4', device: well.id, severity: 'orange', firings: 3 }],
    };
  },
};

export const pipeBurst: ScenarioDefinition = {
  name: 'pipe-burst',
  description: 'five pressure sensors on one water main dropping fast: burst + drop alerts, ONE water.burst-area incident, orange',
  build(seed, runId) {
    const k = kit('pipe-burst', seed, runId);
    const main = `water-main-${seed}-${runId}`;
    // Sensors 120–180 m apart: all five within the correlation's 1 km of each other.
    let east = 0;
    const devices = [0, 1, 2, 3, 4].map((i) => {
      east += i === 0 ? 0 : k.pick(120, 180, 0);
      return k.device(k.id('water', i + 1), 'water', k.near(ANCHORS.shibei, east, 0, 20), `Pressure point ${i + 1}`, ['main'], main);
    });
    const steps: Step[] = [];
    // The rate rules need minutes of data: samples carry explicit times 150 s … 0 s before the timeline starts
    // (well inside the contract's 7-day stale limit), published a few hundred ms apart.
    devices.forEach((d, i) => {
      const base = k.pick(0.38, 0.45, 3);
      const drop = k.pick(0.18, 0.22, 3); // > 0.15 in 2 min: burst (orange); > 0.1 in 5 min: drop (yellow)
      const series: [number, number][] = [[-150_000, base], [-120_000, base - 0.004], [-30_000, base - drop], [0, base - drop - 0.004]];
      series.forEach(([ts, p], j) => {
        steps.push({ at: j * STEP_MS + i * 20, device: d.id, type: 'telemetry', seq: j, tsOffsetMs: ts, metrics: { pressure_mpa: Number(p.toFixed(3)) } });
      });
    });
    steps.sort((a, b) => a.at - b.at);
    return {
      name: 'pipe-burst', seed, runId, description: pipeBurst.description, devices, steps,
      expect: [
        ...devices.flatMap((d) => [
          { type: 'alert' as const, ruleId: 'water.pressure.burst', device: d.id, severity: 'orange' as const },
          { type: 'alert' as const, ruleId: 'water.pressure.drop', device: d.id, severity: 'yellow' as const },
        ]),
        { type: 'correlation', ruleId: 'water.burst-area', members: devices.map((d) => d.id), severity: 'orange' },
        { type: 'incident', devices: devices.map((d) => d.id), severity: 'orange' },
      ],
    };
  },
};

export const waterlogging: ScenarioDefinition = {
  name: 'waterlogging',
  description: 'rain over a district: four drain levels rise past 50/70/85/100 % of depth; a cover lifts while rising → red',
  build(seed, runId) {
    const k = kit('waterlogging', seed, runId);
    const line = `drain-line-${seed}-${runId}`;
    // Final fraction of each manhole's depth, inside the blue, yellow, orange and red bands of drainage.level.
    const bands: [number, number, 'blue' | 'yellow' | 'orange' | 'red'][] = [[0.55, 0.65, 'blue'], [0.74, 0.81, 'yellow'], [0.89, 0.96, 'orange'], [1.05, 1.2, 'red']];
    const manholes = bands.map(([lo, hi, severity], i) => {
      const depth = k.pick(1.5, 3, 1);
      const d = k.device(k.id('drain', i + 1), 'drainage', k.near(ANCHORS.laoshan, i * 150, 0, 30), `Manhole ${i + 1}`, [`depth_m=${depth}`], line);
      return { d, depth, final: k.pick(lo, hi, 3), severity };
    });
    const STEPS = 6;
    const steps: Step[] = [];
    for (let s = 0; s < STEPS; s++) {
      const rain = k.pick(4, 12, 1);
      manholes.forEach(({ d, depth, final }, i) => {
        // Monotone rise from 10 % of depth to the final fraction: the highest level is the last one.
        const level = depth * (0.1 + ((final - 0.1) * s) / (STEPS - 1));
        steps.push({ at: s * STEP_MS + i * 20, device: d.id, type: 'telemetry', seq: s, metrics: { level_m: Number(level.toFixed(3)), rain_mm: rain, cover_open: false } });
      });
    }
    const lifted = manholes[2]!.d;
    steps.push({ at: STEPS * STEP_MS, device: lifted.id, type: 'event', event: 'cover_open', data: { source: 'scenario' } });
    return {
      name: 'waterlogging', seed, runId, description: waterlogging.description, devices: manholes.map((m) => m.d), steps,
      expect: [
        ...manholes.map(({ d, severity }) => ({ type: 'alert' as const, ruleId: 'drainage.level', device: d.id, severity })),
        { type: 'alert', ruleId: 'drainage.cover-open-rising', device: lifted.id, severity: 'red' },
        { type: 'incident', devices: manholes.map((m) => m.d.id), severity: 'red' },
      ],
    };
  },
};
