/**
 * The response module as the HTTP routes see it (http/routes/response.port.ts): views with ISO times,
 * district scope (anything outside answers its own 404), cursors, the daily report.
 */
import type { ResponsePort } from '../http/index.js';
import { AppError } from '../kernel/errors.js';
import { detailView, reportHtml, reportView, shanghaiDay, taskView, validatePlan, type DistrictNames, type ProposedTask, type ResponseService, type Task } from '../response/index.js';

const inScope = (districts: string[] | null, d: string | null): boolean => districts === null || (d !== null && districts.includes(d));

function cursorOf(t: Task): string {
  return Buffer.from(JSON.stringify([t.createdAt, t.id])).toString('base64url');
}

function parseCursor(c: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // falls through to the error below
  }
  throw new AppError('QUERY_INVALID', { message: 'cursor is not one this API gave', details: { field: 'cursor' } });
}

function dayRange(day: string): { from: number; to: number } {
  const range = shanghaiDay(day);
  if (!range) throw new AppError('QUERY_INVALID', { message: 'date must be YYYY-MM-DD', details: { field: 'date' } });
  return range;
}

/** The day's tasks page by page (newest first, by the (createdAt, id) cursor): nothing held but one page. */
async function* dayTasks(s: ResponseService, range: { from: number; to: number }, districts: string[] | undefined): AsyncGenerator<Array<Record<string, unknown>>> {
  const PAGE = 1000;
  let before: { createdAt: number; id: string } | undefined;
  for (;;) {
    const page = await s.store.listTasks({ ...range, limit: PAGE, ...(districts ? { districts } : {}), ...(before ? { before } : {}) });
    if (page.length > 0) yield page as unknown as Array<Record<string, unknown>>;
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    before = { createdAt: last.createdAt, id: last.id };
  }
}

export function responsePort(s: ResponseService, names: DistrictNames): ResponsePort {
  const view = (t: Task) => taskView(t, names);
  const resource = async (id: string, districts: string[] | null) => {
    const r = await s.catalog.resource(id);
    if (!inScope(districts, r.district)) throw new AppError('UNIT_NOT_FOUND', { details: { id } });
    return r;
  };
  const alertIn = async (id: string, districts: string[] | null) => {
    const a = await s.dispatcher.alert(id);
    if (!inScope(districts, a.district)) throw new AppError('ALERT_NOT_FOUND', { details: { id } });
    return a;
  };
  return {
    listResources: (q) => s.catalog.resources(q as Parameters<ResponseService['catalog']['resources']>[0]) as unknown as Promise<Record<string, unknown>[]>,
    getResource: async (id, districts) => {
      const r = await resource(id, districts);
      return { ...r, channels: r.channels.map((c) => (c.type === 'webhook' ? { type: 'webhook', url: c.url } : c)) };
    },
    putResource: async (input, id, districts) => {
      if (districts !== null) {
        const prev = id ? await s.store.getResource(id) : undefined;
        if (prev && !inScope(districts, prev.district)) throw new AppError('UNIT_NOT_FOUND', { details: { id } });
      }
      const r = await s.catalog.putResource(input, id);
      if (!inScope(districts, r.resource.district)) {
        throw new AppError('SCOPE_EXCEEDED', { message: 'That location is outside your districts' });
      }
      return { resource: r.resource as unknown as Record<string, unknown>, secrets: r.secrets, created: r.created };
    },
    deleteResource: async (id, districts) => s.catalog.deleteResource((await resource(id, districts)).id),
    setDuty: async (id, duty, districts) => (await s.catalog.setDuty((await resource(id, districts)).id, duty)) as unknown as Record<string, unknown>,
    importResources: async (text, format) => ({ ...(await s.catalog.importResources(text, format)) }),
    listPlans: async () => (await s.catalog.plans()).map((p) => ({ ...p, updatedAt: new Date(p.updatedAt).toISOString() })),
    getPlan: async (id) => {
      const p = await s.catalog.plan(id, true);
      return { ...p, updatedAt: new Date(p.updatedAt).toISOString(), history: (p.history ?? []).map((h) => ({ ...h, updatedAt: new Date(h.updatedAt).toISOString() })) };
    },
    putPlan: async (input, by, id) => {
      const p = await s.catalog.putPlan(input, by, id);
      return { ...p, updatedAt: new Date(p.updatedAt).toISOString() };
    },
    validatePlan: (input) => {
      const v = validatePlan(input);
      return v.ok ? { ok: true } : { ok: false, errors: v.errors };
    },
    alertResponse: async (alertId, districts) => {
      const r = await s.dispatcher.response(await alertIn(alertId, districts));
      return { ...r, tasks: r.tasks.map(view) };
    },
    dispatch: async (alertId, tasks, by, districts) => {
      await alertIn(alertId, districts);
      const r = await s.dispatch(alertId, tasks as ProposedTask[] | undefined, by);
      return { tasks: r.tasks.map(view), drone: r.drone };
    },
    overrideResolve: async (alertId, reason, by, districts) => {
      await alertIn(alertId, districts);
      await s.overrideResolve(alertId, reason, by);
    },
    listTasks: async (q, viewer) => {
      const items = await s.desk.list({
        limit: q.limit + 1, ...(q.state ? { state: q.state as Task['state'] } : {}), ...(q.unit ? { unitId: q.unit } : {}), ...(q.alert ? { alertId: q.alert } : {}),
        ...(q.cursor ? { before: parseCursor(q.cursor) } : {}),
      }, viewer);
      const page = items.slice(0, q.limit);
      return { items: page.map(view), nextCursor: items.length > q.limit ? cursorOf(page[page.length - 1]!) : null };
    },
    getTask: async (id, viewer) => detailView(await s.desk.detail(id, viewer), names),
    act: async (id, action, by, viewer, opts) => view(await s.act(id, action, by, viewer, opts)),
    report: async (id, input, by, viewer) => reportView(await s.desk.report(id, input, by, viewer)),
    reassign: async (id, unitId, by, viewer) => {
      const r = await s.reassign(id, unitId, by, viewer);
      return { task: view(r.task), replacement: r.replacement && view(r.replacement) };
    },
    kpis: async (q) => ({ ...(await s.kpis(q)) }),
    dailyReport: async (day, districts, lang = 'en') => {
      const range = dayRange(day);
      const tasks = (await s.store.listTasks({ ...range, limit: 100_000, ...(districts ? { districts } : {}) })).reverse();
      const districtName = (code: string): string => names(code)?.[lang === 'zh-CN' ? 'zh' : 'en'] ?? code;
      return reportHtml(day, await s.kpis({ ...range, ...(districts ? { districts } : {}) }), tasks, { lang, districtName });
    },
    reportTasks: (day, districts) => dayTasks(s, dayRange(day), districts),
    once: (caller, key, fn) => s.once(caller, key, fn),
  };
}
