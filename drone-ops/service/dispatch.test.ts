import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distanceM } from '../geo/enu.js';
import { ll } from '../testing/fixtures.js';
import { DEFAULT_DRONE_TYPE } from './registry.js';
import { makeHarness, type Harness } from './testing.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
  for (const [id, x] of [['near', 0], ['far', 600]] as const) {
    await h.service.registerDock({ id, location: ll(x, 0) });
    await h.service.registerDrone({ id: `${id}-uav`, typeId: DEFAULT_DRONE_TYPE.id, dockId: id });
  }
});
afterEach(async () => {
  await h.close();
});

describe('dispatch with fallbacks', () => {
  it("answers the planner's ETA: climb plus transit at the commanded speed", async () => {
    const target = ll(-1500, 800);
    const r = await h.service.dispatchInspection({ ...target, priority: 'emergency', altM: 60 });
    if (!r.ok) throw new Error(r.message);
    expect(r.dock.dockId).toBe('near');
    // Independent: 60 m at the type's climb rate, then the straight line at its cruise speed.
    const expected = 60 / DEFAULT_DRONE_TYPE.climbMps + distanceM(ll(0, 0), target) / DEFAULT_DRONE_TYPE.cruiseMps;
    expect(r.dock.etaS).toBeCloseTo(expected, 0);
  });

  it('a conflicting emergency takes the next free slot instead of a 409, naming what it tried', async () => {
    const target = ll(300, 2000);
    // Another emergency over the same target, from a third dock, launching in a minute.
    await h.service.registerDock({ id: 'x', location: ll(300, 2600) });
    await h.service.registerDrone({ id: 'x-uav', typeId: DEFAULT_DRONE_TYPE.id, dockId: 'x' });
    const first = await h.service.planAndSchedule({ dockId: 'x', priority: 'emergency', pattern: { kind: 'point', target: { type: 'Point', coordinates: [target.lon, target.lat] }, altM: 60, hoverS: 60 } }, { at: Date.now() + 60_000 });
    if (!first.ok) throw new Error(first.message);
    // Every dock's flight crosses that airspace while it is reserved: equal priority, no pre-emption.
    const second = await h.service.dispatchInspection({ ...target, priority: 'emergency' });
    if (!second.ok) throw new Error(second.message);
    expect(second.tried?.map((t) => t.dockId).sort()).toEqual(['far', 'near', 'x']);
    expect(second.tried?.every((t) => /airspace conflicts with mission/.test(t.reason))).toBe(true);
    expect(second.delayedUntil).toBeGreaterThan(Date.now());
    expect(second.mission.status).toBe('scheduled');
    expect(second.mission.runAt).toBe(second.delayedUntil);
    // The refused attempts are visible, not left planned.
    expect(await h.service.listMissions({ status: ['planned'] })).toEqual([]);
  });
});
