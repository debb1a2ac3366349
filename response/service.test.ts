import { afterEach, describe, expect, it } from 'vitest';
import { freshSqliteDatabase } from '../test/servers/databases.js';
import { serviceHarness, type ServiceHarness } from './testing/service.js';

const SHINAN = { lon: 120.38, lat: 36.07 };
const north = (km: number) => ({ lon: SHINAN.lon, lat: SHINAN.lat + km / 111.195 });
const ADMIN = { id: 'admin', name: 'admin' };

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function withUnits(): Promise<ServiceHarness> {
  h = await serviceHarness(freshSqliteDatabase);
  const plan = { id: 'gas-II', kind: 'gas', ruleId: null, level: 'II', steps: [{ unitType: 'gas_repair', count: 1, title: 'Stop the leak', instructions: '', required: true }], acceptWithinMin: 10, arriveWithinMin: 45, drone: false, auto: false, notify: { city: [], district: [] }, escalation: ['next_unit', 'supervisor'] };
  await h.service.catalog.putPlan(plan, 'admin', 'gas-II');
  for (const [id, km] of [['g1', 1], ['g2', 2]] as const) await h.service.catalog.putResource({ id, kind: 'unit', name: `Unit ${id}`, type: 'gas_repair', location: north(km), alertKinds: ['gas'] });
  return h;
}

describe('the proposal', () => {
  it('offers nothing more once the required task is verified (nor while it is done)', async () => {
    const { service, alerts } = await withUnits();
    alerts.add('a1');
    expect((await service.response('a1')).proposal.map((p) => p.unitId)).toEqual(['g1']);
    const [t] = (await service.dispatch('a1', undefined, ADMIN)).tasks;
    expect((await service.response('a1')).proposal).toEqual([]);
    const viewer = {};
    await service.act(t!.id, { type: 'accept' }, ADMIN, viewer);
    await service.act(t!.id, { type: 'status', state: 'done' }, ADMIN, viewer);
    expect((await service.response('a1')).proposal).toEqual([]);
    await service.act(t!.id, { type: 'verify' }, ADMIN, viewer);
    expect((await service.response('a1')).proposal).toEqual([]);
    expect((await service.dispatch('a1', undefined, ADMIN)).tasks).toEqual([]);
  });

  it('offers the next unit again when the task ended without a result (cancelled)', async () => {
    const { service, alerts } = await withUnits();
    alerts.add('a2');
    const [t] = (await service.dispatch('a2', undefined, ADMIN)).tasks;
    await service.act(t!.id, { type: 'cancel', reason: 'wrong crew' }, ADMIN, {});
    expect((await service.response('a2')).proposal.map((p) => p.unitId)).toEqual(['g2']);
  });
});
