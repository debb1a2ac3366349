/**
 * Pure level arithmetic for threshold and rate rules: severity levels with hysteresis (a separate clear
 * level, domain.md must-have 4) and debounce by N consecutive readings and/or a hold duration.
 * Values are turned so that "more alarming" is always larger: a 'below' threshold negates value and levels;
 * a rate rule's value is already a magnitude (the drop or the rise over its window).
 */
import { SEVERITIES } from './severity.js';
import type { Rule } from './rules.js';

/** Per (rule, device) state. Plain numbers and arrays only: it is snapshotted as JSON. */
export interface LevelState {
  /** Active severity rank (0 blue … 3 red), -1 when not firing. */
  level: number;
  /** Per rank: consecutive readings at or past that rank's level. */
  streak: number[];
  /** Per rank: timestamp of the first reading of the current streak, -1 when none. */
  since: number[];
  /** Highest rank entered (before debounce) by the last reading, -1 none. */
  raw: number;
  lastTs: number;
  lastValue: number;
  /** Rate rules: recent samples as a flat [ts, value, ts, value, …] list inside the window. */
  hist: number[];
}

export function newLevelState(): LevelState {
  return { level: -1, streak: [0, 0, 0, 0], since: [-1, -1, -1, -1], raw: -1, lastTs: -Infinity, lastValue: NaN, hist: [] };
}

/**
 * Effective levels per rank in the rule's "larger is worse" orientation (NaN where the rule has none),
 * or null when a relative rule's parameter is unknown for this subject (the rule cannot apply).
 */
export function orientedLevels(rule: Rule, params: Record<string, number> | undefined): number[] | null {
  let scale = 1;
  if (rule.relativeTo !== undefined) {
    const p = params?.[rule.relativeTo] ?? rule.params?.[rule.relativeTo];
    if (p === undefined || !Number.isFinite(p)) return null;
    scale = p;
  }
  const sign = orientation(rule);
  const out = [NaN, NaN, NaN, NaN];
  for (let r = 0; r < 4; r++) {
    const v = rule.levels?.[SEVERITIES[r]!];
    if (v !== undefined) out[r] = sign * v * scale;
  }
  return out;
}

/** +1 when larger values are worse, -1 for a 'below' threshold. Rate magnitudes are always +1. */
export function orientation(rule: Rule): number {
  return rule.kind === 'threshold' && rule.direction === 'below' ? -1 : 1;
}

/** Hysteresis gap below an oriented level: absolute in metric units, or a fraction of the level. */
function gap(rule: Rule, level: number): number {
  if (rule.clear?.absolute !== undefined) return rule.clear.absolute;
  if (rule.clear?.fraction !== undefined) return Math.abs(level) * rule.clear.fraction;
  return 0;
}

/** Highest rank whose level x reaches (entering), -1 none. */
export function enteredRank(x: number, levels: number[]): number {
  for (let r = 3; r >= 0; r--) if (x >= levels[r]!) return r;
  return -1;
}

/** Highest rank ≤ current that x has not yet cleared (still within the hysteresis band), -1 none. */
export function heldRank(rule: Rule, x: number, levels: number[], current: number): number {
  for (let r = current; r >= 0; r--) {
    const l = levels[r]!;
    if (!Number.isNaN(l) && x >= l - gap(rule, l)) return r;
  }
  return -1;
}

/** Debounced entry: the highest rank whose streak meets the count and the hold duration at time `now`. */
export function debouncedRank(rule: Rule, st: LevelState, now: number, levels: number[]): number {
  const count = rule.debounce?.count ?? 1;
  const forMs = rule.debounce?.forMs ?? 0;
  for (let r = st.raw; r >= 0; r--) {
    if (Number.isNaN(levels[r]!)) continue;
    if (st.streak[r]! >= count && st.since[r]! >= 0 && now - st.since[r]! >= forMs) return r;
  }
  return -1;
}

/**
 * Folds one oriented value at time ts into the state and returns the new active rank.
 * Entering a higher rank waits for debounce; leaving a rank waits until x is past its clear level.
 */
export function step(rule: Rule, st: LevelState, x: number, ts: number, levels: number[]): number {
  const raw = enteredRank(x, levels);
  for (let r = 0; r < 4; r++) {
    if (r <= raw) {
      st.streak[r]!++;
      if (st.since[r]! < 0) st.since[r] = ts;
    } else {
      st.streak[r] = 0;
      st.since[r] = -1;
    }
  }
  st.raw = raw;
  st.lastTs = ts;
  st.lastValue = x;
  return Math.max(debouncedRank(rule, st, ts, levels), heldRank(rule, x, levels, st.level));
}

/** True when a debounce duration is still running (tick may fire it later). */
export function pendingDuration(rule: Rule, st: LevelState): boolean {
  return (rule.debounce?.forMs ?? 0) > 0 && st.raw > st.level;
}

/**
 * Rate rules: pushes (ts, v), drops samples older than the window, returns the change magnitude —
 * the fall from the window's highest value ('below', pressure drop) or the rise from its lowest ('above').
 */
export function rateMagnitude(rule: Rule, st: LevelState, ts: number, v: number): number {
  const h = st.hist;
  const below = rule.direction === 'below';
  // Monotonic deque over [ts, v, ts, v, ...]: only samples that can still be the window's extreme are
  // kept (highest for 'below', lowest for 'above'), so each reading costs O(1) amortised however dense
  // the window is. Timestamps only grow (the engine ignores stale readings).
  while (h.length >= 2 && (below ? h[h.length - 1]! <= v : h[h.length - 1]! >= v)) h.length -= 2;
  h.push(ts, v);
  const from = ts - (rule.windowMs ?? 0);
  let cut = 0;
  while (cut < h.length - 2 && h[cut]! < from) cut += 2;
  if (cut > 0) h.splice(0, cut);
  const best = h[1]!;
  return below ? best - v : v - best;
}

/** Season check (e.g. the heating season), wrapping over the new year; month-day in the rule's offset. */
export function inSeason(rule: Rule, ts: number): boolean {
  const s = rule.season;
  if (!s) return true;
  const d = new Date(ts + s.utcOffsetMinutes * 60_000);
  const md = (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  const from = Number(s.from.replace('-', ''));
  const to = Number(s.to.replace('-', ''));
  return from <= to ? md >= from && md <= to : md >= from || md <= to;
}
