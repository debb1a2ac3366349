/**
 * The daily report's printable HTML page: the day's figures (Asia/Shanghai) per unit, district and kind and
 * the task list. Pure: tasks and figures in, text out. The CSV export is streamed by the HTTP layer
 * (http/csv.ts), page by page.
 */
import type { Lang } from '../kernel/i18n.js';
import type { Figures, KpiReport } from './kpis.js';
import { reportWords } from './report-text.js';
import { taskUnitNames } from './resources.js';
import type { Task } from './types.js';

/** Epoch ms → `2026-12-03 19:05 +08:00`: Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const cityTime = (ms: number | null): string => (ms === null ? '—' : `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} +08:00`);

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const rate = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);

export interface ReportOptions {
  /** The reader's language (default en). */
  lang?: Lang;
  /** A district's name in that language (default: the code). */
  districtName?: (code: string) => string;
}

type Words = ReturnType<typeof reportWords>;

function figuresTable(w: Words['w'], title: string, rows: Array<[string, Figures]>): string {
  const min = (s: number | null): string => (s === null ? '—' : w('minutes', { n: (s / 60).toFixed(1) }));
  const cols = (['col.tasks', 'col.verified', 'col.rate', 'col.overdue', 'col.dispatch', 'col.accept', 'col.arrive', 'col.resolve'] as const).map((c) => `<th>${esc(w(c))}</th>`).join('');
  const body = rows.map(([k, f]) => `<tr><th>${esc(k)}</th><td>${f.tasks}</td><td>${f.verified}</td><td>${rate(f.disposalRate)}</td><td>${f.overdue}</td><td>${min(f.dispatch.medianS)}</td><td>${min(f.accept.medianS)}</td><td>${min(f.arrive.medianS)}</td><td>${min(f.resolve.medianS)}</td></tr>`).join('');
  return `<h2>${esc(title)}</h2><table><tr><th></th>${cols}</tr>${body}</table>`;
}

/** A self-contained page (no scripts, no external styles) that prints on A4, in the reader's language. */
export function reportHtml(day: string, k: KpiReport, tasks: readonly Task[], opts: ReportOptions = {}): string {
  const lang = opts.lang ?? 'en';
  const { w, state, kind } = reportWords(lang);
  const district = opts.districtName ?? ((c: string) => c);
  const title = (t: Task): string => t.titles?.[lang] ?? t.title;
  const list = tasks.map((t) => `<tr><td>${esc(t.alert.level)}</td><td>${esc(kind(t.alert.kind))}</td><td>${esc(taskUnitNames(t)[lang])}</td><td>${esc(title(t))}</td><td>${esc(state(t.state))}</td><td>${esc(cityTime(t.createdAt))}</td><td>${esc(cityTime(t.verifiedAt))}</td></tr>`).join('');
  const head = (['col.level', 'col.kind', 'col.unit', 'col.task', 'col.state', 'col.created', 'col.verifiedAt'] as const).map((c) => `<th>${esc(w(c))}</th>`).join('');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(w('title', { day }))}</title>
<style>body{font:12px/1.4 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:1.5cm}table{border-collapse:collapse;width:100%;margin-bottom:1em}th,td{border:1px solid #999;padding:2px 6px;text-align:right}th:first-child,td:nth-child(-n+5){text-align:left}@page{size:A4;margin:1cm}</style></head>
<body><h1>${esc(w('heading', { day }))}</h1>
${figuresTable(w, w('city'), [[w('total'), k.total]])}
${figuresTable(w, w('byUnit'), Object.entries(k.byUnit).map(([id, f]) => [`${f.unitNames[lang]} (${id})`, f]))}
${figuresTable(w, w('byDistrict'), Object.entries(k.byDistrict).map(([code, f]) => [district(code), f]))}
${figuresTable(w, w('byKind'), Object.entries(k.byKind).map(([kd, f]) => [kind(kd), f]))}
<h2>${esc(w('tasks'))}</h2><table><tr>${head}</tr>${list}</table>
</body></html>`;
}

/** [from, to) in epoch ms of a calendar day in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiDay(day: string): { from: number; to: number } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const from = Date.parse(`${day}T00:00:00+08:00`);
  return Number.isNaN(from) ? null : { from, to: from + 86_400_000 };
}
