/**
 * CSV export (RFC 4180, csv-stringify) of readings, alerts and missions for a spreadsheet: asked for with
 * `?format=csv` or `Accept: text/csv`, with the list's filters and district scope. The whole match is
 * exported — page after page, or time window after time window — and streamed as it is read, so no
 * table is held in memory; the writer waits for the socket (`drain`) between rows.
 */
import { once } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify';
import { cityIso } from './enrich.js';

export const CSV_TYPE = 'text/csv';
/** Rows asked of a list per page while exporting. */
export const CSV_PAGE = 1000;

type Row = Record<string, unknown>;
export interface Column {
  header: string;
  value: (r: Row) => unknown;
}

export function wantsCsv(req: FastifyRequest): boolean {
  const format = (req.query as { format?: unknown } | undefined)?.format;
  if (format === 'csv') return true;
  if (format !== undefined) return false;
  return (req.headers.accept ?? '').includes(CSV_TYPE);
}

const get = (r: Row, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Row)[k] : undefined), r);
/** A column straight from a field (dotted path); `time` adds its ISO twin right after. */
export const col = (header: string, path = header): Column => ({ header, value: (r) => get(r, path) });
export const timeCols = (header: string, path = header): Column[] => [col(header, path), { header: `${header}Iso`, value: (r) => { const v = get(r, path); return typeof v === 'number' ? cityIso(v) : null; } }];

/** A text cell starting with = + - @ tab or CR gets a leading `'`, so a spreadsheet never runs it as a formula (OWASP CSV injection). */
export const defuseFormula = (s: string): string => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

function cell(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'string' ? defuseFormula(v) : (v as number | boolean);
}

/** Pages of a paged list until `total` is reached. */
export async function* pagesOf<T extends object>(list: (limit: number, offset: number) => Promise<{ items: T[]; total: number }>): AsyncGenerator<Row[]> {
  for (let offset = 0; ; offset += CSV_PAGE) {
    const page = await list(CSV_PAGE, offset);
    if (page.items.length > 0) yield page.items as Row[];
    if (page.items.length < CSV_PAGE || offset + CSV_PAGE >= page.total) return;
  }
}

/**
 * Starts the download and writes the rows as they come. A failure after the header is out cannot
 * become an error answer any more: it is logged and the stream is cut, so the file is visibly short.
 */
export function sendCsv(req: FastifyRequest, reply: FastifyReply, filename: string, columns: readonly Column[], rows: AsyncIterable<Row[]> | Iterable<Row[]>): FastifyReply {
  const out = stringify({ header: true, columns: columns.map((c) => c.header), cast: { boolean: (b) => (b ? 'true' : 'false') } });
  const pump = async (): Promise<void> => {
    for await (const batch of rows) {
      for (const r of batch) {
        if (!out.write(columns.map((c) => cell(c.value(r))))) await once(out, 'drain');
      }
    }
    out.end();
  };
  pump().catch((err: unknown) => {
    req.log.error({ err }, 'CSV export failed after it started');
    out.destroy(err as Error);
  });
  return reply.type(`${CSV_TYPE}; charset=utf-8`).header('content-disposition', `attachment; filename="${filename}"`).send(out);
}
