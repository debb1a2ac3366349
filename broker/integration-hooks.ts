/**
 * Integration clients (issue #3): read-only subscribers of the `platform/` namespace. They authenticate
 * through the IntegrationDirectory (username `integration:<name>`), may subscribe only under
 * `platform/`, publish nothing (acknowledged and dropped, like a device's denied publish), and are
 * forwarded only `platform/` messages. They have no device session: no presence, no ingest.
 */
import type { AedesPublishPacket, AuthenticateError, Client } from 'aedes';
import { authorizeIntegrationFilter, PLATFORM_ROOT } from './acl.js';
import { INTEGRATION_PREFIX } from './ports.js';
import type { BrokerContext } from './session.js';

const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;
const SERVER_UNAVAILABLE = 3;

export const isIntegrationUsername = (username: string | undefined): boolean => username?.startsWith(INTEGRATION_PREFIX) === true;

/**
 * Client id must be the username or `<username>/<suffix>`: aedes replaces an existing session with the
 * same client id, so an integration must never be able to take a device's id (and kick the device off).
 */
export function authenticateIntegration(
  ctx: BrokerContext,
  client: Client,
  username: string,
  password: string,
  done: (error: AuthenticateError | null, success: boolean | null) => void,
): void {
  const refuse = (returnCode: number, reason: string): void => {
    ctx.metrics.rejected(reason);
    ctx.log.warn({ clientId: client.id, username, reason }, 'mqtt integration connect rejected');
    done(Object.assign(new Error(reason), { returnCode }) as AuthenticateError, false);
  };
  const directory = ctx.integrations;
  if (!directory) return refuse(BAD_USERNAME_OR_PASSWORD, 'integrations_disabled');
  if (client.id !== username && !client.id.startsWith(`${username}/`)) return refuse(NOT_AUTHORIZED, 'client_id_mismatch');
  directory.authenticate(username, password).then(
    (ok) => {
      if (!ok) return refuse(BAD_USERNAME_OR_PASSWORD, 'bad_integration_credentials');
      if (typeof ok === 'object') districtScopes.set(client, new Set(ok.districts));
      ctx.readers.set(client, username);
      ctx.liveReaders.add(client);
      client.conn.once('close', () => ctx.liveReaders.delete(client));
      done(null, true);
    },
    (err: unknown) => {
      ctx.log.error({ err, username }, 'integration directory failed during authentication');
      refuse(SERVER_UNAVAILABLE, 'directory_error');
    },
  );
}

/** Subscribe decision for an integration client (SUBACK 0x80 outside `platform/`). */
export function integrationMaySubscribe(filter: string): boolean {
  return authorizeIntegrationFilter(filter);
}

/** District-scoped integration clients and their districts (absent = the whole city). */
const districtScopes = new WeakMap<Client, ReadonlySet<string>>();

/**
 * The district a platform topic is about (docs/integrations.md): `platform/alerts/{severity}/{district}`,
 * `platform/presence/{district}/{device}`, `platform/tasks/{district}/{unit}`, `platform/desks/{district}/{desk}`; null for
 * topics about no district (missions).
 */
export function platformTopicDistrict(topic: string): string | null {
  const s = topic.split('/');
  if (s[1] === 'alerts') return s[3] ?? null;
  if (s[1] === 'presence' || s[1] === 'tasks' || s[1] === 'desks') return s[2] ?? null;
  return null;
}

/**
 * Forward decision: only the platform namespace ever reaches an integration client, and a
 * district-scoped client only its districts' messages — whatever filter it subscribed with.
 */
export function forwardToIntegration(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
  if (!packet.topic.startsWith(`${PLATFORM_ROOT}/`)) return null;
  const scope = districtScopes.get(client);
  if (scope === undefined) return packet;
  const district = platformTopicDistrict(packet.topic);
  return district !== null && scope.has(district) ? packet : null;
}

/** Closes every live session of `username` (its credentials were deleted). */
export function closeIntegration(ctx: BrokerContext, username: string): void {
  for (const c of [...ctx.liveReaders]) {
    if (ctx.readers.get(c) === username) {
      ctx.liveReaders.delete(c);
      c.close();
    }
  }
}
