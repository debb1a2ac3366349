import { describe, expect, it } from 'vitest';
import { figures, isOverdue, kpiReport } from './kpis.js';
import { reportHtml, shanghaiDay } from './report.js';
import { T0, task } from './testing.js';

const MIN = 60_000;

describe('closed-loop figures', () => {
  const done = task('a', { state: 'verified', acceptedAt: T0 + 2 * MIN, arrivedAt: T0 + 20 * MIN, doneAt: T0 + 40 * MIN, verifiedAt: T0 + 50 * MIN });
  const late = task('b', { unitId: 'u2', unitName: 'Unit u2', district: '370203', state: 'on_site', acceptedAt: T0 + 8 * MIN, arrivedAt: T0 + 25 * MIN });
  const moved = task('c', { state: 'declined' });

  it('times each step from the task (dispatch from the alert) and counts disposal and overdue', () => {
    const f = figures([done, late, moved], T0 + 60 * MIN);
    expect(f).toMatchObject({ tasks: 3, verified: 1, disposalRate: 0.5, overdue: 1 });
    expect(f.dispatch).toEqual({ n: 3, medianS: 60, p90S: 60 });
    expect(f.accept).toEqual({ n: 2, medianS: 120, p90S: 480 });
    expect(f.resolve).toEqual({ n: 1, medianS: 3000, p90S: 3000 });
  });

  it('calls a task overdue when accepted or arrived late, still waiting past a deadline, or escalated', () => {
    expect(isOverdue(task('x'), T0 + 6 * MIN)).toBe(true);
    expect(isOverdue(task('x'), T0 + 4 * MIN)).toBe(false);
    expect(isOverdue(task('x', { state: 'en_route', acceptedAt: T0 + MIN }), T0 + 31 * MIN)).toBe(true);
    expect(isOverdue(task('x', { escalations: 1, state: 'verified' }), T0)).toBe(true);
  });

  it('groups by unit, district and kind; and prints a page', () => {
    const k = kpiReport([done, late], T0, T0 + 86_400_000, T0 + 60 * MIN);
    expect(Object.keys(k.byUnit)).toEqual(['u1', 'u2']);
    expect(k.byUnit.u2).toMatchObject({ unitName: 'Unit u2', tasks: 1 });
    expect(Object.keys(k.byDistrict)).toEqual(['370202', '370203']);
    expect(k.byKind.gas!.tasks).toBe(2);
    expect(reportHtml('2025-10-09', k, [task('h', { unitName: '<b>' })])).toContain('&lt;b&gt;');
    expect(shanghaiDay('2025-10-09')).toEqual({ from: Date.parse('2025-10-08T16:00:00Z'), to: Date.parse('2025-10-09T16:00:00Z') });
    expect(shanghaiDay('2025-13-45')).toBeNull();
  });
});
