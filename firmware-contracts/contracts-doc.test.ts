// docs/contracts.md is what firmware authors read: keep it in step with the code, as errors.md is kept.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICE_KINDS, getContract, VIOLATION_CODES } from './index.js';

const doc = readFileSync(new URL('../docs/contracts.md', import.meta.url), 'utf8');
const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());

describe('docs/contracts.md', () => {
  it('lists every violation code once in the codes table', () => {
    for (const code of VIOLATION_CODES) expect(rows.filter((r) => cells(r)[0] === `\`${code}\``), code).toHaveLength(1);
  });

  it.each(DEVICE_KINDS)('documents every %s metric with its unit, type, range and required flag', (kind) => {
    const c = getContract(kind);
    const section = doc.split(`### \`${kind}\``)[1]?.split('###')[0] ?? '';
    expect(section, kind).not.toBe('');
    for (const m of c?.metrics ?? []) {
      const row = section.split('\n').find((l) => l.startsWith(`| \`${m.name}\` |`));
      expect(row, `${kind}.${m.name}`).toBeDefined();
      const [, unit, type, range, required] = cells(row ?? '');
      expect([unit, type, range, required]).toEqual([
        m.unit, m.type, m.min === undefined ? '—' : `${m.min} … ${m.max}`, m.required ? 'yes' : 'no',
      ]);
    }
    for (const e of c?.events ?? []) expect(doc).toContain(`\`${e.type}\``);
    for (const cmd of c?.commands ?? []) expect(doc).toContain(`\`${cmd.name}\``);
    expect(section).toContain(`Interval ${(c?.intervalMs ?? 0) / 1000} s`);
  });
});
