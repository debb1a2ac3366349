/**
 * Response deadlines, reassignment, scope and bad input over HTTP (docs/response.md): an unaccepted task
 * escalates at its deadline (also across a restart), a declined task goes to the next nearest unit, then to
 * the supervisor; a district operator and a responder see only their own; refusals are named errors.
 */
import Sqlite from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { api, bootPlatform, TOKEN } from './helpers.js';
import { addUnit, call, near, person, raiseAlert } from './response-helpers.js';

interface Task { id: string; unitId: string; state: string; replaces: string | null; title: string }
const SHINAN = { lon: 120.38, lat: 36.07 };
const LICANG = { lon: 120.42, lat: 36.16 };

const tasksOf = async (p: Platform, alertId: string) => (await api<{ items: Task[] }>(p, 'GET', `/api/v1/tasks?alert=${encodeURIComponent(alertId)}`)).body.items;

/** The gas level III plan with a tight accept deadline (in minutes; 0.02 min = 1.2 s). */
async function tightPlan(p: Platform, acceptWithinMin: number): Promise<void> {
  const cur = (await api<Record<string, unknown>>(p, 'GET', '/api/v1/response/plans/gas-III')).body;
  const { version: _v, updatedAt: _u, updatedBy: _b, history: _h, ...input } = cur;
  const r = await api(p, 'PUT', '/api/v1/response/plans/gas-III', { ...input, acceptWithinMin, arriveWithinMin: 60, steps: [{ unitType: 'gas_repair', count: 1, title: 'Find the leak', instructions: 'Measure', required: true }] });
  expect(r.status).toBe(200);
}

describe('response deadlines and reassignment', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await bootPlatform({}, {}, { responseNotifyRetryMs: [50] });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('an unaccepted task escalates at its deadline to the next nearest unit and raises response-overdue', async () => {
    await addUnit(p, 'g1', 'gas_repair', near(SHINAN, 1), { alertKinds: ['gas'] });
    await addUnit(p, 'g2', 'gas_repair', near(SHINAN, 2), { alertKinds: ['gas'] });
    await tightPlan(p, 0.02);
    const a = await raiseAlert(p, 'GW-T1', 'gas', SHINAN, { ch4_lel: 21 });
    const d = await api<{ tasks: Task[] }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/response/dispatch`, {});
    expect(d.body.tasks.map((t) => t.unitId)).toEqual(['g1']);
    const [first] = d.body.tasks;
    const all = await vi.waitFor(async () => {
      const ts = await tasksOf(p, a.id);
      if (!ts.some((t) => t.replaces === first!.id)) throw new Error('not escalated yet');
      return ts;
    }, { timeout: 15_000, interval: 100 });
    expect(all.find((t) => t.id === first!.id)!.state).toBe('reassigned');
    const second = all.find((t) => t.replaces === first!.id)!;
    expect(second.unitId).toBe('g2');
    // The escalated task is timed again by the plan: g2 does not accept either, and no gas unit is left.
    await vi.waitFor(async () => expect((await tasksOf(p, a.id)).find((t) => t.id === second.id)!.state).toBe('reassigned'), { timeout: 15_000, interval: 100 });
    const overdue = await api<{ items: { ruleId: string; message: string; severity: string }[] }>(p, 'GET', '/api/v1/alerts?status=open');
    expect(overdue.body.items.find((x) => x.ruleId === 'response-overdue')).toMatchObject({ severity: 'yellow', message: expect.stringMatching(/did not accept/) });
    await a.close();
  }, 60_000);

  it('a declined task goes to the next nearest unit, then to the supervisor when none is left', async () => {
    await addUnit(p, 'sup', 'fire_rescue', near(LICANG, 8));
    // A type no other test registers: once l1 and l2 have declined, no unit of it is left.
    await addUnit(p, 'l1', 'heat_company', near(LICANG, 0.5), { supervisor: 'sup' });
    await addUnit(p, 'l2', 'heat_company', near(LICANG, 1.5), { supervisor: 'sup' });
    const crew = await person(p, 'l1-crew', 'responder', { unit: 'l1' });
    const a = await raiseAlert(p, 'GW-T2', 'gas', LICANG, { ch4_lel: 27 });
    const d = await api<{ tasks: Task[] }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/response/dispatch`, { tasks: [{ unitId: 'l1', unitType: 'heat_company', title: 'Shut the heat main', instructions: '', required: true }] });
    const t1 = d.body.tasks[0]!;
    expect((await call(p, 'POST', `/api/v1/tasks/${t1.id}/decline`, { reason: 'crew at another leak' }, crew)).status).toBe(200);
    const t2 = await vi.waitFor(async () => (await tasksOf(p, a.id)).find((t) => t.replaces === t1.id) ?? Promise.reject(new Error('no replacement')), { timeout: 10_000 });
    expect(t2.unitId).toBe('l2');
    expect((await api(p, 'POST', `/api/v1/tasks/${t2.id}/decline`, { reason: 'no crew' })).status).toBe(200);
    const t3 = await vi.waitFor(async () => (await tasksOf(p, a.id)).find((t) => t.replaces === t2.id) ?? Promise.reject(new Error('no supervisor task')), { timeout: 10_000 });
    expect(t3).toMatchObject({ unitId: 'sup', title: expect.stringMatching(/^Escalated/) });
    await a.close();
  }, 60_000);

  it('scope: a district operator sees nothing outside their districts; a responder only their unit', async () => {
    const a = await raiseAlert(p, 'GW-T3', 'gas', SHINAN, { ch4_lel: 27 });
    const aid = encodeURIComponent(a.id);
    const d = await api<{ tasks: Task[] }>(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, { tasks: [{ unitId: 'g2', unitType: 'gas_repair', title: 'x', instructions: '', required: false }] });
    const t = d.body.tasks[0]!;
    const shibei = await person(p, 'shibei-op', 'operator', { districts: ['370203'] });
    expect((await call<{ items: Task[] }>(p, 'GET', '/api/v1/tasks', undefined, shibei)).body.items).toEqual([]);
    expect((await call(p, 'GET', `/api/v1/tasks/${t.id}`, undefined, shibei)).status).toBe(404);
    expect((await call(p, 'POST', `/api/v1/tasks/${t.id}/verify`, {}, shibei)).status).toBe(404);
    expect((await call(p, 'GET', `/api/v1/alerts/${aid}/response`, undefined, shibei)).status).toBe(404);
    expect((await call(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, {}, shibei)).status).toBe(404);
    const shinan = await person(p, 'shinan-op', 'operator', { districts: ['370202'] });
    expect((await call<{ items: Task[] }>(p, 'GET', `/api/v1/tasks?alert=${aid}`, undefined, shinan)).body.items.map((x) => x.id)).toEqual([t.id]);
    const other = await person(p, 'g1-crew', 'responder', { unit: 'g1' });
    expect((await call<{ items: Task[] }>(p, 'GET', `/api/v1/tasks?unit=g2`, undefined, other)).body.items).toEqual([]);
    expect((await call(p, 'POST', `/api/v1/tasks/${t.id}/status`, { state: 'on_site' }, other)).status).toBe(404);
    const viewer = await person(p, 'hall', 'viewer');
    expect((await call(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, {}, viewer)).status).toBe(403);
    await a.close();
  }, 60_000);

  it('bad input: unknown unit, plan with an unknown unit type, bad resource rows — a named error each, nothing else changed', async () => {
    const a = await raiseAlert(p, 'GW-T4', 'gas', SHINAN, { ch4_lel: 27 });
    const aid = encodeURIComponent(a.id);
    const bad = await api(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, { tasks: [{ unitId: 'nope', unitType: 'gas_repair', title: 'x', instructions: '', required: true }] });
    expect(bad).toMatchObject({ status: 404, body: { error: { code: 'UNIT_NOT_FOUND' } } });
    expect(await tasksOf(p, a.id)).toEqual([]);
    const before = (await api<{ version: number }>(p, 'GET', '/api/v1/response/plans/gas-I')).body.version;
    const plan = (await api<Record<string, unknown>>(p, 'GET', '/api/v1/response/plans/gas-I')).body;
    const { version: _v, updatedAt: _u, updatedBy: _b, history: _h, ...input } = plan;
    const r = await api<{ error: { code: string; message: string; details: { errors: { path: string }[] } } }>(p, 'PUT', '/api/v1/response/plans/gas-I', { ...input, steps: [{ unitType: 'crane', count: 1, title: 'lift', instructions: '', required: true }] });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'PLAN_INVALID', message: expect.stringMatching(/unknown unit type "crane"/), details: { errors: [{ path: '/steps/0/unitType' }] } });
    expect((await api<{ version: number }>(p, 'GET', '/api/v1/response/plans/gas-I')).body.version).toBe(before);
    const u = await api(p, 'POST', '/api/v1/response/resources', { id: 'x1', kind: 'unit', name: 'x', type: 'submarine', location: SHINAN });
    expect(u).toMatchObject({ status: 422, body: { error: { code: 'UNIT_INVALID' } } });
    const csv = 'id,kind,name,type,lon,lat,alertKinds\nc1,unit,Crew 1,gas_repair,120.38,36.07,gas\nc2,unit,Crew 2,crane,120.38,36.07,gas\n,unit,No id,police,120.38,36.07,\n';
    const imp = await fetch(`${p.http.url}/api/v1/response/resources/import`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' }, body: csv });
    const report = (await imp.json()) as { created: number; failed: number; errors: { row: number; code: string }[] };
    expect(report).toMatchObject({ created: 1, failed: 2 });
    expect(report.errors.map((e) => [e.row, e.code])).toEqual([[2, 'UNIT_INVALID'], [3, 'UNIT_INVALID']]);
    expect((await api(p, 'GET', '/api/v1/response/resources/c1')).status).toBe(200);
    expect((await api(p, 'POST', '/api/v1/tasks/nope/accept', {})).body).toMatchObject({ error: { code: 'TASK_NOT_FOUND' } });
    await a.close();
  }, 60_000);

  it("a unit's Chinese name: stored and read back, imported, refused when bad; the proposal, the task and the session carry it, by Accept-Language", async () => {
    const LAOSHAN = { lon: 120.47, lat: 36.1 };
    const zhName = '崂山区燃气抢修队（测试）';
    const made = await addUnit(p, 'zh1', 'gas_repair', near(LAOSHAN, 0.3), { alertKinds: ['gas'], name: 'Laoshan gas crew (test)', name_zh: zhName, org: 'Gas company (test)', org_zh: '燃气公司（测试）' });
    expect(made.resource).toMatchObject({ name: 'Laoshan gas crew (test)', name_zh: zhName, org_zh: '燃气公司（测试）' });
    expect((await api(p, 'GET', '/api/v1/response/resources/zh1')).body).toMatchObject({ name: 'Laoshan gas crew (test)', name_zh: zhName, org: 'Gas company (test)', org_zh: '燃气公司（测试）' });
    expect((await api<{ items: { id: string; name_zh?: string }[] }>(p, 'GET', '/api/v1/response/resources?kind=unit&type=gas_repair')).body.items.find((r) => r.id === 'zh1')?.name_zh).toBe(zhName);
    // Bad names are refused at their field; the stored unit is unchanged.
    const input = { id: 'zh1', kind: 'unit', name: 'Laoshan gas crew (test)', type: 'gas_repair', location: near(LAOSHAN, 0.3), alertKinds: ['gas'], capacity: 2 };
    const empty = await api<{ error: { code: string; details: { errors: { path: string }[] } } }>(p, 'PUT', '/api/v1/response/resources/zh1', { ...input, name_zh: '' });
    expect(empty.status).toBe(422);
    expect(empty.body.error).toMatchObject({ code: 'UNIT_INVALID', details: { errors: [{ path: '/name_zh' }] } });
    const orphan = await api<{ error: { details: { errors: { path: string }[] } } }>(p, 'PUT', '/api/v1/response/resources/zh1', { ...input, org_zh: '燃气公司' });
    expect(orphan.body.error.details.errors.map((e) => e.path)).toEqual(['/org_zh']);
    expect((await api(p, 'GET', '/api/v1/response/resources/zh1')).body).toMatchObject({ name_zh: zhName });
    // CSV import: the name_zh and org_zh columns.
    const csv = 'id,kind,name,name_zh,type,org,org_zh,lon,lat,alertKinds\nzh-csv,unit,Crew CSV,导入的抢修队,gas_repair,Gas co,燃气公司,120.6,36.3,gas\n';
    const imp = await fetch(`${p.http.url}/api/v1/response/resources/import`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' }, body: csv });
    expect(await imp.json()).toMatchObject({ created: 1, failed: 0 });
    expect((await api(p, 'GET', '/api/v1/response/resources/zh-csv')).body).toMatchObject({ name: 'Crew CSV', name_zh: '导入的抢修队', org_zh: '燃气公司' });

    const a = await raiseAlert(p, 'GW-ZH', 'gas', LAOSHAN, { ch4_lel: 27 });
    const aid = encodeURIComponent(a.id);
    type Line = { unitId: string | null; unitType: string; unitName: string | null; unitNames?: Record<string, string> };
    type Answer = { proposal: Line[]; scope: { organisations: string[]; organisationNames: Record<string, string>[] } };
    const en = (await api<Answer>(p, 'GET', `/api/v1/alerts/${aid}/response`)).body;
    const zh = (await call<Answer>(p, 'GET', `/api/v1/alerts/${aid}/response`, undefined, TOKEN, { 'accept-language': 'zh-CN' })).body;
    const both = { en: 'Laoshan gas crew (test)', 'zh-CN': zhName };
    expect(en.proposal.find((x) => x.unitType === 'gas_repair')).toMatchObject({ unitId: 'zh1', unitName: 'Laoshan gas crew (test)', unitNames: both });
    expect(zh.proposal.find((x) => x.unitType === 'gas_repair')).toMatchObject({ unitId: 'zh1', unitName: zhName, unitNames: both });
    expect(en.scope.organisationNames[en.scope.organisations.indexOf('Gas company (test)')]).toEqual({ en: 'Gas company (test)', 'zh-CN': '燃气公司（测试）' });
    const d = await api<{ tasks: (Task & Line)[] }>(p, 'POST', `/api/v1/alerts/${aid}/response/dispatch`, {});
    const t = d.body.tasks.find((x) => x.unitId === 'zh1')!;
    expect(t).toMatchObject({ unitName: 'Laoshan gas crew (test)', unitNames: both });
    expect((await call(p, 'GET', `/api/v1/tasks/${t.id}`, undefined, TOKEN, { 'accept-language': 'zh-CN,zh;q=0.9' })).body).toMatchObject({ unitName: zhName, unitNames: both });
    expect((await call(p, 'GET', `/api/v1/tasks?alert=${aid}`, undefined, TOKEN, { 'accept-language': 'en' })).body).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ id: t.id, unitName: 'Laoshan gas crew (test)' })]) });
    // The responder's session names their unit in both languages.
    const crew = await person(p, 'zh1-crew', 'responder', { unit: 'zh1' });
    expect((await call(p, 'GET', '/api/v1/session', undefined, crew)).body).toMatchObject({ user: { unit: 'zh1', unitName: 'Laoshan gas crew (test)', unitNames: both } });
    expect((await call(p, 'GET', '/api/v1/session')).body).toMatchObject({ user: { unitName: null, unitNames: null } });
    await a.close();
  }, 60_000);
});

describe('response deadlines across a restart', () => {
  it('a deadline stored before a restart is re-armed from the store by the next process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-resp-'));
    let p = await bootPlatform({ CITYBRAIN_DATA_DIR: dir });
    await addUnit(p, 'r1', 'gas_repair', near(SHINAN, 1), { alertKinds: ['gas'] });
    await addUnit(p, 'r2', 'gas_repair', near(SHINAN, 2), { alertKinds: ['gas'] });
    // Half an hour: this process cannot reach the deadline, only the next one can.
    await tightPlan(p, 30);
    const a = await raiseAlert(p, 'GW-RS', 'gas', SHINAN, { ch4_lel: 21 });
    const d = await api<{ tasks: Task[] }>(p, 'POST', `/api/v1/alerts/${encodeURIComponent(a.id)}/response/dispatch`, {});
    const first = d.body.tasks[0]!;
    await a.close();
    await p.stop();
    // The platform stays down past the deadline: the stored deadline is now (the store is all a new process has).
    const file = new Sqlite(join(dir, 'citybrain.sqlite'));
    try {
      const moved = file.prepare("UPDATE response_tasks SET data = json_set(data, '$.acceptBy', ?) WHERE id = ? AND state = 'dispatched'").run(Date.now() + 500, first.id);
      expect(moved.changes).toBe(1);
    } finally {
      file.close();
    }
    p = await bootPlatform({ CITYBRAIN_DATA_DIR: dir });
    try {
      const next = await vi.waitFor(async () => (await tasksOf(p, a.id)).find((t) => t.replaces === first.id) ?? Promise.reject(new Error('not yet')), { timeout: 15_000, interval: 100 });
      expect(next.unitId).toBe('r2');
      expect((await tasksOf(p, a.id)).find((t) => t.id === first.id)!.state).toBe('reassigned');
    } finally {
      await p.stop();
    }
  }, 90_000);
});
