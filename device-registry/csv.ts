/**
 * A small RFC 4180 reader: comma-separated, `"`-quoted fields that may hold commas, newlines and
 * doubled quotes; CRLF or LF line ends; a leading UTF-8 BOM is dropped.
 * Returns records with the 1-based line each starts on, or `{ error }` for an unterminated quote.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string): { records: CsvRecord[] } | { error: string } {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = 0;
  let quoted = false;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      endRecord();
      if (c === '\r' && s[i + 1] === '\n') i++;
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) return { error: `Unterminated quoted field starting on line ${start}` };
  if (field !== '' || fields.length > 0) endRecord();
  // blank lines are not records
  return { records: records.filter((r) => !(r.fields.length === 1 && r.fields[0]!.trim() === '')) };
}
