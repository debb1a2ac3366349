/** Reference data: districts (GeoJSON) and the firmware contracts with their JSON Schemas. */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import type { HttpDeps } from '../deps.js';
import { districtsIn, scopeOf } from '../scope.js';
import { ContractList, FeatureCollection, SchemaMap, SchemasQuery, errorResponses } from '../schemas.js';

/** Behind the bearer token. */
export function districtRoutes(deps: Pick<HttpDeps, 'districts'>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/districts',
      {
        schema: {
          tags: ['reference'],
          summary: 'The city districts as a GeoJSON FeatureCollection',
          security: [{ bearerAuth: [] }],
          response: { 200: FeatureCollection, ...errorResponses },
        },
      },
      async (req, reply) => reply.type('application/geo+json').send(districtsIn(deps.districts(), scopeOf(req))),
    );
  };
}

/**
 * Public on purpose: the contracts are what firmware authors code against, they hold no secret
 * and no city data, and handing integrators the admin token would give them the whole API.
 */
export function contractRoutes(deps: Pick<HttpDeps, 'contracts'>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      '/contracts',
      {
        config: { access: 'public' },
        schema: {
          tags: ['contracts'],
          summary: 'Firmware contracts (device kinds, versions, metrics); public, no auth',
          response: { 200: ContractList, ...errorResponses },
        },
      },
      async () => ({ items: deps.contracts.list() }),
    );

    app.get<{ Querystring: Static<typeof SchemasQuery> }>(
      '/contracts/schemas',
      {
        config: { access: 'public' },
        schema: {
          tags: ['contracts'],
          summary: 'JSON Schemas of the payloads, for one kind or all; public, no auth',
          querystring: SchemasQuery,
          response: { 200: SchemaMap, ...errorResponses },
        },
      },
      async (req) => {
        const { kind } = req.query;
        const schemas = deps.contracts.schemas(kind);
        if (kind !== undefined && Object.keys(schemas).length === 0) {
          throw new AppError('UNKNOWN_KIND', { details: { kind } });
        }
        return schemas;
      },
    );
  };
}
