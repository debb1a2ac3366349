/**
 * Signal models per device kind: the metrics a healthy device of that kind reports at time t, as a pure
 * function of (kind, device seed, environment). No state is kept between samples — a device's character
 * (its base pressure, its building's floors, its bridge's dead load) comes from its seed, and its noise
 * from counter-based hashes of (seed, time) — so the same `--seed` replays the same city.
 *
 * Values stay inside the firmware contract's physical ranges (docs/contracts.md); `clampToContract` is the
 * last guard (a real sensor saturates at its span, it does not report beyond it).
 */
import { getContract, type DeviceKind, type KindContract } from '../firmware-contracts/index.js';
import { smoothNoise, type Environment } from './environment.js';
import { signedHash, unitHash } from './random.js';

export type Metrics = Record<string, number | boolean>;

/** Every DeviceKind has a contract; undefined would mean firmware-contracts lost one. */
function contract(kind: DeviceKind): KindContract {
  const c = getContract(kind);
  if (c === undefined) throw new RangeError(`no firmware contract for kind ${kind}`);
  return c;
}

const MIN_MS = 60_000;
const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
/** A per-device constant in [lo, hi) (key selects which trait). */
const trait = (seed: number, key: number, lo: number, hi: number): number => lo + (hi - lo) * unitHash(seed, 0x7a17, key);
/** Fast white noise in [-1, 1) for this device at this second. */
const white = (seed: number, key: number, t: number): number => signedHash(seed, key, Math.floor(t / 1000));

/** Methane next to gas mains: near zero (sensor offset and drift), GB/T 50493 alarms start at 10 %LEL. */
function gas(seed: number, env: Environment): Metrics {
  const t = env.t;
  const lowPressure = unitHash(seed, 1) < 0.6; // distribution mains (kPa) vs medium-pressure (hundreds of kPa)
  const base = lowPressure ? trait(seed, 2, 2, 5) : trait(seed, 2, 150, 350);
  return {
    ch4_lel: Math.max(0, 0.3 + 0.25 * smoothNoise(seed, 3, t, 20 * MIN_MS) + 0.15 * white(seed, 4, t)),
    pressure_kpa: base * (1 - 0.04 * env.waterDemand) + base * 0.005 * white(seed, 5, t),
    // Underground spaces follow the air slowly and damped.
    temp_c: 12 + 0.45 * (env.outdoorTempC - 12) + 0.3 * white(seed, 6, t),
    humidity_pct: Math.min(99, trait(seed, 7, 70, 92) + 5 * Math.min(1, env.recentRainMm / 10) + white(seed, 8, t)),
  };
}

/** Supply pressure falls as demand rises (head loss), so night pressure is the highest of the day. */
function water(seed: number, env: Environment): Metrics {
  const t = env.t;
  const staticHead = trait(seed, 1, 0.3, 0.5);
  const loss = trait(seed, 2, 0.08, 0.16);
  const nominalFlow = trait(seed, 3, 40, 900);
  return {
    pressure_mpa: staticHead - loss * env.waterDemand + 0.004 * white(seed, 4, t),
    flow_m3h: nominalFlow * env.waterDemand * (1 + 0.03 * white(seed, 5, t)),
    leak_noise_db: trait(seed, 6, 22, 34) + 2 * white(seed, 7, t) + 3 * env.waterDemand,
    turbidity_ntu: trait(seed, 8, 0.1, 0.6) + 0.05 * Math.abs(white(seed, 9, t)),
  };
}

/**
 * Weather-compensated supply temperature: the colder outside, the hotter the supply (a typical heating
 * curve, 45 °C at +18 °C out to ~95 °C at -12 °C); outside the season the loop idles near ambient.
 */
function heat(seed: number, env: Environment): Metrics {
  const t = env.t;
  const cold = Math.max(0, 18 - env.outdoorTempC);
  const supplyP = trait(seed, 1, 0.55, 0.75);
  if (!env.heatingSeason) {
    const idle = 22 + 0.3 * env.outdoorTempC;
    return {
      supply_temp_c: idle + 0.3 * white(seed, 2, t),
      return_temp_c: idle - 1 + 0.3 * white(seed, 3, t),
      supply_pressure_mpa: supplyP - 0.1,
      return_pressure_mpa: supplyP - 0.15,
      flow_m3h: 0,
    };
  }
  const supply = Math.min(95, 45 + 1.65 * cold) + trait(seed, 4, -2, 2) + 0.4 * white(seed, 5, t);
  const deltaT = 6 + 0.35 * cold + 0.3 * white(seed, 6, t);
  return {
    supply_temp_c: supply,
    return_temp_c: supply - deltaT,
    supply_pressure_mpa: supplyP + 0.005 * white(seed, 7, t),
    return_pressure_mpa: supplyP - trait(seed, 8, 0.2, 0.3) + 0.005 * white(seed, 9, t),
    flow_m3h: trait(seed, 10, 60, 320) * (0.7 + 0.3 * Math.min(1, cold / 25)),
  };
}

/** Depth answers recent rain (a catchment's response), with a dry-weather base flow. */
function drainage(seed: number, env: Environment, intervalMs: number): Metrics {
  const t = env.t;
  const level = trait(seed, 1, 0.05, 0.3) + trait(seed, 2, 0.015, 0.05) * env.recentRainMm + 0.005 * white(seed, 3, t);
  return {
    level_m: level,
    flow_m3s: Math.max(0, level * trait(seed, 4, 0.3, 1.2)),
    cover_open: false,
    rain_mm: (env.rainMmH * intervalMs) / 3_600_000,
  };
}

/** Trip slot length: a ride plus door times, ~25 s (a busy residential lift). */
const TRIP_MS = 25_000;

/** Landing of trip `k`'s call: 1 … floors above ground, -1 … -basements below (there is no floor 0). */
function landing(seed: number, k: number, floors: number, basements: number): number {
  const i = Math.floor(unitHash(seed, 32, k) * (floors + basements));
  return i < basements ? -(i + 1) : i - basements + 1;
}

/**
 * The floor the car stands at after trip `k`. Idle trips leave it where the last busy trip (searched a
 * bounded way back) took it, so an idle car never jumps floors.
 */
function tripFloor(seed: number, k: number, floors: number, basements: number, busy: number): number {
  for (let j = k; j > k - 8; j--) {
    if (unitHash(seed, 31, j) <= busy) return landing(seed, j, floors, basements);
  }
  return 1;
}

/** Trips: doors open at a landing, close, the car runs (floor changing en route), doors open at the next. */
function elevator(seed: number, env: Environment): Metrics {
  const t = env.t;
  const floors = Math.floor(trait(seed, 1, 6, 34));
  const basements = Math.floor(trait(seed, 2, 0, 3));
  const rated = trait(seed, 3, 1, 2.5);
  const busy = 0.15 + 0.75 * Math.max(env.traffic, env.waterDemand); // people move when they use water
  const k = Math.floor(t / TRIP_MS);
  const phase = (t - k * TRIP_MS) / TRIP_MS;
  const from = tripFloor(seed, k - 1, floors, basements, busy);
  const to = tripFloor(seed, k, floors, basements, busy);
  const load = from === to ? 0 : 8 * Math.floor(1 + unitHash(seed, 33, k) * 10);
  if (from === to) return { running: false, door_open: false, floor: to, speed_mps: 0, load_pct: 0 };
  if (phase < 0.2) return { running: false, door_open: true, floor: from, speed_mps: 0, load_pct: load };
  if (phase < 0.3) return { running: false, door_open: false, floor: from, speed_mps: 0, load_pct: load };
  if (phase < 0.85) {
    const p = (phase - 0.3) / 0.55;
    const passing = Math.round(from + (to - from) * p);
    return {
      running: true,
      door_open: false,
      floor: passing === 0 ? (to > from ? 1 : -1) : passing, // no floor 0 between B1 and 1
      speed_mps: rated * Math.sin(Math.PI * p),
      load_pct: load,
    };
  }
  return { running: false, door_open: true, floor: to, speed_mps: 0, load_pct: load };
}

/** Strain = dead load + live load (traffic, with heavy-vehicle spikes) + thermal; deflection follows. */
function bridge(seed: number, env: Environment): Metrics {
  const t = env.t;
  const sign = unitHash(seed, 1) < 0.7 ? 1 : -1; // gauges on top flanges read compression
  const dead = trait(seed, 2, 150, 400);
  const live = trait(seed, 3, 60, 220);
  const truck = unitHash(seed, 4, Math.floor(t / 5000)) < 0.05 * env.traffic ? 1.8 : 1; // a heavy vehicle on the span
  const liveNow = live * env.traffic * truck * (0.7 + 0.3 * unitHash(seed, 5, Math.floor(t / 1000)));
  const structureT = env.outdoorTempC + 4 * Math.max(0, Math.sin((Math.PI * (env.hour - 8)) / 12));
  return {
    strain_ue: sign * (dead + liveNow) + 3.5 * (structureT - 15) + 2 * white(seed, 6, t),
    displacement_mm: -trait(seed, 7, 4, 25) * (liveNow / live) + 0.25 * (structureT - 15) + 0.1 * white(seed, 8, t),
    accel_mg: (5 + 40 * env.traffic * truck) * white(seed, 9, t),
    tilt_deg: trait(seed, 10, -0.05, 0.05) + 0.002 * (structureT - 15),
    crack_mm: trait(seed, 11, 0.05, 0.3) + 0.002 * Math.max(0, 15 - structureT),
    temp_c: structureT + 0.2 * white(seed, 12, t),
  };
}

/** Decimals a real device would send, per metric (keeps payloads small and plausible). */
const DIGITS: Record<string, number> = {
  ch4_lel: 2, pressure_kpa: 2, pressure_mpa: 4, supply_pressure_mpa: 3, return_pressure_mpa: 3,
  flow_m3h: 1, flow_m3s: 3, level_m: 3, rain_mm: 2, strain_ue: 1, displacement_mm: 2, accel_mg: 1,
  tilt_deg: 4, crack_mm: 3, speed_mps: 2,
};

/** Rounds and saturates every metric at the contract's span; integers rounded, non-finite pinned to min. */
export function clampToContract(kind: DeviceKind, metrics: Metrics): Metrics {
  for (const spec of contract(kind).metrics) {
    const v = metrics[spec.name];
    if (typeof v !== 'number') continue;
    const lo = spec.min ?? -Infinity;
    const hi = spec.max ?? Infinity;
    let x = Number.isFinite(v) ? v : Number.isFinite(lo) ? lo : 0;
    x = spec.type === 'integer' ? Math.round(x) : round(x, DIGITS[spec.name] ?? 1);
    metrics[spec.name] = Math.min(hi, Math.max(lo, x));
  }
  return metrics;
}

/**
 * The metrics a device of `kind` with `seed` reports in `env`. `intervalMs` is the device's reporting
 * interval (rain is reported as mm since the previous sample).
 */
export function sampleMetrics(kind: DeviceKind, seed: number, env: Environment, intervalMs = contract(kind).intervalMs): Metrics {
  switch (kind) {
    case 'gas':
      return clampToContract(kind, gas(seed, env));
    case 'water':
      return clampToContract(kind, water(seed, env));
    case 'heat':
      return clampToContract(kind, heat(seed, env));
    case 'drainage':
      return clampToContract(kind, drainage(seed, env, intervalMs));
    case 'elevator':
      return clampToContract(kind, elevator(seed, env));
    case 'bridge':
      return clampToContract(kind, bridge(seed, env));
  }
}

/** The contract's interval for this moment: drainage reports fast in rain (docs/contracts.md fast mode). */
export function reportingIntervalMs(kind: DeviceKind, env: Environment): number {
  const c = contract(kind);
  if (kind === 'drainage' && env.rainMmH >= 0.5 && c.alarmIntervalMs !== undefined) return c.alarmIntervalMs;
  return c.intervalMs;
}
