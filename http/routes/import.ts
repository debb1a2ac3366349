/** `POST /api/v1/devices/import`: bulk provisioning from GeoJSON or CSV (behind the bearer token). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { HttpDeps } from '../deps.js';
import { devicesIn, scopeOf } from '../scope.js';
import { ImportReport, errorResponses } from '../schemas.js';

/** A city's device inventory runs to ~10^5 rows; 20 MiB holds that as CSV with room to spare. */
export const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

const FORMATS = {
  'application/geo+json': 'geojson',
  'application/json': 'geojson',
  'text/csv': 'csv',
} as const;
type MediaType = keyof typeof FORMATS;

function formatOf(req: FastifyRequest): 'geojson' | 'csv' {
  const essence = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format = FORMATS[essence as MediaType] as 'geojson' | 'csv' | undefined;
  // Unreachable through the parsers below (fastify answers 415 first); kept so a new parser can't slip through.
  if (format === undefined) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { details: { contentType: essence } });
  return format;
}

export function importRoutes(deps: Pick<HttpDeps, 'devices'>) {
  return async (app: FastifyInstance): Promise<void> => {
    // Encapsulated: only this plugin's routes take the body as text. The registry parses it, so a JSON
    // syntax error comes back as IMPORT_INVALID with its position, like a bad CSV line.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(Object.keys(FORMATS), { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => {
      done(null, body);
    });

    app.post<{ Body: string }>(
      '/devices/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ['devices'],
          security: [{ bearerAuth: [] }],
          summary: 'Bulk import: a GeoJSON FeatureCollection of Points or CSV (id,kind,lon,lat,name,asset,tags)',
          consumes: Object.keys(FORMATS),
          body: Type.String({ minLength: 1, description: 'GeoJSON FeatureCollection or CSV text' }),
          response: { 200: ImportReport, ...errorResponses },
        },
      },
      async (req) => devicesIn(deps.devices, scopeOf(req)).import(req.body, formatOf(req)),
    );
  };
}
