import { isAppError } from '../kernel/errors.js';
import type { ImportCandidate, ImportReport, ImportRowResult } from './bulk-import.js';
import { generateDeviceId, validateCreate, type Device, type ValidCreate } from './device.js';
import type { DeviceRepository, NewDevice } from './device-repository.js';

export interface ImportContext {
  repo: DeviceRepository;
  prepare(v: ValidCreate): { item: NewDevice; secret: string };
  created(d: Device): void;
}

/** Rows per transaction: big enough to amortise commits, small enough that one race costs little. */
const CHUNK = 1_000;

/**
 * Validates and inserts import rows chunk by chunk, each chunk in one transaction. Ids taken in
 * the store or earlier in the file fail their row with DEVICE_EXISTS; if a concurrent create
 * wins a race and the chunk's transaction fails, the chunk is retried row by row.
 */
export async function insertCandidates(candidates: readonly ImportCandidate[], ctx: ImportContext): Promise<ImportReport> {
  const rows: ImportRowResult[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < candidates.length; i += CHUNK) {
    rows.push(...(await insertChunk(candidates.slice(i, i + CHUNK), seen, ctx)));
  }
  const created = rows.filter((r) => r.ok).length;
  return { total: rows.length, created, failed: rows.length - created, rows };
}

async function insertChunk(chunk: readonly ImportCandidate[], seen: Set<string>, ctx: ImportContext): Promise<ImportRowResult[]> {
  const results = new Map<number, ImportRowResult>();
  const valid: { row: number; v: ValidCreate }[] = [];
  for (const c of chunk) {
    if (c.error || !c.input) {
      results.set(c.row, { row: c.row, ok: false, error: c.error ?? { code: 'VALIDATION_FAILED', message: 'Empty row' } });
      continue;
    }
    try {
      const v = validateCreate(c.input);
      while (v.generatedId && seen.has(v.id)) v.id = generateDeviceId(v.kind);
      if (seen.has(v.id)) results.set(c.row, fail(c.row, v.id, 'DEVICE_EXISTS', `Device ${v.id} appears earlier in the file`));
      else valid.push({ row: c.row, v });
      seen.add(v.id);
    } catch (err) {
      results.set(c.row, { row: c.row, ok: false, error: errorOf(err) });
    }
  }
  const taken = await ctx.repo.existingIds(valid.map((x) => x.v.id));
  const todo: { row: number; item: NewDevice; secret: string }[] = [];
  for (const { row, v } of valid) {
    // a generated id that collides with a stored device is drawn again (32 random bits per id)
    if (v.generatedId && taken.has(v.id)) {
      do v.id = generateDeviceId(v.kind);
      while (taken.has(v.id) || seen.has(v.id));
      seen.add(v.id);
    }
    if (taken.has(v.id)) results.set(row, fail(row, v.id, 'DEVICE_EXISTS', `Device ${v.id} already exists`));
    else todo.push({ row, ...ctx.prepare(v) });
  }
  try {
    await ctx.repo.insertMany(todo.map((t) => t.item));
    for (const t of todo) results.set(t.row, done(t, ctx));
  } catch {
    for (const t of todo) {
      try {
        await ctx.repo.insert(t.item.device, t.item.credential);
        results.set(t.row, done(t, ctx));
      } catch (err) {
        results.set(t.row, { row: t.row, id: t.item.device.id, ok: false, error: errorOf(err) });
      }
    }
  }
  return chunk.map((c) => results.get(c.row)!);
}

function done(t: { row: number; item: NewDevice; secret: string }, ctx: ImportContext): ImportRowResult {
  ctx.created(t.item.device);
  const id = t.item.device.id;
  return { row: t.row, id, ok: true, credentials: { username: id, password: t.secret } };
}

function fail(row: number, id: string, code: string, message: string): ImportRowResult {
  return { row, id, ok: false, error: { code, message } };
}

function errorOf(err: unknown): { code: string; message: string } {
  return isAppError(err) ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: 'Internal error' };
}
