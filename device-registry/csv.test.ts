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
    expect(parseCsv('a,b\n1,"oops\n')).toEqual({ error: expect.stringMatching(/^Quote Not Closed: .* at line 2$/) as string });
  });

  it('reads rows of another length (the importer reports them per row) and mixed line ends; skips blank lines', () => {
    expect(parseCsv('a,b\r\n1\r\n  \n2,3,4\r5,6')).toEqual({
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1'] },
        { line: 4, fields: ['2', '3', '4'] },
        { line: 5, fields: ['5', '6'] },
      ],
    });
  });

  it('handles a trailing newline and an empty input', () => {
    expect(parseCsv('a\n')).toEqual({ records: [{ line: 1, fields: ['a'] }] });
    expect(parseCsv('')).toEqual({ records: [] });
  });
});
