import { describe, expect, it } from 'vitest';
import { EventBus } from './bus.js';

describe('EventBus', () => {
  it('delivers typed payloads, isolates throwing handlers, and resolves once()', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus<{ a: number; b: string }>((e) => errors.push(e));
    const got: number[] = [];
    bus.on('a', () => {
      throw new Error('bad handler');
    });
    const off = bus.on('a', (n) => got.push(n));
    const next = bus.once('b', (s) => s === 'two');
    bus.emit('a', 1);
    bus.emit('b', 'one');
    bus.emit('b', 'two');
    off();
    bus.emit('a', 2);
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(2);
    await expect(next).resolves.toBe('two');
  });
});
