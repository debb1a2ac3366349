/**
 * The daily report's printable HTML page: the day's figures (Asia/Shanghai) per unit, district and kind and
 * the task list. Pure: tasks and figures in, text out. The CSV export is streamed by the HTTP layer
 * (http/csv.ts), page by page.
 */
import type { Figures, KpiReport } from './kpis.js';
import type { Task } from './types.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const min = (s: number | null): string => (s === null ? '—' : `${(s / 60).toFixed(1)} min`);
const rate = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);

function figuresTable(title: string, rows: Array<[string, Figures]>): string {
  const head = '<tr><th></th><th>tasks</th><th>verified</th><th>disposal rate</th><th>overdue</th><th>dispatch (median)</th><th>accept (median)</th><th>arrive (median)</th><th>resolve (median)</th></tr>';
  const body = rows.map(([k, f]) => `<tr><th>${esc(k)}</th><td>${f.tasks}</td><td>${f.verified}</td><td>${rate(f.disposalRate)}</td><td>${f.overdue}</td><td>${min(f.dispatch.medianS)}</td><td>${min(f.accept.medianS)}</td><td>${min(f.arrive.medianS)}</td><td>${min(f.resolve.medianS)}</td></tr>`).join('');
  return `<h2>${esc(title)}</h2><table>${head}${body}</table>`;
}

/** A self-contained page (no scripts, no external styles) that prints on A4. */
export function reportHtml(day: string, k: KpiReport, tasks: readonly Task[]): string {
  const list = tasks.map((t) => `<tr><td>${esc(t.alert.level)}</td><td>${esc(t.alert.kind)}</td><td>${esc(t.unitName)}</td><td>${esc(t.title)}</td><td>${esc(t.state)}</td><td>${esc(iso(t.createdAt) ?? '')}</td><td>${esc(iso(t.verifiedAt) ?? '—')}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Response report ${esc(day)}</title>
<style>body{font:12px/1.4 system-ui,sans-serif;margin:1.5cm}table{border-collapse:collapse;width:100%;margin-bottom:1em}th,td{border:1px solid #999;padding:2px 6px;text-align:right}th:first-child,td:nth-child(-n+5){text-align:left}@page{size:A4;margin:1cm}</style></head>
<body><h1>Emergency response — daily report ${esc(day)} (Asia/Shanghai)</h1>
${figuresTable('Whole city', [['total', k.total]])}
${figuresTable('By unit', Object.entries(k.byUnit).map(([id, f]) => [`${f.unitName} (${id})`, f]))}
${figuresTable('By district', Object.entries(k.byDistrict))}
${figuresTable('By kind', Object.entries(k.byKind))}
<h2>Tasks</h2><table><tr><th>level</th><th>kind</th><th>unit</th><th>task</th><th>state</th><th>created</th><th>verified</th></tr>${list}</table>
</body></html>`;
}

/** [from, to) in epoch ms of a calendar day in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiDay(day: string): { from: number; to: number } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const from = Date.parse(`${day}T00:00:00+08:00`);
  return Number.isNaN(from) ? null : { from, to: from + 86_400_000 };
}
