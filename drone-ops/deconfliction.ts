import { LocalPlane } from './geo/enu.js';
import { shapesIntersect } from './geo/intersect.js';
import { bboxOverlap } from './geo/plane.js';
import { projectFootprint, type PlaneShape } from './geo/shapes.js';
import type { Footprint, LonLat } from './geo/types.js';
import { GridIndex } from './intent-index.js';

/**
 * Operational intents after ASTM F3548-21 / InterUSS: 4D volumes (footprint × altitude band × time
 * window) and a priority. Two intents conflict when some pair of their volumes overlaps in time AND
 * altitude AND footprint. Time windows are half-open [startMs, endMs); altitude bands overlap when
 * they share more than a boundary; footprints that touch count as intersecting (conservative).
 */
export interface Volume4D {
  footprint: Footprint;
  floorM: number;
  ceilingM: number;
  startMs: number;
  endMs: number;
}

/**
 * F3548 operational intent states. `accepted` (absent = accepted): reserved, drone on the ground.
 * `activated`: the drone is airborne. `nonconforming`: airborne outside its volumes or past its time.
 * `contingent`: airborne and unable to conform, e.g. flying a contingency return (others plan around it).
 */
export type IntentState = 'accepted' | 'activated' | 'nonconforming' | 'contingent';

export interface Intent {
  id: string;
  /** Higher wins: an emergency dispatch pre-empts a patrol (see PRIORITY). */
  priority: number;
  volumes: Volume4D[];
  owner?: string;
  state?: IntentState;
}

export const PRIORITY = { patrol: 10, inspection: 20, emergency: 100 } as const;

/**
 * `preempted`: lower-priority reservations removed. `recall`: lower-priority drones in the air whose
 * airspace is kept until their return replaces it (the caller recalls them). `overlapping`: only for a
 * forced commit (nonconforming / contingent), the intents it now overlaps.
 */
export type CommitResult = { ok: true; preempted: Intent[]; recall?: Intent[]; overlapping?: Intent[] } | { ok: false; conflictsWith: Intent[]; nextFreeSlot?: number };

/** The drone of an intent in one of these states is in the air: its airspace cannot be taken away. */
export function airborne(i: Intent): boolean {
  return i.state === 'activated' || i.state === 'nonconforming' || i.state === 'contingent';
}

/** A nonconforming or contingent intent is committed whatever it overlaps: the drone is flying it anyway. */
function forced(i: Intent): boolean {
  return i.state === 'nonconforming' || i.state === 'contingent';
}

/**
 * Whether committed intent `c` stops `n` from committing. A higher priority pre-empts an accepted or
 * merely activated intent (whose drone the caller then recalls along a contingency route); a launch
 * (`n` activated) never shares airspace with anything airborne; a nonconforming or contingent intent
 * is never pre-empted, but a higher-priority reservation may still be accepted next to it (it must wait
 * for it at launch).
 */
function blocks(c: Intent, n: Intent): boolean {
  if (c.priority >= n.priority) return true;
  if (n.state === 'activated' && airborne(c)) return true;
  return false;
}

function preemptible(c: Intent): boolean {
  return !forced(c);
}

interface Prepared {
  intent: Intent;
  vol: Volume4D;
  shape: PlaneShape;
}

function timeOverlap(a: Volume4D, b: Volume4D, shift = 0): boolean {
  return a.startMs + shift < b.endMs && b.startMs < a.endMs + shift;
}

function altOverlap(a: Volume4D, b: Volume4D): boolean {
  return a.floorM < b.ceilingM && b.floorM < a.ceilingM;
}

/** Pure check: do two intents conflict (time ∧ altitude ∧ footprint for some pair of volumes)? */
export function conflicts(a: Intent, b: Intent): boolean {
  const first = a.volumes[0];
  if (!first) return false;
  const plane = new LocalPlane(footprintAnchor(first.footprint));
  return a.volumes.some((va) =>
    b.volumes.some((vb) => timeOverlap(va, vb) && altOverlap(va, vb) && shapesIntersect(projectFootprint(plane, va.footprint), projectFootprint(plane, vb.footprint))),
  );
}

function footprintAnchor(fp: Footprint): LonLat {
  if (fp.type === 'Circle') return fp.center;
  const c = fp.type === 'Polygon' ? fp.coordinates[0]?.[0] : fp.coordinates[0]?.[0]?.[0];
  return { lon: c?.[0] ?? 0, lat: c?.[1] ?? 0 };
}

export interface IntentBookOptions {
  /** Origin of the book's local plane (default: Qingdao, 120.38 E 36.07 N). */
  origin?: LonLat;
  cellM?: number;
  /** false = linear scan over every volume (the benchmark's baseline). */
  index?: boolean;
}

/**
 * In-memory book of committed intents. `checkAndCommit` checks and commits in one synchronous step
 * (no await between them), so two dispatches cannot both pass the check and then both commit.
 */
export class IntentBook {
  private readonly plane: LocalPlane;
  private readonly grid: GridIndex<Prepared>;
  private readonly byId = new Map<string, Prepared[]>();
  private readonly useIndex: boolean;

  constructor(opts: IntentBookOptions = {}) {
    this.plane = new LocalPlane(opts.origin ?? { lon: 120.38, lat: 36.07 });
    this.grid = new GridIndex(opts.cellM ?? 1000);
    this.useIndex = opts.index ?? true;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Intent | undefined {
    return this.byId.get(id)?.[0]?.intent;
  }

  /** Committed intents conflicting with `intent` (an intent with the same id is its old version: ignored). */
  findConflicts(intent: Intent): Intent[] {
    return this.conflictsOf(this.prepare(intent));
  }

  /**
   * One atomic step: commit when nothing conflicts, or when every conflicting intent has a lower
   * priority (those are pre-empted: removed and returned). Otherwise refuse, naming the conflicting
   * intents of equal or higher priority and the earliest start at which the same intent would fit.
   * Committing an id already in the book replaces it (an intent update).
   */
  checkAndCommit(intent: Intent): CommitResult {
    const prepared = this.prepare(intent);
    const found = this.conflictsOf(prepared);
    if (forced(intent)) {
      this.insert(intent.id, prepared);
      return { ok: true, preempted: [], ...(found.length > 0 ? { overlapping: found } : {}) };
    }
    const blocking = found.filter((c) => blocks(c, intent));
    if (blocking.length > 0) {
      const slot = this.nextFreeSlot(prepared);
      return { ok: false, conflictsWith: blocking, ...(slot === undefined ? {} : { nextFreeSlot: slot }) };
    }
    // An airborne drone's airspace is never released by a pre-emption: it stays in the book until the
    // drone's planned return replaces it, so nothing may launch into it meanwhile.
    const lower = found.filter(preemptible);
    const preempted = lower.filter((c) => !airborne(c));
    const recall = lower.filter(airborne);
    for (const c of preempted) this.remove(c.id);
    this.insert(intent.id, prepared);
    return { ok: true, preempted, ...(recall.length > 0 ? { recall } : {}) };
  }

  /** Files an intent without any check (rebuilding a book from a store whose intents may overlap). */
  put(intent: Intent): void {
    this.insert(intent.id, this.prepare(intent));
  }

  private insert(id: string, prepared: Prepared[]): void {
    this.remove(id);
    this.byId.set(id, prepared);
    for (const p of prepared) this.grid.insert(p, p.shape.bbox);
  }

  remove(id: string): boolean {
    const prepared = this.byId.get(id);
    if (!prepared) return false;
    for (const p of prepared) this.grid.remove(p);
    this.byId.delete(id);
    return true;
  }

  /** Drops intents whose every volume ended at or before `nowMs`; returns how many. */
  prune(nowMs: number): number {
    let n = 0;
    for (const [id, ps] of this.byId) {
      if (ps.every((p) => p.vol.endMs <= nowMs)) {
        this.remove(id);
        n++;
      }
    }
    return n;
  }

  private prepare(intent: Intent): Prepared[] {
    return intent.volumes.map((vol) => ({ intent, vol, shape: projectFootprint(this.plane, vol.footprint) }));
  }

  private candidates(p: Prepared): Prepared[] {
    if (this.useIndex) return this.grid.query(p.shape.bbox);
    return [...this.byId.values()].flat();
  }

  private conflictsOf(prepared: Prepared[]): Intent[] {
    const out = new Map<string, Intent>();
    for (const p of prepared) {
      for (const q of this.candidates(p)) {
        if (q.intent.id === p.intent.id || out.has(q.intent.id)) continue;
        if (timeOverlap(p.vol, q.vol) && altOverlap(p.vol, q.vol) && bboxOverlap(p.shape.bbox, q.shape.bbox) && shapesIntersect(p.shape, q.shape)) {
          out.set(q.intent.id, q.intent);
        }
      }
    }
    return [...out.values()];
  }

  /**
   * Earliest start (epoch ms) at which the intent, shifted later as a whole, meets no intent of equal or
   * higher priority. The conflict set of a shift Δ is a union of open intervals, so the first free Δ ≥ 0
   * is 0 or the end of one of them: vb.end − va.start for a pair that overlaps in space and altitude.
   */
  private nextFreeSlot(prepared: Prepared[]): number | undefined {
    const start = Math.min(...prepared.map((p) => p.vol.startMs));
    const pairs: [Volume4D, Volume4D][] = [];
    for (const p of prepared) {
      for (const q of this.candidates(p)) {
        if (q.intent.id === p.intent.id || !blocks(q.intent, p.intent)) continue;
        if (altOverlap(p.vol, q.vol) && shapesIntersect(p.shape, q.shape)) pairs.push([p.vol, q.vol]);
      }
    }
    const shifts = [...new Set(pairs.map(([a, b]) => b.endMs - a.startMs).filter((d) => d > 0))].sort((x, y) => x - y);
    for (const d of shifts) {
      if (pairs.every(([a, b]) => !timeOverlap(a, b, d))) return start + d;
    }
    return undefined;
  }
}
