/** Helpers for the response end-to-end tests: people with roles, units near a site, alerts raised by a device. */
import { vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import { api, connectDevice, TOKEN } from './helpers.js';

/** A 1×1 PNG (the media store checks the type by content). */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A person with a role, signed in; returns a personal token for Bearer calls. */
export async function person(p: Platform, username: string, role: string, extra: Record<string, unknown> = {}): Promise<string> {
  const password = 'response test passphrase 42';
  const created = await api(p, 'POST', '/api/v1/users', { username, password, role, ...extra });
  if (created.status !== 201) throw new Error(`user ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await fetch(`${p.http.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const t = await fetch(`${p.http.url}/api/v1/tokens`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'test' }) });
  return ((await t.json()) as { value: string }).value;
}

/** Calls the API with a given bearer token (default: the bootstrap admin token) and extra headers. */
export async function call<T = Record<string, unknown>>(p: Platform, method: string, path: string, body?: unknown, token = TOKEN, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${p.http.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A point `km` north and `kmEast` east of a site (1° latitude ≈ 111.195 km). */
export const near = (site: { lon: number; lat: number }, km: number, kmEast = 0) => ({
  lon: site.lon + kmEast / (111.195 * Math.cos((site.lat * Math.PI) / 180)), lat: site.lat + km / 111.195,
});

export async function addUnit(p: Platform, id: string, type: string, location: { lon: number; lat: number }, extra: Record<string, unknown> = {}): Promise<{ resource: Record<string, unknown>; secrets: Record<string, string> }> {
  const r = await api<{ resource: Record<string, unknown>; secrets: Record<string, string> }>(p, 'POST', '/api/v1/response/resources', { id, kind: 'unit', name: `Unit ${id}`, type, location, capacity: 2, ...extra });
  if (r.status !== 201) throw new Error(`unit ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Provisions a device, publishes one reading and waits for its open alert. */
export async function raiseAlert(p: Platform, id: string, kind: string, at: { lon: number; lat: number }, metrics: Record<string, number>, tags: string[] = []): Promise<{ id: string; severity: string; responseLevel: string; publish(m: Record<string, number>): Promise<void>; close(): Promise<void> }> {
  const r = await api<{ credentials: { password: string } }>(p, 'POST', '/api/v1/devices', { id, kind, location: at, tags });
  if (r.status !== 201) throw new Error(`device ${id}: ${r.status}`);
  const c = await connectDevice(p, { id, password: r.body.credentials.password });
  const publish = async (m: Record<string, number>) => {
    await c.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ metrics: m }), { qos: 1 });
  };
  await publish(metrics);
  const a = await vi.waitFor(async () => {
    const page = await api<{ items: { id: string; severity: string; responseLevel: string }[] }>(p, 'GET', `/api/v1/alerts?deviceId=${id}&status=open`);
    if (!page.body.items[0]) throw new Error('no alert yet');
    return page.body.items[0];
  }, { timeout: 10_000, interval: 50 });
  return { ...a, publish, close: () => c.endAsync() };
}

/** Great-circle distance in metres (haversine, R = 6,371,008.8 m), written here so the test checks the planner's ranking independently. */
export function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

/** Removes every response resource (the demo's sample set), so a test's own units are the only candidates. */
export async function clearResources(p: Platform): Promise<void> {
  const all = await api<{ items: { id: string }[] }>(p, 'GET', '/api/v1/response/resources');
  for (const r of all.body.items) {
    const del = await api(p, 'DELETE', `/api/v1/response/resources/${encodeURIComponent(r.id)}`);
    if (del.status !== 204 && del.status !== 200) throw new Error(`resource ${r.id}: ${del.status}`);
  }
}

/** A site 0.002° east of the first demo dock of a district: in that district and in reach of its drone. */
export async function siteNearDemoDock(p: Platform, district: string): Promise<{ lon: number; lat: number }> {
  const demo = p.demoDocks.find((d) => d.district === district);
  if (!demo) throw new Error(`no demo dock in ${district}`);
  const dock = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${demo.dockId}`)).body.location;
  return { lon: dock.lon + 0.002, lat: dock.lat };
}
