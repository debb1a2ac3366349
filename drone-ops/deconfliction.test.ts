import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntentBook, PRIORITY, conflicts, type Intent, type Volume4D } from './deconfliction.js';
import { ll, squareM } from './testing/fixtures.js';

const MIN = 60_000;

function vol(cx: number, cy: number, h: number, startMin: number, endMin: number, floorM = 0, ceilingM = 120): Volume4D {
  return { footprint: squareM(cx, cy, h), floorM, ceilingM, startMs: startMin * MIN, endMs: endMin * MIN };
}

function intent(id: string, priority: number, ...volumes: Volume4D[]): Intent {
  return { id, priority, volumes };
}

describe('conflicts', () => {
  const a = intent('a', PRIORITY.patrol, vol(0, 0, 500, 0, 30, 0, 100));

  it('needs time, altitude and footprint to overlap', () => {
    expect(conflicts(a, intent('b', 10, vol(200, 200, 500, 20, 50, 50, 150)))).toBe(true);
    expect(conflicts(a, intent('t', 10, vol(200, 200, 500, 30, 50, 50, 150)))).toBe(false); // back to back in time
    expect(conflicts(a, intent('h', 10, vol(200, 200, 500, 20, 50, 100, 150)))).toBe(false); // stacked bands
    expect(conflicts(a, intent('s', 10, vol(1500, 0, 400, 20, 50, 50, 150)))).toBe(false); // apart in space
  });

  it('finds footprint overlap without shared vertices, containment and circles', () => {
    const cross = intent('x', 10, { ...vol(0, 0, 0, 0, 30), footprint: { type: 'Polygon', coordinates: [[[ll(-1000, -50).lon, ll(-1000, -50).lat], [ll(1000, -50).lon, ll(1000, -50).lat], [ll(1000, 50).lon, ll(1000, 50).lat], [ll(-1000, 50).lon, ll(-1000, 50).lat], [ll(-1000, -50).lon, ll(-1000, -50).lat]]] } });
    expect(conflicts(a, cross)).toBe(true);
    expect(conflicts(a, intent('in', 10, vol(0, 0, 50, 0, 30)))).toBe(true);
    const circle = (x: number, r: number): Intent => intent('c', 10, { ...vol(0, 0, 1, 0, 30), footprint: { type: 'Circle', center: ll(x, 0), radiusM: r } });
    expect(conflicts(a, circle(700, 250))).toBe(true);
    expect(conflicts(a, circle(800, 250))).toBe(false);
    expect(conflicts(circle(0, 100), circle(150, 100))).toBe(true);
  });

  it('checks every pair of volumes', () => {
    const multi = intent('m', 10, vol(5000, 0, 100, 0, 30), vol(0, 0, 100, 40, 50));
    expect(conflicts(multi, a)).toBe(false);
    expect(conflicts(multi, intent('late', 10, vol(0, 0, 100, 45, 60)))).toBe(true);
  });
});

describe('IntentBook.checkAndCommit', () => {
  it('commits non-conflicting intents', () => {
    const book = new IntentBook();
    expect(book.checkAndCommit(intent('a', 10, vol(0, 0, 500, 0, 30)))).toEqual({ ok: true, preempted: [] });
    expect(book.checkAndCommit(intent('b', 10, vol(0, 0, 500, 30, 60)))).toEqual({ ok: true, preempted: [] });
    expect(book.size).toBe(2);
  });

  it('refuses an equal-priority conflict, names it, and suggests the next free slot', () => {
    const book = new IntentBook();
    book.checkAndCommit(intent('a', 10, vol(0, 0, 500, 0, 30)));
    book.checkAndCommit(intent('b', 10, vol(300, 0, 500, 30, 50)));
    book.checkAndCommit(intent('far', 10, vol(5000, 0, 500, 0, 500)));
    const r = book.checkAndCommit(intent('c', 10, vol(0, 0, 500, 10, 30)));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.conflictsWith.map((x) => x.id)).toEqual(['a']);
    // Shifting c (20 min long) past a (ends 30) still meets b (30–50): the first free start is 50.
    expect(r.nextFreeSlot).toBe(50 * MIN);
    expect(book.checkAndCommit(intent('c', 10, vol(0, 0, 500, 50, 70)))).toEqual({ ok: true, preempted: [] });
    expect(book.checkAndCommit(intent('d', 10, vol(0, 0, 500, 49, 69))).ok).toBe(false);
  });

  it('lets a higher priority pre-empt lower ones and refuses lower against higher', () => {
    const book = new IntentBook();
    const patrol = intent('patrol', PRIORITY.patrol, vol(0, 0, 500, 0, 30));
    book.checkAndCommit(patrol);
    const em = intent('em', PRIORITY.emergency, vol(100, 100, 200, 10, 20));
    expect(book.checkAndCommit(em)).toEqual({ ok: true, preempted: [patrol] });
    expect(book.get('patrol')).toBeUndefined();
    const again = book.checkAndCommit(patrol);
    // The patrol (30 min) fits again once the emergency (10–20) is over.
    expect(again).toEqual({ ok: false, conflictsWith: [em], nextFreeSlot: 20 * MIN });
  });

  it('never takes airspace from an airborne drone: a launch waits for it, a contingency return stays in the picture', () => {
    const book = new IntentBook();
    const flying = { ...intent('patrol', PRIORITY.patrol, vol(0, 0, 500, 0, 30)), state: 'activated' as const };
    book.checkAndCommit(flying);
    // A launch (activated) of any priority is refused while the patrol flies there, and told when it ends.
    const launch = { ...intent('em', PRIORITY.emergency, vol(100, 100, 200, 10, 20)), state: 'activated' as const };
    expect(book.checkAndCommit(launch)).toEqual({ ok: false, conflictsWith: [flying], nextFreeSlot: 30 * MIN });
    // A reservation (accepted) pre-empts it: the caller recalls the drone, whose airspace stays reserved...
    const reserve = intent('em', PRIORITY.emergency, vol(100, 100, 200, 10, 20));
    expect(book.checkAndCommit(reserve)).toEqual({ ok: true, preempted: [], recall: [flying] });
    expect(book.get('patrol')?.state).toBe('activated');
    expect(book.checkAndCommit(launch)).toMatchObject({ ok: false, conflictsWith: [flying] });
    // ...whose return is committed as contingent whatever it overlaps, and is never pre-empted.
    const home = { ...intent('patrol', PRIORITY.patrol, vol(50, 50, 300, 10, 15)), state: 'contingent' as const };
    expect(book.checkAndCommit(home)).toEqual({ ok: true, preempted: [], overlapping: [reserve] });
    expect(book.checkAndCommit(launch)).toMatchObject({ ok: false, conflictsWith: [home], nextFreeSlot: 15 * MIN });
    // Another drone's plain reservation of higher priority is accepted next to it (it waits at launch), a lower one is not.
    expect(book.checkAndCommit(intent('em2', PRIORITY.emergency, vol(-200, -200, 40, 12, 14))).ok).toBe(true);
    expect(book.checkAndCommit(intent('p2', PRIORITY.patrol, vol(330, 330, 15, 12, 14)))).toMatchObject({ ok: false, conflictsWith: [home] });
    expect(book.get('patrol')?.state).toBe('contingent');
  });

  it('rebuilds overlapping intents with put (no check)', () => {
    const book = new IntentBook();
    book.put(intent('a', 10, vol(0, 0, 500, 0, 30)));
    book.put(intent('b', 10, vol(0, 0, 500, 0, 30)));
    expect(book.size).toBe(2);
  });

  it('treats an intent with a known id as an update of itself', () => {
    const book = new IntentBook();
    book.checkAndCommit(intent('a', 10, vol(0, 0, 500, 0, 30)));
    expect(book.checkAndCommit(intent('a', 10, vol(0, 0, 500, 10, 40)))).toEqual({ ok: true, preempted: [] });
    expect(book.size).toBe(1);
    expect(book.get('a')?.volumes[0]?.startMs).toBe(10 * MIN);
    expect(book.prune(40 * MIN)).toBe(1);
    expect(book.size).toBe(0);
  });

  it('finds the same conflicts with the grid index as with a linear scan', () => {
    const arbVol = fc.record({
      x: fc.integer({ min: -5000, max: 5000 }),
      y: fc.integer({ min: -5000, max: 5000 }),
      h: fc.integer({ min: 50, max: 2500 }),
      t: fc.integer({ min: 0, max: 600 }),
      d: fc.integer({ min: 5, max: 60 }),
      f: fc.integer({ min: 0, max: 2 }),
    });
    const toVol = (v: { x: number; y: number; h: number; t: number; d: number; f: number }): Volume4D => vol(v.x, v.y, v.h, v.t, v.t + v.d, v.f * 40, v.f * 40 + 60);
    fc.assert(
      fc.property(fc.array(arbVol, { minLength: 1, maxLength: 40 }), arbVol, (vs, probe) => {
        const indexed = new IntentBook({ cellM: 700 });
        const linear = new IntentBook({ index: false });
        const all = vs.map((v, i) => intent(`i${i}`, 10, toVol(v)));
        for (const it of all) {
          indexed.checkAndCommit({ ...it, priority: 1000 });
          linear.checkAndCommit({ ...it, priority: 1000 });
        }
        const p = intent('p', 10, toVol(probe));
        const ids = (xs: Intent[]): string[] => xs.map((x) => x.id).sort();
        const expected = ids([...all].filter((x) => indexed.get(x.id) && conflicts(p, x)));
        expect(ids(indexed.findConflicts(p))).toEqual(expected);
        expect(ids(linear.findConflicts(p))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
