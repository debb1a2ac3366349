import { describe, expect, it } from 'vitest';
import { presenceIntervals } from './presence-history.js';

const row = (at: number, online: boolean) => ({ deviceId: 'd', at, online });

describe('presenceIntervals', () => {
  it('starts in the state of the last change before the range and ends at its end', () => {
    expect(presenceIntervals([row(50, true), row(120, false), row(150, true)], 100, 200, 0)).toEqual([
      { online: true, from: 100, to: 120 },
      { online: false, from: 120, to: 150 },
      { online: true, from: 150, to: 200 },
    ]);
  });

  it('is offline before the first change, and starts no earlier than the device was created', () => {
    expect(presenceIntervals([row(130, true)], 100, 200, 110)).toEqual([
      { online: false, from: 110, to: 130 },
      { online: true, from: 130, to: 200 },
    ]);
    expect(presenceIntervals([], 100, 200, 300)).toEqual([]);
    expect(presenceIntervals([], 100, 200, 0)).toEqual([{ online: false, from: 100, to: 200 }]);
  });

  it('merges repeated states and ignores changes at or after the end', () => {
    expect(presenceIntervals([row(100, true), row(110, true), row(200, false)], 100, 200, 0)).toEqual([{ online: true, from: 100, to: 200 }]);
  });
});
