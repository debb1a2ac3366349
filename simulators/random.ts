/**
 * Small seeded randomness for the simulators (no dependency, deterministic from `--seed`).
 *
 * - `mulberry32` is a sequential generator for placement (one stream per run).
 * - `hash32` / `unitHash` are counter-based: a value is a pure function of (seed, keys), so a device's
 *   signal at time t needs no stored state and two runs with the same seed report the same city.
 */

/** A generator of floats in [0, 1). */
export type Rng = () => number;

/** mulberry32 (Tommy Ettinger's 32-bit generator): fast, period 2^32, good enough for simulation. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes 32-bit integers into one well-spread 32-bit hash (murmur3 finaliser per key). */
export function hash32(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    h ^= Math.imul((k | 0) ^ ((k / 4294967296) | 0), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A float in [0, 1) from keys, deterministic. */
export function unitHash(...keys: number[]): number {
  return hash32(...keys) / 4294967296;
}

/** A float in [-1, 1) from keys, deterministic. */
export function signedHash(...keys: number[]): number {
  return unitHash(...keys) * 2 - 1;
}

/** A 32-bit number from a string (FNV-1a), to turn device ids into seeds. */
export function stringSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform in [lo, hi). */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Index chosen with probability proportional to its weight (weights ≥ 0, not all 0). */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return weights.length - 1;
}
