/**
 * Duty desks a plan notifies (domain.md "Emergency response": the response scope names who must act at
 * city and district level). A desk is a resource of kind `desk` — a command centre, an authority's duty
 * office — with channels like a unit's. A plan's `notify.city` names reach every desk of that name; its
 * `notify.district` names reach the desks of that name in the districts in charge of the alert. A desk's
 * name for matching is its `org`, or its `name` when it has no org (case and spacing ignored). Pure.
 */
import type { Localized } from '../kernel/i18n.js';
import { DEFAULT_NOTIFY_ZH } from './default-plans.js';
import type { AlertFacts, DeskNotice } from './ports.js';
import type { Plan, Resource, Task } from './types.js';

export interface DeskTarget {
  desk: Resource;
  /** Which list of the plan reached it. */
  level: 'city' | 'district';
}

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
export const deskLabel = (d: Resource): string => norm(d.org ?? d.name);

/**
 * A name a plan's `notify` gives, in every language: the Chinese name (`org_zh`, or `name_zh` for a desk
 * without org) of a registered desk that answers to it, else the default pack's Chinese for its own names,
 * else the name as the plan writes it.
 */
export function notifyNames(name: string, desks: readonly Resource[]): Localized {
  const d = desks.find((x) => x.kind === 'desk' && deskLabel(x) === norm(name));
  const zh = d ? (d.org !== null ? d.org_zh : d.name_zh) : undefined;
  return { en: name, 'zh-CN': zh ?? DEFAULT_NOTIFY_ZH[norm(name)] ?? name };
}

/** The desks a plan's `notify` reaches for an alert whose districts in charge are `districts`; each desk once. */
export function desksToNotify(notify: Plan['notify'], districts: readonly string[], desks: readonly Resource[]): DeskTarget[] {
  const city = new Set(notify.city.map(norm));
  const district = new Set(notify.district.map(norm));
  const out: DeskTarget[] = [];
  for (const d of desks) {
    if (d.kind !== 'desk') continue;
    const label = deskLabel(d);
    if (city.has(label)) out.push({ desk: d, level: 'city' });
    else if (district.has(label) && d.district !== null && districts.includes(d.district)) out.push({ desk: d, level: 'district' });
  }
  return out;
}

export function deskNotice(a: AlertFacts, plan: Plan | null, level: 'city' | 'district', districts: string[], tasks: readonly Task[], now: number): DeskNotice {
  return {
    event: 'response.dispatched',
    alert: { id: a.id, kind: a.kind, level: a.level, severity: a.severity, message: a.message, district: a.district, location: a.location },
    plan: plan ? { id: plan.id, version: plan.version } : null,
    level, districts,
    tasks: tasks.map((t) => ({ id: t.id, unitId: t.unitId, unitName: t.unitName, ...(t.unitNames ? { unitNames: t.unitNames } : {}), title: t.title, required: t.required, acceptBy: new Date(t.acceptBy).toISOString(), arriveBy: new Date(t.arriveBy).toISOString() })),
    at: new Date(now).toISOString(),
  };
}

/** One line a phone shows whole: level, what, where, how many units. */
export function deskSmsText(n: DeskNotice): string {
  const where = n.alert.location ? ` at geo:${n.alert.location.lat},${n.alert.location.lon}` : '';
  return `[citybrain] Response level ${n.alert.level} (${n.alert.kind ?? 'alert'}): ${n.alert.message}${where}. ${n.tasks.length} unit${n.tasks.length === 1 ? '' : 's'} dispatched: ${n.tasks.map((t) => t.unitName).join(', ')}`;
}
