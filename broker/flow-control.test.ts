import { describe, expect, it } from 'vitest';
import { FlowControl, type Lane } from './flow-control.js';

function lane(log: string[], name: string): Lane {
  return {
    inflight: 0, waiting: [], held: false,
    hold: () => log.push(`${name}:hold`),
    release: () => log.push(`${name}:release`),
  };
}

/** A task the test finishes by hand. */
function deferred(): { task: () => Promise<void>; finish: () => void; started: boolean } {
  const d = { started: false, finish: () => {}, task: () => Promise.resolve() };
  d.task = () => {
    d.started = true;
    return new Promise<void>((r) => (d.finish = r));
  };
  return d;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FlowControl', () => {
  it('holds a lane at its bound, parks the excess and releases it below half', async () => {
    const log: string[] = [];
    const flow = new FlowControl({ maxInflight: 100, maxInflightPerClient: 4 });
    const a = lane(log, 'a');
    flow.addLane(a);
    const ds = Array.from({ length: 6 }, deferred);
    const done = ds.map((d) => flow.run(a, 1, d.task));
    expect(ds.map((d) => d.started)).toEqual([true, true, true, true, false, false]);
    expect(flow.inflight).toBe(4);
    expect(log).toEqual(['a:hold']);
    ds[0]!.finish();
    await tick();
    expect(ds[4]!.started).toBe(true);
    for (const d of ds.slice(1, 5)) d.finish();
    await tick();
    expect(ds[5]!.started).toBe(true);
    ds[5]!.finish();
    await Promise.all(done);
    expect(flow.inflight).toBe(0);
    expect(flow.peakInflight).toBe(4);
    expect(log).toEqual(['a:hold', 'a:release']);
  });

  it('holds every lane when the overall bound is reached, until the total falls to half', async () => {
    const log: string[] = [];
    const flow = new FlowControl({ maxInflight: 4, maxInflightPerClient: 10 });
    const a = lane(log, 'a');
    const b = lane(log, 'b');
    flow.addLane(a);
    flow.addLane(b);
    const da = Array.from({ length: 3 }, deferred);
    const db = Array.from({ length: 2 }, deferred);
    const runs = [...da.map((d) => flow.run(a, 1, d.task)), ...db.map((d) => flow.run(b, 1, d.task))];
    expect(flow.inflight).toBe(4);
    expect(db[1]!.started).toBe(false);
    expect(log).toEqual(['a:hold', 'b:hold']);
    da[0]!.finish();
    await tick();
    expect(db[1]!.started).toBe(true); // a free slot goes to parked work
    expect(log).toEqual(['a:hold', 'b:hold']); // still at the bound: nobody reads yet
    for (const d of [...da, ...db]) d.finish();
    await Promise.all(runs);
    expect(log.sort()).toEqual(['a:hold', 'a:release', 'b:hold', 'b:release']);
    expect(flow.peakInflight).toBe(4);
  });

  it('runs a task bigger than a bound alone rather than wedging', async () => {
    const flow = new FlowControl({ maxInflight: 10, maxInflightPerClient: 5 });
    const a = lane([], 'a');
    flow.addLane(a);
    await expect(flow.run(a, 50, () => Promise.resolve('big'))).resolves.toBe('big');
  });

  it('rejects parked work when its lane closes, and passes task failures through', async () => {
    const flow = new FlowControl({ maxInflight: 10, maxInflightPerClient: 1 });
    const a = lane([], 'a');
    flow.addLane(a);
    const first = deferred();
    const running = flow.run(a, 1, first.task);
    const parked = flow.run(a, 1, () => Promise.resolve());
    flow.removeLane(a);
    await expect(parked).rejects.toThrow('connection closed');
    first.finish();
    await running;
    await expect(flow.run(a, 1, () => Promise.reject(new Error('sink full')))).rejects.toThrow('sink full');
    expect(flow.inflight).toBe(0);
  });
});
