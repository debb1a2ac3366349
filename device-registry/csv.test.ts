import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and newlines; CRLF and LF; BOM dropped', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\n2,"two\nlines",\n\n3,,z';
    expect(parseCsv(text)).toEqual({
      records: [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
        { line: 3, fields: ['2', 'two\nlines', ''] },
        { line: 6, fields: ['3', '', 'z'] },
      ],
    });
  });

  it('reports an unterminated quote', () => {
    expect(parseCsv('a,b\n1,"oops\n')).toEqual({ error: 'Unterminated quoted field starting on line 2' });
  });

  it('handles a trailing newline and an empty input', () => {
    expect(parseCsv('a\n')).toEqual({ records: [{ line: 1, fields: ['a'] }] });
    expect(parseCsv('')).toEqual({ records: [] });
  });
});
