import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES } from './errors.js';

// fastify keeps its error list and docs in step with a test; so do we.
describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1] ?? ""));

  it('documents every error code', () => {
    const missing = Object.keys(ERROR_CODES).filter((c) => !documented.has(c));
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const extra = [...documented].filter((c) => !(c in ERROR_CODES));
    expect(extra).toEqual([]);
  });

  it('states the HTTP status the code carries', () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(doc, code).toMatch(new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'));
    }
  });
});

describe('AppError', () => {
  it('carries code, status, details and cause, and serialises to the API error shape', () => {
    const cause = new Error('boom');
    const e = new AppError('DEVICE_NOT_FOUND', { details: { id: 'x' }, cause });
    expect(e.status).toBe(404);
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toEqual({ error: { code: 'DEVICE_NOT_FOUND', message: 'Device not found', details: { id: 'x' } } });
  });
});
