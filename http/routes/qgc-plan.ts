/**
 * QGroundControl `.plan` files (QGC developer guide, "Plan File Format"): `GET /missions/{id}/qgc-plan`
 * exports a mission with its fence and rally points; `POST /missions/qgc-plan` reads one into a
 * `waypoints` plan body (not stored: post it to `/missions` to plan it) with its check and warnings.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas.js';
import type { DroneOpsPort } from './drone-ops.port.js';
import { AnyObject, IdParam } from './drone-ops.schemas.js';

const base = { tags: ['drone-ops'], security: [{ bearerAuth: [] }] };
const ImportQuery = Type.Object({ dockId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$', description: "the dock to fly from; default: the dock within 500 m of the plan's planned home position" })) }, { additionalProperties: false });

export function qgcPlanRoutes(app: FastifyInstance, ops: DroneOpsPort): void {
  app.get<{ Params: { id: string } }>(
    '/missions/:id/qgc-plan',
    { schema: { ...base, summary: 'The mission as a QGroundControl .plan file (items, fence and rally points its launch sends)', params: IdParam, response: { 200: AnyObject, ...errorResponses } } },
    async (req, reply) => {
      const plan = await ops.qgcPlan(req.params.id);
      return reply.header('content-disposition', `attachment; filename="mission-${req.params.id}.plan"`).send(plan);
    },
  );
  app.post<{ Body: unknown; Querystring: { dockId?: string } }>(
    '/missions/qgc-plan',
    {
      schema: {
        ...base,
        summary: 'Read a QGroundControl .plan file into a waypoints plan body (checked, not stored), with a warning per part not kept',
        querystring: ImportQuery,
        response: { 200: Type.Object({ plan: AnyObject, validation: AnyObject, warnings: Type.Array(AnyObject), geoFence: AnyObject, rallyPoints: AnyObject }), ...errorResponses },
      },
    },
    (req) => ops.importQgcPlan(req.body, req.query),
  );
}
