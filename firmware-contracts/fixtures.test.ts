// Golden fixtures (style.md): every file in fixtures/manifest.json runs through the decoder and, where a
// static schema can express the rule, through the exported JSON Schema (ajv), so the two stay in step.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { decodeCommandReply, decodeEvent, decodeStatus, decodeTelemetry, exportJsonSchemas, type Violation } from './index.js';

interface Entry { file: string; kind: string; channel: string; expect: string[]; kept?: number; note?: string }
const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { now: number; fixtures: Entry[] };
const opts = { now: manifest.now };

function decode(e: Entry, text: string): { violations: Violation[]; kept?: number } {
  switch (e.channel) {
    case 'telemetry': {
      const r = decodeTelemetry(e.kind, text, opts);
      return { violations: r.violations, kept: r.samples.length };
    }
    case 'events': return decodeEvent(e.kind, text, opts);
    case 'status': return decodeStatus(text, opts);
    case 'command-reply': return decodeCommandReply(text, opts);
    default: throw new Error(`unknown channel ${e.channel}`);
  }
}

function schemaKey(e: Entry): string {
  return e.channel === 'telemetry' || e.channel === 'events' ? `${e.kind}.${e.channel}` : e.channel;
}

// Rules relative to the receive time or to raw bytes, which a static schema cannot state.
const DECODER_ONLY = new Set(['STALE_TIMESTAMP', 'FUTURE_TIMESTAMP', 'MALFORMED_JSON', 'PAYLOAD_TOO_LARGE']);

describe('golden fixtures', () => {
  it('the manifest names every fixture file, and each kind has ≥ 2 valid and ≥ 3 invalid', () => {
    const listed = new Set(manifest.fixtures.map((e) => e.file));
    const onDisk = ['valid', 'invalid'].flatMap((d) => readdirSync(join(dir, d)).map((f) => `${d}/${f}`));
    expect([...listed].sort()).toEqual(onDisk.sort());
    for (const kind of ['gas', 'water', 'heat', 'drainage', 'elevator', 'bridge']) {
      const mine = manifest.fixtures.filter((e) => e.kind === kind);
      expect(mine.filter((e) => e.expect.length === 0).length, kind).toBeGreaterThanOrEqual(2);
      expect(mine.filter((e) => e.expect.length > 0).length, kind).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(manifest.fixtures.map((e) => [e.file, e] as const))('%s decodes as the manifest says', (file, e) => {
    expect(file.startsWith(e.expect.length === 0 ? 'valid/' : 'invalid/')).toBe(true);
    const r = decode(e, readFileSync(join(dir, file), 'utf8'));
    expect([...new Set(r.violations.map((v) => v.code))].sort()).toEqual(e.expect);
    if (e.kept !== undefined) expect(r.kept).toBe(e.kept);
  });
});

describe('exported JSON Schema agrees with the decoder on the fixtures', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const schemas = exportJsonSchemas();
  for (const s of Object.values(schemas)) ajv.addSchema(s);
  const validator = (key: string) => {
    const id = (schemas[key] as { $id?: string } | undefined)?.$id;
    const v = id === undefined ? undefined : ajv.getSchema(id);
    if (v === undefined) throw new Error(`no schema ${key}`);
    return v;
  };

  it.each(manifest.fixtures.filter((e) => e.expect.length === 0).map((e) => [e.file, e] as const))(
    'valid %s passes its schema', (file, e) => {
      const v = validator(schemaKey(e));
      const ok = v(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      expect(v.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
    });

  const schemaExpressible = manifest.fixtures.filter((e) => e.expect.length > 0 && !e.expect.some((c) => DECODER_ONLY.has(c)));
  it('covers most invalid fixtures', () => expect(schemaExpressible.length).toBeGreaterThanOrEqual(15));

  it.each(schemaExpressible.map((e) => [e.file, e] as const))('invalid %s fails its schema', (file, e) => {
    expect(validator(schemaKey(e))(JSON.parse(readFileSync(join(dir, file), 'utf8')))).toBe(false);
  });
});
