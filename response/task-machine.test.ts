import { describe, expect, it } from 'vitest';
import { applyTaskAction, pendingDeadline } from './task-machine.js';
import { T0, task } from './testing.js';

const who = { id: 'p1', name: 'ana' };

describe('task state machine', () => {
  it('walks dispatched → accepted → en route → on site → done → verified with times and history', () => {
    let t = task('t1');
    const steps = [{ type: 'accept' }, { type: 'status', state: 'en_route' }, { type: 'status', state: 'on_site' }, { type: 'status', state: 'done' }, { type: 'verify' }] as const;
    steps.forEach((a, i) => {
      const r = applyTaskAction(t, a, who, T0 + i + 1, T0 + i);
      if (!r.ok) throw new Error(r.reason);
      expect(r.event).toMatchObject({ at: T0 + i + 1, clientAt: T0 + i, by: 'p1', byName: 'ana' });
      t = r.task;
    });
    expect(t).toMatchObject({ state: 'verified', acceptedAt: T0 + 1, arrivedAt: T0 + 3, doneAt: T0 + 4, verifiedAt: T0 + 5 });
  });

  it('refuses illegal transitions with a reason', () => {
    expect(applyTaskAction(task('t1'), { type: 'verify' }, who, T0)).toEqual({ ok: false, reason: 'A dispatched task cannot become verified' });
    expect(applyTaskAction(task('t1', { state: 'declined' }), { type: 'accept' }, who, T0).ok).toBe(false);
    expect(applyTaskAction(task('t1', { state: 'verified' }), { type: 'cancel', reason: 'x' }, who, T0).ok).toBe(false);
  });

  it('keeps the decline reason and accepts implicitly when a report comes before the accept', () => {
    const d = applyTaskAction(task('t1'), { type: 'decline', reason: 'crew busy' }, who, T0);
    expect(d.ok && d.event.note).toBe('crew busy');
    const r = applyTaskAction(task('t1'), { type: 'status', state: 'on_site' }, who, T0 + 7);
    expect(r.ok && r.task).toMatchObject({ state: 'on_site', acceptedAt: T0 + 7, arrivedAt: T0 + 7 });
  });

  it('names the deadline a task waits on', () => {
    expect(pendingDeadline(task('t1'))).toEqual({ kind: 'accept', at: T0 + 300_000 });
    expect(pendingDeadline(task('t1', { state: 'en_route' }))).toEqual({ kind: 'arrive', at: T0 + 1_800_000 });
    expect(pendingDeadline(task('t1', { state: 'on_site' }))).toBeNull();
  });
});
