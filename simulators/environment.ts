/**
 * The city's shared drivers at time t — outdoor temperature, rain, traffic, water demand — as pure
 * functions of (city seed, epoch ms). Every device model reads the same weather and the same rush hours,
 * so neighbouring sensors agree the way real ones do.
 *
 * Figures are plausible for Qingdao (UTC+8, coastal, warm-temperate monsoon): annual mean ≈ 12.7 °C,
 * coldest late January, warmest mid August, most rain in July–August.
 */
import { signedHash, unitHash } from './random.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** China Standard Time: Qingdao's local clock drives rush hours and demand. */
const UTC_OFFSET_MS = 8 * HOUR_MS;

export interface Environment {
  /** Epoch ms this describes. */
  t: number;
  /** Local hour of day, 0 ≤ h < 24. */
  hour: number;
  /** Day of the year, 0 … 365. */
  dayOfYear: number;
  outdoorTempC: number;
  /** Rain intensity now, mm/h. */
  rainMmH: number;
  /** Recent rain, mm, weighted towards the last hour (what fills drains). */
  recentRainMm: number;
  /** Road traffic on a 0 … 1 scale (1 = evening peak). */
  traffic: number;
  /** Water demand on a 0 … 1 scale (1 = morning / evening peak). */
  waterDemand: number;
  /** District heating runs (Qingdao: 15 November – 5 April). */
  heatingSeason: boolean;
}

/** Inputs a scenario may force, e.g. a storm over the city. */
export interface EnvironmentOverrides {
  rainMmH?: number;
  outdoorTempC?: number;
  traffic?: number;
}

const gauss = (x: number, mu: number, sigma: number): number => Math.exp(-((x - mu) ** 2) / (2 * sigma * sigma));

/** Value noise in [-1, 1]: smooth between integer slots (cosine interpolation). */
export function smoothNoise(seed: number, key: number, t: number, periodMs: number): number {
  const x = t / periodMs;
  const i = Math.floor(x);
  const f = (1 - Math.cos((x - i) * Math.PI)) / 2;
  return signedHash(seed, key, i) * (1 - f) + signedHash(seed, key, i + 1) * f;
}

function localHour(t: number): number {
  const ms = (((t + UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return ms / HOUR_MS;
}

function dayOfYear(t: number): number {
  const d = new Date(t + UTC_OFFSET_MS);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.floor((d.getTime() - start) / DAY_MS);
}

/** Annual cycle (coldest ≈ 25 January) + diurnal cycle (warmest ≈ 14:00) + a few days of weather. */
export function outdoorTemperature(seed: number, t: number): number {
  const annual = 12.7 - 12.5 * Math.cos((2 * Math.PI * (dayOfYear(t) - 25)) / 365);
  const diurnal = 3.5 * Math.cos((2 * Math.PI * (localHour(t) - 14)) / 24);
  return annual + diurnal + 3 * smoothNoise(seed, 11, t, 3 * DAY_MS);
}

/** Hourly rain: about one day in four is wet (more in summer); wet days have showers of 1–30 mm/h. */
export function rainIntensity(seed: number, t: number): number {
  const day = Math.floor((t + UTC_OFFSET_MS) / DAY_MS);
  const summer = gauss(dayOfYear(t), 205, 45);
  if (unitHash(seed, 21, day) > 0.2 + 0.3 * summer) return 0;
  const hour = Math.floor(t / HOUR_MS);
  const u = unitHash(seed, 22, hour);
  if (u < 0.55) return 0;
  const peak = 1 + 29 * unitHash(seed, 23, day) ** 2;
  return ((u - 0.55) / 0.45) * peak;
}

/** Rain of the last six hours, each hour weighted by exp(-age / 1.5 h): what a catchment still drains. */
function recentRain(seed: number, t: number): number {
  let mm = 0;
  for (let k = 0; k < 6; k++) mm += rainIntensity(seed, t - k * HOUR_MS) * Math.exp(-k / 1.5);
  return mm;
}

/** Commuter peaks at 08:00 and 18:00, a daytime plateau, quiet nights. */
export function trafficLevel(t: number): number {
  const h = localHour(t);
  const peaks = Math.max(gauss(h, 8, 1.2), gauss(h, 18, 1.5), 0.55 * gauss(h, 13, 3.5));
  return Math.min(1, 0.08 + 0.92 * peaks);
}

/** Residential demand: morning (07:30) and evening (19:30) peaks, minimum 02:00–05:00. */
export function waterDemandLevel(t: number): number {
  const h = localHour(t);
  return Math.min(1, 0.25 + 0.75 * Math.max(0.85 * gauss(h, 7.5, 1.5), gauss(h, 19.5, 2), 0.55 * gauss(h, 13, 4)));
}

/** Everything the device models read, at time t. */
export function environmentAt(seed: number, t: number, overrides: EnvironmentOverrides = {}): Environment {
  const doy = dayOfYear(t);
  const rainMmH = overrides.rainMmH ?? rainIntensity(seed, t);
  return {
    t,
    hour: localHour(t),
    dayOfYear: doy,
    outdoorTempC: overrides.outdoorTempC ?? outdoorTemperature(seed, t),
    rainMmH,
    // A forced storm has been raining for a while: its recent total follows the forced intensity.
    recentRainMm: overrides.rainMmH === undefined ? recentRain(seed, t) : rainMmH * 2.5,
    traffic: overrides.traffic ?? trafficLevel(t),
    waterDemand: waterDemandLevel(t),
    heatingSeason: doy >= 318 || doy <= 94,
  };
}
