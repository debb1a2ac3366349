import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshSqliteDatabase } from '../test/servers/databases.js';
import { RESPONSE_SAMPLE_FILE } from './index.js';
import { serviceHarness, type ServiceHarness } from './testing/service.js';

const SHINAN = { lon: 120.38, lat: 36.07 };
const north = (km: number) => ({ lon: SHINAN.lon, lat: SHINAN.lat + km / 111.195 });
const ADMIN = { id: 'admin', name: 'admin' };

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const gasPlan = (over: Record<string, unknown> = {}) => ({
  id: 'gas-II', kind: 'gas', ruleId: null, level: 'II', steps: [{ unitType: 'gas_repair', count: 1, title: 'Stop the leak', instructions: '', required: true }],
  acceptWithinMin: 10, arriveWithinMin: 45, drone: false, auto: false, notify: { city: [], district: [] }, escalation: ['next_unit', 'supervisor'], ...over,
});
const gasUnit = (id: string, km: number, supervisor?: string) => ({ id, kind: 'unit', name: `Unit ${id}`, type: 'gas_repair', location: north(km), alertKinds: ['gas'], ...(supervisor ? { supervisor } : {}) });

/** g1 and g2 (gas repair, 1 and 2 km away), with `supervisor` (registered first) when given. */
async function withUnits(supervisor?: { id: string; type: string }): Promise<ServiceHarness> {
  h = await serviceHarness(freshSqliteDatabase);
  if (supervisor) await h.service.catalog.putResource({ id: supervisor.id, kind: 'unit', name: 'Duty supervisor', type: supervisor.type, location: north(9), alertKinds: ['water'] });
  await h.service.catalog.putPlan(gasPlan(), 'admin', 'gas-II');
  for (const [id, km] of [['g1', 1], ['g2', 2]] as const) await h.service.catalog.putResource(gasUnit(id, km, supervisor?.id));
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

describe('deadlines after an escalation', () => {
  /** The gas II plan with deadlines in fractions of a minute (0.002 min = 120 ms). */
  async function timedPlan(s: ServiceHarness, escalation: string[], acceptWithinMin: number, arriveWithinMin: number): Promise<void> {
    await s.service.catalog.putPlan(gasPlan({ acceptWithinMin, arriveWithinMin, escalation }), 'admin', 'gas-II');
  }
  const tasksOf = async (s: ServiceHarness, alertId: string) => (await s.service.store.listTasks({ alertId, limit: 50 })).reverse();

  it('times the next unit and then the supervisor by the plan: each missed deadline escalates again', async () => {
    // The supervisor handles water only: never proposed for gas, reached by escalation alone.
    const s = await withUnits({ id: 'sup', type: 'gas_repair' });
    await timedPlan(s, ['next_unit', 'supervisor'], 0.002, 0.01);
    s.alerts.add('a3');
    await s.service.dispatch('a3', undefined, ADMIN);
    // g1 misses → g2 (next nearest) misses → no gas unit left → the supervisor, who misses too.
    const chain = await vi.waitFor(async () => {
      const ts = await tasksOf(s, 'a3');
      if (ts.length < 3 || s.alerts.overdue.filter((o) => o.taskId === ts[2]!.id).length === 0) throw new Error(`chain so far: ${ts.map((t) => `${t.unitId}:${t.state}`).join(' ')}`);
      return ts;
    }, { timeout: 15_000, interval: 20 });
    expect(chain.map((t) => t.unitId)).toEqual(['g1', 'g2', 'sup']);
    expect(chain[1]!.replaces).toBe(chain[0]!.id);
    expect(chain[2]).toMatchObject({ replaces: chain[1]!.id, title: 'Escalated: Stop the leak', planId: 'gas-II', state: 'reassigned' });
    for (const t of chain) expect(t.acceptBy - t.createdAt).toBe(0.002 * 60_000);
    expect(s.alerts.overdue.map((o) => chain.findIndex((t) => t.id === o.taskId))).toEqual(expect.arrayContaining([0, 1, 2]));
  });

  it('times the arrival of a task whose accept deadline went to the supervisor, once it is accepted', async () => {
    const s = await withUnits({ id: 'sup', type: 'police' });
    await timedPlan(s, ['supervisor'], 0.002, 0.004);
    s.alerts.add('a4');
    const [t] = (await s.service.dispatch('a4', undefined, ADMIN)).tasks;
    await vi.waitFor(async () => expect((await tasksOf(s, 'a4')).map((x) => x.unitId)).toEqual(['g1', 'sup']), { timeout: 15_000, interval: 20 });
    expect((await s.service.store.getTask(t!.id))).toMatchObject({ state: 'dispatched', escalated: ['accept'] });
    await s.service.act(t!.id, { type: 'accept' }, ADMIN, {});
    await vi.waitFor(() => expect(s.alerts.overdue.filter((o) => o.taskId === t!.id).map((o) => o.note)).toEqual([expect.stringMatching(/did not accept/), expect.stringMatching(/did not arrive/)]), { timeout: 15_000, interval: 20 });
    await vi.waitFor(async () => expect(await s.service.store.getTask(t!.id)).toMatchObject({ state: 'accepted', escalations: 2, escalated: ['accept', 'arrive'] }), { timeout: 5_000 });
    // The supervisor is already on it: no second supervisor task.
    expect((await tasksOf(s, 'a4')).map((x) => x.unitId)).toEqual(['g1', 'sup']);
  });
});

describe('duty desks', () => {
  it('tells the city and district desks the plan names through the notifier, and records each on the alert', async () => {
    const s = await withUnits();
    await s.service.catalog.putPlan(gasPlan({ notify: { city: ['city gas authority'], district: ['district command centre'] } }), 'admin', 'gas-II');
    const desk = (id: string, org: string) => s.service.catalog.putResource({ id, kind: 'desk', name: `Desk ${id}`, org, location: north(3), channels: [{ type: 'sms', phone: '+86 532 0000 0009' }] });
    await s.service.catalog.putResource({ id: 'gas-auth', kind: 'desk', name: 'Desk gas-auth', name_zh: '燃气值班台', org: 'city gas authority', org_zh: '市燃气管理处', location: north(3), channels: [{ type: 'sms', phone: '+86 532 0000 0009' }] });
    await desk('shinan-cc', 'district command centre');
    await desk('other', 'water authority');
    s.alerts.add('a5');
    const { scope } = await s.service.response('a5');
    expect(scope.desks).toEqual([
      { id: 'gas-auth', name: 'Desk gas-auth', names: { en: 'Desk gas-auth', 'zh-CN': '燃气值班台' }, level: 'city' },
      { id: 'shinan-cc', name: 'Desk shinan-cc', names: { en: 'Desk shinan-cc', 'zh-CN': 'Desk shinan-cc' }, level: 'district' },
    ]);
    // The names the plan notifies in Chinese: the desk's own org_zh, else the default pack's Chinese for its names.
    expect(scope.organisations).toEqual(['city gas authority', 'district command centre']);
    expect(scope.organisationNames).toEqual([{ en: 'city gas authority', 'zh-CN': '市燃气管理处' }, { en: 'district command centre', 'zh-CN': '区应急指挥中心' }]);
    const { tasks } = await s.service.dispatch('a5', undefined, ADMIN);
    await vi.waitFor(() => expect(s.alerts.notes).toHaveLength(2));
    expect(s.notifier.desks.map((d) => [d.deskId, d.notice.level, d.notice.tasks.map((t) => t.id)])).toEqual([['gas-auth', 'city', [tasks[0]!.id]], ['shinan-cc', 'district', [tasks[0]!.id]]]);
    expect(s.alerts.notes).toEqual(expect.arrayContaining([{ id: 'a5', by: 'admin', note: 'Desk gas-auth (city desk gas-auth): sms delivered' }]));
    // Units are never desks: only the gas unit got a task notice.
    expect(s.notifier.sent.map((x) => x.unitId)).toEqual(['g1']);
  });
});

describe("units' names in both languages", () => {
  const zhUnit = (id: string, km: number, zh: string) => ({ ...gasUnit(id, km), name_zh: zh, org: 'Gas company', org_zh: '燃气公司' });

  it('the proposal, the task, its replacement, the overdue reason, the figures and the report carry the Chinese name', async () => {
    h = await serviceHarness(freshSqliteDatabase);
    const { service, alerts } = h;
    await service.catalog.putPlan(gasPlan(), 'admin', 'gas-II');
    await service.catalog.putResource(zhUnit('g1', 1, '一号抢修队'));
    await service.catalog.putResource(gasUnit('g2', 2));
    alerts.add('a6');
    const r = await service.response('a6');
    expect(r.proposal).toMatchObject([{ unitId: 'g1', unitName: 'Unit g1', unitNames: { en: 'Unit g1', 'zh-CN': '一号抢修队' } }]);
    expect(r.scope.organisationNames).toEqual([{ en: 'Gas company', 'zh-CN': '燃气公司' }]);
    const [t] = (await service.dispatch('a6', undefined, ADMIN)).tasks;
    expect(t).toMatchObject({ unitName: 'Unit g1', unitNames: { en: 'Unit g1', 'zh-CN': '一号抢修队' } });
    expect(await service.store.getTask(t!.id)).toMatchObject({ unitNames: { 'zh-CN': '一号抢修队' } });
    // A unit without a Chinese name: its name in every language.
    const { replacement } = await service.reassign(t!.id, undefined, ADMIN, {});
    expect(replacement).toMatchObject({ unitId: 'g2', unitNames: { en: 'Unit g2', 'zh-CN': 'Unit g2' } });
    // The task keeps the name it was made with when the unit is renamed.
    await service.catalog.putResource(zhUnit('g1', 1, '改名后的抢修队'));
    expect((await service.store.getTask(t!.id))?.unitNames?.['zh-CN']).toBe('一号抢修队');
    const k = await service.kpis({ from: 0, to: Date.now() + 60_000 });
    expect(k.byUnit.g1).toMatchObject({ unitName: 'Unit g1', unitNames: { 'zh-CN': '一号抢修队' } });
    const { declinedReason } = await import('./overdue-messages.js');
    expect(declinedReason(t!)['zh-CN']).toContain('一号抢修队');
    expect(declinedReason(t!).en).toContain('Unit g1');
    const { reportHtml } = await import('./report.js');
    const tasks = await service.store.listTasks({ limit: 10 });
    const zh = reportHtml('2026-12-04', k, tasks, { lang: 'zh-CN' });
    expect(zh).toContain('<td>一号抢修队</td>');
    expect(zh).toContain('一号抢修队 (g1)');
    expect(zh).not.toContain('Unit g1');
    expect(reportHtml('2026-12-04', k, tasks, { lang: 'en' })).toContain('<td>Unit g1</td>');
  });
});

describe('sample resources an earlier version loaded', () => {
  it('get their Chinese names from the sample file; a renamed one, one already named and another organisation are left alone', async () => {
    h = await serviceHarness(freshSqliteDatabase);
    const { service } = h;
    const text = readFileSync(RESPONSE_SAMPLE_FILE, 'utf8');
    // What an earlier version stored: the sample without name_zh and org_zh.
    const old = JSON.parse(text) as { features: { properties: Record<string, unknown> }[] };
    for (const f of old.features) {
      delete f.properties.name_zh;
      delete f.properties.org_zh;
    }
    expect(await service.catalog.importResources(JSON.stringify(old), 'geojson')).toMatchObject({ created: 40, failed: 0 });
    const renamed = await service.store.getResource('shibei-police');
    await service.store.putResource({ ...renamed!, name: 'Shibei night patrol' });
    const ownOrg = await service.store.getResource('shibei-medical');
    await service.store.putResource({ ...ownOrg!, org: 'Private ambulance co' });
    const named = await service.store.getResource('licang-police');
    await service.store.putResource({ ...named!, name_zh: '李沧巡逻' });
    expect(await service.catalog.addChineseNames(text)).toBe(38);
    expect(await service.store.getResource('shinan-gas-repair')).toMatchObject({ name: 'Shinan gas emergency repair crew (sample)', name_zh: '市南区燃气抢修队（示例）', org_zh: '青岛燃气公司（示例）' });
    expect(await service.store.getResource('shibei-police')).not.toHaveProperty('name_zh');
    expect(await service.store.getResource('shibei-medical')).toMatchObject({ name_zh: '市北区急救站（示例）', org: 'Private ambulance co' });
    expect(await service.store.getResource('shibei-medical')).not.toHaveProperty('org_zh');
    expect((await service.store.getResource('licang-police'))?.name_zh).toBe('李沧巡逻');
    expect(await service.store.getResource('shelter-shinan-school')).toMatchObject({ org: null, name_zh: '市南区学校体育馆避难场所（示例）' });
    // Once named, a second start changes nothing.
    expect(await service.catalog.addChineseNames(text)).toBe(0);
  });
});
