import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureSecret } from './secrets.js';

describe('ensureSecret', () => {
  it('generates a 0600 secret once and returns the same one afterwards', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cb-sec-')), 'nested');
    const a = ensureSecret(dir, 'admin-token');
    const b = ensureSecret(dir, 'admin-token');
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.value).toBe(a.value);
    expect(a.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(a.path).mode & 0o777).toBe(0o600);
  });
});
