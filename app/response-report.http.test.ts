/** The response daily report: its CSV (every task of the day across store pages, streamed like the other CSV exports) and its printable page in the reader's language. */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../http/index.js';
import { memoryDeps, TEST_TOKEN } from '../http/test/memory-deps.js';
import { serviceHarness, type ServiceHarness } from '../response/testing/service.js';
import { event, task } from '../response/testing.js';
import { freshSqliteDatabase } from '../test/servers/databases.js';
import { responsePort } from './response-http.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
/** 2026-12-03 00:00 in Asia/Shanghai. */
const DAY0 = Date.parse('2026-12-03T00:00:00+08:00');
const N = 2345;

let h: ServiceHarness;
let app: FastifyInstance;
beforeEach(async () => {
  h = await serviceHarness(freshSqliteDatabase);
  for (let i = 0; i < N; i++) {
    const at = DAY0 + i * 30_000;
    const t = task(`t${String(i).padStart(5, '0')}`, { createdAt: at, updatedAt: at, district: i % 2 === 0 ? '370202' : '370203', title: i === 0 ? '=cmd, "quoted"' : 'Stop the leak' });
    await h.service.store.createTask(t, event('dispatched', at));
  }
  await h.service.store.createTask(task('next-day', { createdAt: DAY0 + 86_400_000 }), event('dispatched', DAY0 + 86_400_000));
  app = createHttpServer({ ...memoryDeps(), response: responsePort(h.service, () => null) });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await h.close();
});

describe('response daily report CSV', () => {
  it('streams every task of the day (more than one store page), newest first, formulas defused, times also in ISO', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/response/report?date=2026-12-03&format=csv', headers: AUTH });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="response-2026-12-03.csv"');
    const lines = res.body.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id,alertId,alertKind,level,unitId,unitName,unitType,title,district,state,required,replaces,escalations,createdAt,createdAtIso,/);
    expect(lines).toHaveLength(N + 1);
    expect(lines[1]).toMatch(new RegExp(`^t${String(N - 1).padStart(5, '0')},`));
    expect(lines[N]).toContain(`t00000,gas-lel|GW-1|1,gas,I,u1,Unit u1,gas_repair,"'=cmd, ""quoted""",370202,dispatched,true,,0,${DAY0},2026-12-03T00:00:00.000+08:00,`);
    expect(res.body).not.toContain('next-day');
  });

  it('refuses an impossible date before anything is sent; the printable page stays HTML', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/v1/response/report?date=2026-13-45&format=csv', headers: AUTH });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'QUERY_INVALID' } });
    const html = await app.inject({ method: 'GET', url: '/api/v1/response/report?date=2026-12-03', headers: AUTH });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('daily report 2026-12-03');
  });

  it('prints the page in the reader\'s language: headings, states and kinds in Chinese, each task\'s own Chinese title', async () => {
    const titles = { en: 'Stop the leak', 'zh-CN': '查找并制止燃气泄漏' };
    await h.service.store.createTask(task('zh-1', { createdAt: DAY0 + 60_000, updatedAt: DAY0 + 60_000, titles }), event('dispatched', DAY0 + 60_000));
    const zh = await app.inject({ method: 'GET', url: '/api/v1/response/report?date=2026-12-03', headers: { ...AUTH, 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain('<html lang="zh-CN">');
    for (const text of ['应急响应日报 2026-12-03', '按单位', '任务清单', '<td>燃气</td>', '<td>新派发</td>', '<td>查找并制止燃气泄漏</td>', '2026-12-03 00:01 +08:00']) expect(zh.body).toContain(text);
    expect(zh.body).not.toMatch(/daily report|dispatched<|>gas</);
    const en = await app.inject({ method: 'GET', url: '/api/v1/response/report?date=2026-12-03', headers: { ...AUTH, 'accept-language': 'en' } });
    expect(en.body).toContain('<td>Stop the leak</td>');
  });
});
