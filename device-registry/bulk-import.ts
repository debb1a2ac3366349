import { AppError, type ErrorCode } from '../kernel/errors.js';
import { parseCsv } from './csv.js';

export type ImportFormat = 'geojson' | 'csv';

/** One source record turned into a create request, or the reason it could not be. */
export interface ImportCandidate {
  /** 1-based position: the feature's index + 1, or the CSV data record's index + 1 (header excluded). */
  row: number;
  input?: Record<string, unknown>;
  error?: { code: ErrorCode; message: string };
}

export interface ImportRowResult {
  row: number;
  id?: string;
  ok: boolean;
  error?: { code: string; message: string };
  /** The new device's login; the secret is shown here once. */
  credentials?: { username: string; password: string };
}

export interface ImportReport {
  total: number;
  created: number;
  failed: number;
  rows: ImportRowResult[];
}

export const CSV_COLUMNS = ['id', 'kind', 'lon', 'lat', 'name', 'asset', 'tags'] as const;
const REQUIRED_CSV = ['kind', 'lon', 'lat'];

/**
 * Parses an import file into per-row create requests. Pure. A bad row is a row error; a file that
 * is not GeoJSON / CSV at all throws AppError IMPORT_INVALID.
 */
export function parseImport(source: string, format: ImportFormat): ImportCandidate[] {
  switch (format) {
    case 'geojson':
      return parseGeoJson(source);
    case 'csv':
      return parseCsvImport(source);
  }
}

function invalid(message: string): AppError {
  return new AppError('IMPORT_INVALID', { message });
}

function parseGeoJson(source: string): ImportCandidate[] {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch {
    throw invalid('Not JSON: expected a GeoJSON FeatureCollection');
  }
  const fc = doc as { type?: unknown; features?: unknown } | null;
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw invalid('Expected a GeoJSON FeatureCollection');
  return fc.features.map((f: unknown, i) => featureToInput(f, i + 1));
}

function featureToInput(f: unknown, row: number): ImportCandidate {
  const feat = f as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null; properties?: unknown } | null;
  if (feat?.type !== 'Feature') return { row, error: { code: 'VALIDATION_FAILED', message: 'Not a GeoJSON Feature' } };
  const coords = feat.geometry?.coordinates;
  if (feat.geometry?.type !== 'Point' || !Array.isArray(coords) || coords.length < 2) {
    return { row, error: { code: 'LOCATION_INVALID', message: 'Feature geometry must be a Point [lon, lat]' } };
  }
  const props = typeof feat.properties === 'object' && feat.properties !== null ? (feat.properties as Record<string, unknown>) : {};
  const { id, kind, name, asset, tags } = props;
  return { row, input: { id, kind, name, asset, tags, location: { lon: coords[0], lat: coords[1] } } };
}

function parseCsvImport(source: string): ImportCandidate[] {
  const parsed = parseCsv(source);
  if ('error' in parsed) throw invalid(parsed.error);
  const [header, ...data] = parsed.records;
  if (!header) throw invalid('Empty CSV: expected a header id,kind,lon,lat,name,asset,tags');
  const names = header.fields.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_CSV.filter((c) => !names.includes(c));
  if (missing.length > 0) throw invalid(`CSV header lacks ${missing.join(', ')}: expected ${CSV_COLUMNS.join(',')}`);
  const col = (n: string) => names.indexOf(n);
  const idx = { id: col('id'), kind: col('kind'), lon: col('lon'), lat: col('lat'), name: col('name'), asset: col('asset'), tags: col('tags') };
  return data.map((rec, i) => {
    const row = i + 1;
    if (rec.fields.length !== names.length) {
      return { row, error: { code: 'VALIDATION_FAILED', message: `Line ${rec.line}: ${rec.fields.length} fields, header has ${names.length}` } };
    }
    const get = (j: number): string | undefined => {
      const v = j < 0 ? undefined : rec.fields[j]?.trim();
      return v === '' ? undefined : v;
    };
    const tags = get(idx.tags)?.split(';').map((t) => t.trim()).filter((t) => t !== '');
    return {
      row,
      input: {
        id: get(idx.id),
        kind: get(idx.kind),
        name: get(idx.name),
        asset: get(idx.asset),
        tags,
        location: { lon: toNumber(get(idx.lon)), lat: toNumber(get(idx.lat)) },
      },
    };
  });
}

/** `Number('')` is 0, which would put a blank cell at Null Island: blanks stay undefined. */
function toNumber(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}
