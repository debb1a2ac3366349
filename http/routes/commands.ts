/**
 * `POST /api/v1/devices/{id}/commands/{name}`: a command to a device (architecture.md: `devices/{id}/commands/{name}`
 * and its `.../reply`), answered with the device's reply or an error once the timeout passes. Works on any
 * broker node of a cluster (the broker finds the node holding the device). Audited like every POST, with
 * the command's name and outcome.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { CommandsPort, DevicesPort } from '../deps.js';
import { devicesIn, scopeOf } from '../scope.js';
import { DeviceId, errorResponses } from '../schemas.js';

const Params = Type.Object({ id: DeviceId, name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'Command name from the device kind\'s contract' }) });
const Body = Type.Object(
  {
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Command parameters, checked against the contract' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'How long to wait for the reply' })),
  },
  { additionalProperties: false },
);
const Reply = Type.Object({
  reply: Type.Object({ ok: Type.Boolean(), message: Type.Optional(Type.String()), data: Type.Optional(Type.Unknown()) }),
});

export function commandRoutes(deps: { devices: DevicesPort; commands: CommandsPort }) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Params: Static<typeof Params>; Body: Static<typeof Body> | undefined }>(
      '/devices/:id/commands/:name',
      {
        config: { access: 'devices:command' },
        schema: {
          tags: ['devices'],
          security: [{ bearerAuth: [] }],
          summary: 'Send a command to a device and wait for its reply (409 DEVICE_OFFLINE, 504 MQTT_COMMAND_TIMEOUT)',
          params: Params,
          body: Body,
          response: { 200: Reply, ...errorResponses },
        },
        preValidation: async (req) => {
          req.body ??= {};
        },
      },
      async (req) => {
        const { id, name } = req.params;
        const timeoutMs = req.body?.timeoutMs ?? 10_000;
        req.auditDetail = { command: name, timeoutMs };
        // District scope: a device outside the caller's districts answers 404, as every device route does.
        await devicesIn(deps.devices, scopeOf(req)).get(id);
        try {
          const reply = await deps.commands.send(id, name, req.body?.params ?? {}, timeoutMs);
          req.auditDetail = { command: name, outcome: reply.ok ? 'ok' : 'refused' };
          return { reply };
        } catch (err) {
          req.auditDetail = { command: name, outcome: (err as { code?: string }).code ?? 'error' };
          throw err;
        }
      },
    );
  };
}
