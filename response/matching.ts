/**
 * Matching surrounding resources (the fourth of the "five automatics", domain.md): the nearest units by
 * travel time that are on duty, able to handle the alert's kind and not at capacity. Travel time comes
 * from the TravelTime port: straight-line distance × a road factor by default, a road network later.
 */
import type { Localized } from '../kernel/i18n.js';
import { distanceM } from '../rules-engine/index.js';
import { resourceNames } from './resources.js';
import type { LonLat, Plan, Resource, UnitType } from './types.js';

/** How long a unit needs from one point to another. */
export interface TravelTime {
  /** Seconds from `from` to `to` (by road for a road-network adapter). */
  seconds(from: LonLat, to: LonLat): number;
  /** Road distance in metres, for display. */
  metres(from: LonLat, to: LonLat): number;
}

/**
 * Straight line × road factor at an average urban response speed (*defaults*: factor 1.4, a common
 * circuity figure for city streets; 30 km/h with lights and sirens in traffic).
 */
export function straightLineTravel(opts: { roadFactor?: number; speedKmh?: number } = {}): TravelTime {
  const factor = opts.roadFactor ?? 1.4;
  const mps = ((opts.speedKmh ?? 30) * 1000) / 3600;
  return {
    metres: (from, to) => distanceM(from, to) * factor,
    seconds: (from, to) => (distanceM(from, to) * factor) / mps,
  };
}

/** Whether the unit is on duty at `now`: its duty switch and, when it has one, its weekly window (UTC+8). */
export function onDuty(r: Resource, now: number): boolean {
  if (r.duty !== 'on') return false;
  const s = r.schedule;
  if (!s) return true;
  const local = new Date(now + 8 * 3_600_000);
  const day = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  const hm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  if (!s.days.includes(day)) return false;
  return s.from <= s.to ? hm >= s.from && hm < s.to : hm >= s.from || hm < s.to;
}

export interface Candidate {
  unit: Resource;
  distanceM: number;
  etaS: number;
}

export interface MatchInput {
  units: readonly Resource[];
  kind: string | null;
  location: LonLat;
  now: number;
  /** Open tasks per unit id (capacity check). */
  load: ReadonlyMap<string, number>;
  /** Units never to propose (already on this alert, or declined it). */
  exclude?: ReadonlySet<string>;
  travel: TravelTime;
}

/** Units of `type` that could go, nearest by travel time first. */
export function rankUnits(type: UnitType, m: MatchInput): Candidate[] {
  return m.units
    .filter((u) => u.kind === 'unit' && u.type === type && onDuty(u, m.now) && (u.alertKinds.length === 0 || (m.kind !== null && (u.alertKinds as string[]).includes(m.kind))))
    .filter((u) => !m.exclude?.has(u.id) && (m.load.get(u.id) ?? 0) < u.capacity)
    .map((u) => ({ unit: u, distanceM: m.travel.metres(u.location, m.location), etaS: m.travel.seconds(u.location, m.location) }))
    .sort((a, b) => a.etaS - b.etaS || a.unit.id.localeCompare(b.unit.id));
}

/** One proposed task: a plan step given to a unit, or a gap when no unit could be found. */
export interface ProposedTask {
  unitId: string | null;
  unitName: string | null;
  /** The unit's name in every language (its `name_zh` for zh-CN); absent for a gap. */
  unitNames?: Localized;
  unitType: UnitType;
  title: string;
  titles?: Localized;
  instructions: string;
  instructionsByLang?: Localized;
  required: boolean;
  distanceM: number | null;
  etaS: number | null;
  /** Why no unit was found (all busy, off duty, none of that type). */
  gap?: string;
}

/** What a step (or a task) asks, as the next task carries it: title and instructions, each in every language when it has them. */
export function texts(s: { title: string; titles?: Localized; instructions: string; instructionsByLang?: Localized }): Pick<ProposedTask, 'title' | 'titles' | 'instructions' | 'instructionsByLang'> {
  return { title: s.title, ...(s.titles ? { titles: s.titles } : {}), instructions: s.instructions, ...(s.instructionsByLang ? { instructionsByLang: s.instructionsByLang } : {}) };
}

/** The task set a plan asks for at this alert: each step's `count` nearest units, each unit once. */
export function propose(plan: Plan, m: MatchInput): ProposedTask[] {
  const taken = new Set(m.exclude ?? []);
  const out: ProposedTask[] = [];
  for (const step of plan.steps) {
    const ranked = rankUnits(step.unitType, { ...m, exclude: taken });
    for (let i = 0; i < step.count; i++) {
      const c = ranked[i];
      const base = { unitType: step.unitType, ...texts(step), required: step.required };
      if (!c) {
        out.push({ ...base, unitId: null, unitName: null, distanceM: null, etaS: null, gap: `no ${step.unitType} unit on duty with capacity for ${m.kind ?? 'this kind'}` });
        continue;
      }
      taken.add(c.unit.id);
      out.push({ ...base, unitId: c.unit.id, unitName: c.unit.name, unitNames: resourceNames(c.unit), distanceM: Math.round(c.distanceM), etaS: Math.round(c.etaS) });
    }
  }
  return out;
}
