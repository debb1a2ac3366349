/**
 * Reads an import CSV with csv-parse (RFC 4180: comma-separated, `"`-quoted fields that may hold commas,
 * newlines and doubled quotes; CRLF, LF or CR line ends, mixed; a leading UTF-8 BOM dropped). Returns
 * records with the 1-based line each starts on, or `{ error }` naming the line a file cannot be read at.
 * Blank lines are not records. Rows may have any field count: the importer reports a mismatch per row.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvRecord {
  line: number;
  fields: string[];
}

const NEWLINES = /\r\n|\r|\n/g;

export function parseCsv(text: string): { records: CsvRecord[] } | { error: string } {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof rows;
  } catch (err) {
    if (err instanceof CsvError) return { error: err.message };
    throw err;
  }
  return {
    records: rows
      .filter((r) => !(r.record.length === 1 && r.record[0]!.trim() === ''))
      // csv-parse counts the line a record ends on; a quoted field's own line breaks come before it.
      .map((r) => ({ line: r.info.lines - r.record.reduce((n, f) => n + (f.match(NEWLINES)?.length ?? 0), 0), fields: r.record })),
  };
}
