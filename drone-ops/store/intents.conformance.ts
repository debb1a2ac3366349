/**
 * The IntentRegistry conformance suite (style.md "Boundaries": one suite per port, run against every
 * adapter). It pins what the port documents in intents.ts: one atomic check-and-commit with refusal of
 * equal-or-higher priority conflicts (naming them, with the next free start), pre-emption of lower
 * priorities, id replacement, remove, list of active intents, expiry by `now`, and persistence across
 * a restart. Times are fixed and passed as `now`, so no test depends on the wall clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRIORITY, type Intent } from '../deconfliction.js';
import { squareM } from '../testing/fixtures.js';
import type { IntentRegistry } from './intents.js';

export interface IntentRegistryHarness {
  /** A fresh, empty registry (its own database or key prefix). */
  registry: IntentRegistry;
  /** A new registry on the same store / prefix, as after a process restart. */
  reopen(): Promise<IntentRegistry>;
  /** Closes every registry the harness made (some already closed by the test) and releases the store. */
  close(): Promise<void>;
}

/** Past 2^32 ms, as real epoch times are. */
const T = 1_760_000_000_000;
const TEN_MIN = 600_000;

interface Shape {
  x?: number;
  y?: number;
  halfM?: number;
  floorM?: number;
  ceilingM?: number;
  startMs?: number;
  endMs?: number;
  priority?: number;
}

/** One volume: a square around (x, y) metres from the fixtures' origin, 0–100 m, [T, T + 10 min). */
function intent(id: string, s: Shape = {}): Intent {
  const footprint = squareM(s.x ?? 0, s.y ?? 0, s.halfM ?? 200);
  const volume = { footprint, floorM: s.floorM ?? 0, ceilingM: s.ceilingM ?? 100, startMs: s.startMs ?? T, endMs: s.endMs ?? T + TEN_MIN };
  return { id, owner: `mission-${id}`, priority: s.priority ?? PRIORITY.patrol, volumes: [volume] };
}

const ids = (is: Intent[]): string[] => is.map((i) => i.id).sort();
const byId = (is: Intent[]): Intent[] => [...is].sort((a, b) => a.id.localeCompare(b.id));

export function describeIntentRegistry(name: string, make: () => Promise<IntentRegistryHarness>): void {
  describe(`IntentRegistry: ${name}`, () => {
    let h: IntentRegistryHarness;
    let r: IntentRegistry;
    beforeEach(async () => {
      h = await make();
      r = h.registry;
    });
    afterEach(async () => {
      await h.close();
    });

    it('commits an intent nothing conflicts with and lists it exactly', async () => {
      const a = intent('a');
      expect(await r.checkAndCommit(a, T - 1)).toEqual({ ok: true, preempted: [] });
      expect(await r.list(T - 1)).toEqual([a]);
    });

    it('refuses an equal-priority conflict, naming the other intent and the next free start', async () => {
      const a = intent('a');
      await r.checkAndCommit(a, T - 1);
      // overlaps a in space (100 m apart, 200 m half-width), altitude and the last 5 minutes of time
      const b = intent('b', { x: 100, startMs: T + 300_000, endMs: T + 900_000 });
      expect(await r.checkAndCommit(b, T - 1)).toEqual({ ok: false, conflictsWith: [a], nextFreeSlot: T + TEN_MIN });
      // a lower priority is refused the same way
      const c = intent('c', { x: 100, priority: PRIORITY.patrol - 1 });
      expect(await r.checkAndCommit(c, T - 1)).toMatchObject({ ok: false, conflictsWith: [{ id: 'a' }] });
      expect(ids(await r.list(T - 1))).toEqual(['a']);
    });

    it('never reports a conflict for intents disjoint in time, altitude or footprint', async () => {
      await r.checkAndCommit(intent('a'), T - 1);
      // time windows are half-open: starting exactly when `a` ends is free (drone-ops.md "Deconfliction")
      expect(await r.checkAndCommit(intent('later', { startMs: T + TEN_MIN, endMs: T + 2 * TEN_MIN }), T - 1)).toEqual({ ok: true, preempted: [] });
      // altitude bands sharing only a boundary do not overlap
      expect(await r.checkAndCommit(intent('above', { floorM: 100, ceilingM: 150 }), T - 1)).toEqual({ ok: true, preempted: [] });
      expect(await r.checkAndCommit(intent('east', { x: 1_000 }), T - 1)).toEqual({ ok: true, preempted: [] });
      // 20 km away: another Redis region cell, another part of any spatial index
      expect(await r.checkAndCommit(intent('far', { x: 20_000, y: 15_000 }), T - 1)).toEqual({ ok: true, preempted: [] });
      expect(ids(await r.list(T - 1))).toEqual(['a', 'above', 'east', 'far', 'later']);
    });

    it('lets a higher priority pre-empt: the pre-empted are returned and removed', async () => {
      const a = intent('a');
      const b = intent('b', { x: 500 });
      const far = intent('far', { x: 5_000 });
      for (const i of [a, b, far]) expect((await r.checkAndCommit(i, T - 1)).ok).toBe(true);
      // between a and b, touching both
      const e = intent('emergency', { x: 250, halfM: 100, priority: PRIORITY.emergency });
      const res = await r.checkAndCommit(e, T - 1);
      if (!res.ok) throw new Error(`emergency refused: ${JSON.stringify(res.conflictsWith.map((c) => c.id))}`);
      expect(byId(res.preempted)).toEqual([a, b]);
      expect(byId(await r.list(T - 1))).toEqual([e, far]);
      // the pre-empted intent cannot come back while the emergency holds its airspace
      expect(await r.checkAndCommit(a, T - 1)).toMatchObject({ ok: false, conflictsWith: [{ id: 'emergency' }] });
    });

    it('replaces an intent committed again under the same id (it never conflicts with itself)', async () => {
      await r.checkAndCommit(intent('a'), T - 1);
      const moved = intent('a', { x: 50, ceilingM: 80 });
      expect(await r.checkAndCommit(moved, T - 1)).toEqual({ ok: true, preempted: [] });
      expect(await r.list(T - 1)).toEqual([moved]);
      // the old footprint, where it does not overlap the new one, is free again
      expect((await r.checkAndCommit(intent('b', { x: -290, halfM: 100 }), T - 1)).ok).toBe(true);
    });

    it('removes an intent once, freeing its airspace', async () => {
      await r.checkAndCommit(intent('a'), T - 1);
      expect(await r.remove('a')).toBe(true);
      expect(await r.remove('a')).toBe(false);
      expect(await r.remove('never')).toBe(false);
      expect(await r.list(T - 1)).toEqual([]);
      expect(await r.checkAndCommit(intent('b', { x: 100 }), T - 1)).toEqual({ ok: true, preempted: [] });
    });

    it('ignores an intent that has ended at `now`: not listed, not blocking, not pre-empted', async () => {
      await r.checkAndCommit(intent('a'), T - 1);
      expect(ids(await r.list(T + TEN_MIN - 1))).toEqual(['a']);
      expect(await r.list(T + TEN_MIN)).toEqual([]);
      // overlaps a's whole window, but a is over at T + 10 min
      const b = intent('b', { x: 100, endMs: T + 3 * TEN_MIN });
      expect(await r.checkAndCommit(b, T + TEN_MIN)).toEqual({ ok: true, preempted: [] });
      expect(await r.list(T + TEN_MIN)).toEqual([b]);
    });

    it('keeps committed intents across a restart (close, then a new registry on the same store)', async () => {
      const a = intent('a');
      const short = intent('short', { x: 3_000, endMs: T + 60_000 });
      for (const i of [a, intent('gone', { x: 1_000 }), short]) expect((await r.checkAndCommit(i, T - 1)).ok).toBe(true);
      expect(await r.remove('gone')).toBe(true);
      await r.close();
      await r.close(); // closing again is harmless
      const again = await h.reopen();
      expect(byId(await again.list(T - 1))).toEqual([a, short]);
      // the restarted registry checks against what was committed before
      expect(await again.checkAndCommit(intent('b', { x: 100 }), T - 1)).toEqual({ ok: false, conflictsWith: [a], nextFreeSlot: T + TEN_MIN });
      // and what ended while it was down is gone
      expect(await again.list(T + 60_000)).toEqual([a]);
      expect(await again.remove('a')).toBe(true);
    });
  });
}
