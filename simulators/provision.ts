/**
 * Getting a simulated fleet its credentials: provisioned through the platform's public HTTP API in bulk
 * (`POST /api/v1/devices/import`, CSV, docs/http-api.md), or read from a credentials file an earlier run
 * (or the integrator's own provisioning) wrote.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDeviceKind, type DeviceKind } from '../firmware-contracts/index.js';
import type { PlacedDevice } from './placement.js';
import { fetchPlatform } from './platform-env.js';

export interface DeviceCredential {
  id: string;
  kind: DeviceKind;
  password: string;
}

export interface CredentialsFile {
  format: 'citybrain-sim-credentials';
  version: 1;
  devices: DeviceCredential[];
}

interface ImportResponse {
  devices: { id: string; credentials: { username: string; password: string } }[];
  errors: { index: number; id?: string; code: string; message: string }[];
}

/** CSV cell: quoted when it holds a comma, quote or line break (RFC 4180). */
const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The import CSV for `devices` (columns as the registry documents: id,kind,lon,lat,name,asset,tags). */
export function toImportCsv(devices: readonly PlacedDevice[]): string {
  const lines = ['id,kind,lon,lat,name,asset,tags'];
  for (const d of devices) lines.push([d.id, d.kind, String(d.lon), String(d.lat), d.name, d.asset, 'simulated'].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

async function call<T>(httpUrl: string, token: string, method: string, path: string, body?: string, type = 'application/json'): Promise<T> {
  const res = await fetchPlatform(new URL(path, httpUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface ProvisionOptions {
  httpUrl: string;
  token: string;
  /** Devices per import request (default 2,000: well under the 20 MiB body limit). */
  chunk?: number;
  /** Devices that already exist get a fresh secret (credential rotation) instead of failing the run. */
  rotateExisting?: boolean;
  onChunk?: (done: number, total: number) => void;
}

/** Rotates in parallel, a few at a time (each is one registry write). */
async function rotateAll(o: ProvisionOptions, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const r = await call<{ password: string }>(o.httpUrl, o.token, 'POST', `/api/v1/devices/${encodeURIComponent(id)}/credentials/rotate`, '{}');
      out.set(id, r.password);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, ids.length) }, worker));
  return out;
}

/** Provisions `devices` in chunks; returns every device's credentials or throws on the first real failure. */
export async function provisionDevices(devices: readonly PlacedDevice[], o: ProvisionOptions): Promise<DeviceCredential[]> {
  const size = o.chunk ?? 2_000;
  const passwords = new Map<string, string>();
  for (let i = 0; i < devices.length; i += size) {
    const slice = devices.slice(i, i + size);
    const r = await call<ImportResponse>(o.httpUrl, o.token, 'POST', '/api/v1/devices/import', toImportCsv(slice), 'text/csv');
    for (const d of r.devices) passwords.set(d.id, d.credentials.password);
    const existing = r.errors.filter((e) => e.code === 'DEVICE_EXISTS' && e.id !== undefined && o.rotateExisting !== false);
    const failed = r.errors.filter((e) => !existing.includes(e));
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new Error(`import refused ${failed.length} device(s), first ${first.id ?? `row ${first.index}`}: ${first.code} ${first.message}`);
    }
    for (const [id, pw] of await rotateAll(o, existing.map((e) => e.id!))) passwords.set(id, pw);
    o.onChunk?.(Math.min(i + size, devices.length), devices.length);
  }
  return devices.map((d) => ({ id: d.id, kind: d.kind, password: passwords.get(d.id)! }));
}

export async function writeCredentials(file: string, devices: readonly DeviceCredential[]): Promise<void> {
  const doc: CredentialsFile = { format: 'citybrain-sim-credentials', version: 1, devices: [...devices] };
  await mkdir(dirname(file), { recursive: true });
  // The file holds device secrets: readable by its owner only.
  await writeFile(file, `${JSON.stringify(doc, null, 1)}\n`, { mode: 0o600 });
}

/** Reads a credentials file: `{"devices": [{"id", "kind", "password"}...]}` (or a bare array of those). */
export async function readCredentials(file: string): Promise<DeviceCredential[]> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as unknown;
  const list = Array.isArray(doc) ? doc : (doc as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(list)) throw new Error(`${file}: expected {"devices": [{"id", "kind", "password"}, ...]}`);
  return list.map((x: unknown, i) => {
    const d = x as Partial<DeviceCredential> | null;
    if (typeof d?.id !== 'string' || typeof d.password !== 'string' || !isDeviceKind(d.kind)) {
      throw new Error(`${file}: device ${i} needs a string id and password and a known kind`);
    }
    return { id: d.id, kind: d.kind, password: d.password };
  });
}
