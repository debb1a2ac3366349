import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newLevelState, rateMagnitude } from './levels.js';
import type { Rule } from './rules.js';

describe('rateMagnitude', () => {
  it('equals the naive window scan (fall from the highest, rise from the lowest) for any series', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'below' | 'above'>('below', 'above'),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.double({ min: -5, max: 5, noNaN: true })), { minLength: 1, maxLength: 200 }),
        (direction, windowMs, steps) => {
          const rule = { direction, windowMs } as unknown as Rule;
          const st = newLevelState();
          const seen: [number, number][] = [];
          let ts = 0;
          for (const [dt, v] of steps) {
            ts += dt;
            seen.push([ts, v]);
            const inWindow = seen.filter(([t]) => t >= ts - windowMs).map(([, x]) => x);
            const naive = direction === 'below' ? Math.max(...inWindow) - v : v - Math.min(...inWindow);
            expect(rateMagnitude(rule, st, ts, v)).toBeCloseTo(naive, 9);
          }
        },
      ),
    );
  });
});
