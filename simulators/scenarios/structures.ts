/**
 * Scenarios on structures and devices: elevator-entrapment, bridge-overload, device-silent, bad-firmware.
 * Seeded values sit inside the default pack's bands (docs/rules.md); bad-firmware breaks the firmware
 * contract (docs/contracts.md "Violation codes") on purpose.
 */
import { ANCHORS, kit } from './script-kit.js';
import type { ScenarioDefinition, Step } from './types.js';

const STEP_MS = 350;

export const elevatorEntrapment: ScenarioDefinition = {
  name: 'elevator-entrapment',
  description: 'a car stops between floors and reports `trapped`: elevator.events red; the other car of the building stays quiet',
  build(seed, runId) {
    const k = kit('elevator-entrapment', seed, runId);
    const building = `building-${seed}-${runId}`;
    const here = k.near(ANCHORS.licang, 0, 0, 300);
    const car = k.device(k.id('lift', 1), 'elevator', here, 'Car A', [], building);
    const other = k.device(k.id('lift', 2), 'elevator', { lon: here.lon + 0.00005, lat: here.lat }, 'Car B', [], building);
    const floor = Math.floor(k.pick(3, 20, 0));
    const steps: Step[] = [
      { at: 0, device: car.id, type: 'telemetry', seq: 0, metrics: { running: true, door_open: false, floor, speed_mps: 1.5, load_pct: k.pick(20, 60, 0) } },
      { at: 50, device: other.id, type: 'telemetry', seq: 0, metrics: { running: false, door_open: true, floor: 1 } },
      { at: STEP_MS, device: car.id, type: 'telemetry', seq: 1, metrics: { running: false, door_open: false, floor, speed_mps: 0 } },
      { at: 2 * STEP_MS, device: car.id, type: 'event', event: 'trapped', data: { floor, passengers: Math.floor(k.pick(1, 5, 0)) } },
      { at: 2 * STEP_MS + 50, device: other.id, type: 'telemetry', seq: 1, metrics: { running: true, door_open: false, floor: 2 } },
    ];
    return {
      name: 'elevator-entrapment', seed, runId, description: elevatorEntrapment.description, devices: [car, other], steps,
      expect: [{ type: 'alert', ruleId: 'elevator.events', device: car.id, severity: 'red' }],
    };
  },
};

export const bridgeOverload: ScenarioDefinition = {
  name: 'bridge-overload',
  description: 'strain on one gauge climbs past 90 % of its design limit (strain_ue_limit tag): bridge.strain orange',
  build(seed, runId) {
    const k = kit('bridge-overload', seed, runId);
    const bridge = `bridge-${seed}-${runId}`;
    const limit = Math.round(k.pick(800, 1500, 0));
    const tags = [`strain_ue_limit=${limit}`];
    const gauge = k.device(k.id('bridge', 1), 'bridge', k.near(ANCHORS.chengyang, 0, 0, 300), 'Midspan gauge', tags, bridge);
    const pier = k.device(k.id('bridge', 2), 'bridge', k.near(ANCHORS.chengyang, 0, 0, 300), 'Pier gauge', tags, bridge);
    // Fractions of the limit: 30 % (quiet), then inside blue (≥ 60), yellow (≥ 75) and orange (≥ 90, < 100).
    const fractions = [k.pick(0.25, 0.35), k.pick(0.63, 0.72), k.pick(0.78, 0.87), k.pick(0.92, 0.97)];
    const steps: Step[] = [];
    fractions.forEach((f, i) => {
      steps.push({ at: i * STEP_MS, device: gauge.id, type: 'telemetry', seq: i, metrics: { strain_ue: Math.round(f * limit), displacement_mm: k.pick(2, 20, 1) } });
      steps.push({ at: i * STEP_MS + 50, device: pier.id, type: 'telemetry', seq: i, metrics: { strain_ue: Math.round(k.pick(0.1, 0.4) * limit), displacement_mm: k.pick(1, 5, 1) } });
    });
    return {
      name: 'bridge-overload', seed, runId, description: bridgeOverload.description, devices: [gauge, pier], steps,
      expect: [{ type: 'alert', ruleId: 'bridge.strain', device: gauge.id, severity: 'orange', firings: 3 }],
    };
  },
};

/** Fast deadman: 3 × 500 ms of silence (device tag `interval_ms=500`) instead of 3 × the contract's minute. */
const FAST_INTERVAL_MS = 500;

export const deviceSilent: ScenarioDefinition = {
  name: 'device-silent',
  description: `a gas detector stops reporting (interval_ms=${FAST_INTERVAL_MS} tag, still connected): device.offline yellow`,
  build(seed, runId) {
    const k = kit('device-silent', seed, runId);
    const d = k.device(k.id('silent', 1), 'gas', k.near(ANCHORS.jimo, 0, 0, 300), 'Detector (goes quiet)', [`interval_ms=${FAST_INTERVAL_MS}`]);
    const steps: Step[] = [0, 1, 2].map((i) => ({ at: i * 300, device: d.id, type: 'telemetry', seq: i, metrics: { ch4_lel: k.pick(0, 3, 1) } }));
    steps.push({ at: 900, device: d.id, type: 'silence' });
    return {
      name: 'device-silent', seed, runId, description: deviceSilent.description, devices: [d], steps,
      expect: [{ type: 'alert', ruleId: 'device.offline', device: d.id, severity: 'yellow' }],
    };
  },
};

export const badFirmware: ScenarioDefinition = {
  name: 'bad-firmware',
  description: 'malformed JSON, unknown metric, out-of-range value, future timestamp: the matching violations, no alert, still online',
  build(seed, runId) {
    const k = kit('bad-firmware', seed, runId);
    const d = k.device(k.id('fw', 1), 'gas', k.near(ANCHORS.huangdao, 0, 0, 300), 'Detector on beta firmware', []);
    const ok = () => k.pick(0.5, 3, 1);
    // The rejected samples carry alarming values: if the platform stored one, an alert would show it.
    const steps: Step[] = [
      { at: 0, device: d.id, type: 'telemetry', seq: 0, metrics: { ch4_lel: ok() } },
      { at: STEP_MS, device: d.id, type: 'raw', channel: 'telemetry', payload: `{"seq": 1, "metrics": {"ch4_lel": ${ok()}`, note: 'truncated JSON' },
      { at: 2 * STEP_MS, device: d.id, type: 'raw', channel: 'telemetry', payload: JSON.stringify({ seq: 2, metrics: { ch4_lel: k.pick(30, 45, 1), co_ppm: k.pick(1, 9, 0) } }), note: 'metric co_ppm is not in the gas contract' },
      { at: 3 * STEP_MS, device: d.id, type: 'raw', channel: 'telemetry', payload: JSON.stringify({ seq: 3, metrics: { ch4_lel: k.pick(101, 250, 0) } }), note: 'ch4_lel above 100 %LEL' },
      { at: 4 * STEP_MS, device: d.id, type: 'telemetry', seq: 4, tsOffsetMs: Math.round(k.pick(10, 30, 0)) * 60_000, metrics: { ch4_lel: k.pick(55, 80, 1) }, note: 'ts minutes ahead: the clock was never set (NTP)' },
      { at: 5 * STEP_MS, device: d.id, type: 'telemetry', seq: 5, metrics: { ch4_lel: ok() } },
    ];
    return {
      name: 'bad-firmware', seed, runId, description: badFirmware.description, devices: [d], steps,
      expect: [
        { type: 'violation', device: d.id, code: 'MALFORMED_JSON' },
        { type: 'violation', device: d.id, code: 'UNKNOWN_METRIC' },
        { type: 'violation', device: d.id, code: 'OUT_OF_RANGE' },
        { type: 'violation', device: d.id, code: 'FUTURE_TIMESTAMP' },
        { type: 'online', device: d.id },
      ],
    };
  },
};
