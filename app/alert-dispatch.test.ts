/**
 * The alert ↔ drone-ops adapters over a real DroneOpsService (SQLite :memory:, memory scheduler, fake
 * link): dispatch picks the nearest available dock and flies; refusals are values with the error code;
 * resources list every dock with availability, ETA and reasons, without planning anything.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DRONE_TYPE } from '../drone-ops/service/index.js';
import { makeHarness, recordChanges, waitStatus, type Harness } from '../drone-ops/service/testing.js';
import { ll } from '../drone-ops/testing/fixtures.js';
import type { StoredAlert } from '../rules-engine/store/index.js';
import type { ResourceFinder } from '../rules-engine/service/index.js';
import { droneDispatcher, droneResourceFinder } from './alert-dispatch.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

async function dockAt(id: string, x: number, y: number): Promise<void> {
  await h.service.registerDock({ id, location: ll(x, y) });
  await h.service.registerDrone({ id: `${id}-uav`, typeId: DEFAULT_DRONE_TYPE.id, dockId: id });
}

const sensorsOnly: ResourceFinder = { find: () => Promise.resolve({ sensors: [{ deviceId: 'gw-2', kind: 'gas', distanceM: 100 }], docks: { available: 'unknown', items: [] } }) };

function alertAt(x: number, y: number | null): StoredAlert {
  const location = y === null ? null : ll(x, y);
  return { id: 'gas.ch4|gw-1|1', labels: { location }, impact: null, resources: null } as unknown as StoredAlert;
}

describe('droneDispatcher', () => {
  it('sends the nearest available dock at the requested priority; the mission names the alert and flies to completion', async () => {
    await dockAt('near', 500, 0);
    await dockAt('far', 3_000, 0);
    const seen = recordChanges(h.bus);
    const r = await droneDispatcher(h.service).dispatch({ alertId: 'gas.ch4|gw-1|1', location: ll(0, 0), priority: 'emergency' });
    if (!r.ok) throw new Error(r.message);
    expect(r.dockId).toBe('near');
    expect(r.etaS).toBeGreaterThan(0);
    expect(r.mission).toMatchObject({ id: r.missionId, status: 'scheduled', dockId: 'near', alertId: 'gas.ch4|gw-1|1', kind: 'point' });
    expect(r.mission).not.toHaveProperty('plan');
    await waitStatus(seen, r.missionId, 'completed');
    const steps = seen.filter((c) => c.missionId === r.missionId);
    expect(steps.map((c) => c.to)).toEqual(['planned', 'scheduled', 'preflight', 'uploading', 'in_flight', 'returning', 'completed']);
    expect(steps.every((c) => c.alertId === 'gas.ch4|gw-1|1' && c.priority === steps[0]!.priority)).toBe(true);
  });

  it('answers DOCK_UNAVAILABLE as a value, with every dock and its reasons, when no dock can fly', async () => {
    await dockAt('d1', 500, 0);
    await h.service.reportDock('d1', { status: 'maintenance' });
    const r = await droneDispatcher(h.service).dispatch({ alertId: 'a', location: ll(0, 0), priority: 'inspection' });
    expect(r).toMatchObject({ ok: false, code: 'DOCK_UNAVAILABLE', details: { rejected: [{ dockId: 'd1', reasons: [{ code: 'maintenance' }] }] } });
    expect(await h.service.listMissions({})).toEqual([]);
  });
});

describe('droneResourceFinder', () => {
  it('lists available docks by ETA, then unavailable ones by distance with reasons, and plans nothing', async () => {
    await dockAt('mid', 1_500, 0);
    await dockAt('near', 400, 0);
    await dockAt('closest-but-offline', 100, 0);
    await h.service.reportDock('closest-but-offline', { status: 'offline' });
    const found = await droneResourceFinder(sensorsOnly, h.service).find(alertAt(0, 0), null);
    expect(found.sensors).toEqual([{ deviceId: 'gw-2', kind: 'gas', distanceM: 100 }]);
    expect(found.docks.available).toBe('yes');
    expect(found.docks.items.map((d) => [d.dockId, d.available])).toEqual([['near', true], ['mid', true], ['closest-but-offline', false]]);
    const [near, mid, off] = found.docks.items;
    expect(near!.etaS).toBeLessThan(mid!.etaS!);
    expect(near!.distanceM).toBe(400);
    expect(off).toMatchObject({ distanceM: 100, reasons: [{ code: 'offline', message: 'dock is offline' }] });
    expect(off).not.toHaveProperty('etaS');
    expect(await h.service.listMissions({})).toEqual([]);
  });

  it('says `no` when every dock is unavailable and leaves docks unknown without a location', async () => {
    await dockAt('d1', 200, 0);
    await h.service.reportDock('d1', { status: 'charging' });
    const none = await droneResourceFinder(sensorsOnly, h.service).find(alertAt(0, 0), null);
    expect(none.docks).toMatchObject({ available: 'no', items: [{ dockId: 'd1', available: false, reasons: [{ code: 'busy' }] }] });
    const nowhere = await droneResourceFinder(sensorsOnly, h.service).find(alertAt(0, null), null);
    expect(nowhere.docks).toEqual({ available: 'unknown', items: [] });
  });
});
