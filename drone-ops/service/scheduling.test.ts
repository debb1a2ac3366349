import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ll, squareM, lineM as line } from '../testing/fixtures.js';
import { DEFAULT_DRONE_TYPE } from './registry.js';
import type { PatrolFiring } from './service.js';
import { makeHarness, recordChanges, type Harness } from './testing.js';
import type { Pattern } from './types.js';

let h: Harness;
const firings: PatrolFiring[] = [];
beforeEach(async () => {
  firings.length = 0;
  h = await makeHarness({ patrolFired: (e) => firings.push(e) });
  await h.service.registerDock({ id: 'd1', location: ll(0, 0) });
  await h.service.registerDrone({ id: 'u1', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd1' });
});
afterEach(async () => {
  await h.close();
});

const corridor: Pattern = { kind: 'corridor', line: line([100, 0], [700, 0]), widthM: 40, spacingM: 20, altM: 60 };

describe('patrol firings are never silent', () => {
  it('a firing whose plan a new zone refuses becomes a refused mission with the reason, and is counted', async () => {
    const created = await h.service.createPatrol({ id: 'river', dockId: 'd1', pattern: corridor, cron: '0 0 3 * * *' });
    if (!('patrol' in created)) throw new Error(created.message);
    // A temporary restriction over the corridor, declared after the patrol was accepted.
    await h.service.putZone({ id: 'tfr-1', footprint: squareM(400, 0, 150), floorM: 0, ceilingM: 500 });
    const seen = recordChanges(h.bus);
    const r = await h.service.firePatrol('river');
    expect(r.refused).toMatch(/tfr-1/);
    const [m] = await h.service.listMissions({ patrolId: 'river' });
    expect(m).toMatchObject({ status: 'refused', patrolId: 'river', dockId: 'd1', droneId: 'u1' });
    expect(m?.note).toMatch(/^refused: .*tfr-1/);
    expect(await h.service.history(m!.id)).toMatchObject([{ from: null, to: 'refused' }]);
    expect(seen).toMatchObject([{ missionId: m!.id, to: 'refused', patrolId: 'river' }]);
    expect(firings).toEqual([{ patrolId: 'river', outcome: 'refused', reason: 'geofence' }]);
  });

  it('a firing that conflicts with reserved airspace leaves its missions refused, not planned', async () => {
    await h.service.registerDock({ id: 'd2', location: ll(0, 100) });
    await h.service.registerDrone({ id: 'u2', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'd2' });
    const busy = await h.service.planAndSchedule({ dockId: 'd2', pattern: corridor, priority: 'emergency' }, { at: Date.now() + 3_600_000 });
    if (!busy.ok) throw new Error(busy.message);
    // The patrol would fly now, the emergency's slot is an hour away: fire it in the emergency's window instead.
    await h.service.createPatrol({ id: 'river', dockId: 'd1', pattern: corridor, cron: '0 0 3 * * *' });
    vi.useFakeTimers({ now: Date.now() + 3_600_000, toFake: ['Date'] });
    try {
      const r = await h.service.firePatrol('river');
      expect(r.refused).toMatch(/airspace conflicts with mission/);
    } finally {
      vi.useRealTimers();
    }
    expect(await h.service.listMissions({ status: ['planned'] })).toEqual([]);
    expect(await h.service.listMissions({ patrolId: 'river' })).toMatchObject([{ status: 'refused' }]);
    expect(firings).toEqual([{ patrolId: 'river', outcome: 'refused', reason: 'conflict' }]);
  });

  it('a firing for a deleted patrol removes the orphan schedule', async () => {
    await h.scheduler.scheduleRecurring('patrol:gone', { cron: '0 0 3 * * *' }, { kind: 'patrol.fire', payload: { patrolId: 'gone' } });
    expect(await h.service.firePatrol('gone')).toEqual({ refused: 'patrol deleted' });
    expect(await h.scheduler.listRecurring()).toEqual([]);
  });
});

describe('reconcile: the store is the source of truth', () => {
  it('rebuilds lost patrol schedules, launch jobs and intents, and removes orphans', async () => {
    await h.service.createPatrol({ id: 'river', dockId: 'd1', pattern: corridor, cron: '0 0 3 * * *' });
    const at = Date.now() + 600_000;
    const s = await h.service.planAndSchedule({ dockId: 'd1', pattern: corridor }, { at });
    if (!s.ok) throw new Error(s.message);
    const id = s.missions[0]!.id;
    expect(await h.service.reconcile()).toEqual({ patrols: [], orphans: [], launches: [], late: [], intents: [], unreserved: [] });
    // What a Redis restarted empty looks like: schedules, jobs and intents gone, the store intact.
    await h.scheduler.removeRecurring('patrol:river');
    await h.scheduler.cancel(`mission:${id}`);
    await h.intents.remove(id);
    await h.scheduler.scheduleRecurring('patrol:ghost', { cron: '0 0 3 * * *' }, { kind: 'patrol.fire', payload: { patrolId: 'ghost' } });
    // (the memory scheduler keeps a cancelled id taken; a restarted Redis does not: drop the record)
    const before = await h.scheduler.get(`mission:${id}`);
    expect(before?.state).toBe('cancelled');
    const r = await h.service.reconcile();
    expect(r.patrols).toEqual(['river']);
    expect(r.orphans).toEqual(['patrol:ghost']);
    expect(r.intents).toEqual([id]);
    expect((await h.scheduler.listRecurring()).map((x) => x.id)).toEqual(['patrol:river']);
    expect((await h.intents.list(Date.now())).map((i) => i.id)).toEqual([id]);
  });
});
