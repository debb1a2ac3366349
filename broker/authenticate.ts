/**
 * CONNECT authentication: the connect limiter first (a banned address or username is refused before
 * any secret is looked at), then a verified client certificate or the registry's secret check.
 */
import type { AuthenticateError, Client } from 'aedes';
import { topics } from '../firmware-contracts/index.js';
import { authenticateIntegration, isIntegrationUsername } from './integration-hooks.js';
import type { Lane } from './flow-control.js';
import type { Peer } from './listeners.js';
import type { BrokerContext, Session } from './session.js';
import type { TransportGuard } from './transport-guard.js';

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

type AuthDone = (error: AuthenticateError | null, success: boolean | null) => void;

const authError = (returnCode: number, reason: string): AuthenticateError =>
  Object.assign(new Error(reason), { returnCode }) as AuthenticateError;

/**
 * Authentication through the registry (architecture.md: username = device id = client id, password =
 * secret), or by a device certificate whose CN is the client id. Unknown device and wrong secret answer
 * alike (CONNACK 4) so ids cannot be probed; a revoked device, a client id that is not the username, a
 * certificate for another device and a banned address or username get "not authorized" (5).
 */
export function makeAuthenticate(ctx: BrokerContext) {
  return (client: Client, username: string | undefined, password: Buffer | undefined, done: AuthDone): void => {
    const peer = (client.conn as TransportGuard).peer;
    const ban = ctx.limiter.banned(peer.address, username);
    if (ban) {
      // Counted, not logged: the ban itself was logged once when it started.
      ctx.metrics.rejected(`banned_${ban.scope}`);
      return done(authError(NOT_AUTHORIZED, `banned_${ban.scope}`), false);
    }
    const counted: AuthDone = (error, success) => {
      if (success) {
        if (username !== undefined) ctx.limiter.succeeded(username);
      } else if (error?.returnCode !== SERVER_UNAVAILABLE) {
        for (const b of ctx.limiter.failed(peer.address, username)) {
          ctx.metrics.banned(b.scope);
          ctx.log.warn({ scope: b.scope, key: b.key, failures: b.failures, strike: b.strike, banMs: b.until - ctx.clock.now() }, 'mqtt connect ban: failed CONNECTs over the limit');
        }
      }
      done(error, success);
    };
    authenticateCredentials(ctx, client, peer, username, password, counted);
  };
}

function authenticateCredentials(ctx: BrokerContext, client: Client, peer: Peer, username: string | undefined, password: Buffer | undefined, done: AuthDone): void {
  const refuse = (returnCode: number, reason: string): void => {
    ctx.metrics.rejected(reason);
    // Never the password: only who tried and why it failed.
    ctx.log.warn({ clientId: client.id, username, address: peer.address, reason }, 'mqtt connect rejected');
    done(authError(returnCode, reason), false);
  };
  if (peer.certificateId !== undefined) {
    // A verified certificate names one device: it may not be used to log in as another.
    if (peer.certificateId !== client.id || (username !== undefined && username !== client.id)) return refuse(NOT_AUTHORIZED, 'certificate_mismatch');
    if (password === undefined) {
      const device = ctx.directory.lookup(client.id);
      if (!device) return refuse(NOT_AUTHORIZED, 'certificate_unknown_device');
      ctx.metrics.certificateLogin();
      openSession(ctx, client, device);
      return done(null, true);
    }
  }
  if (!username || !password) return refuse(BAD_USERNAME_OR_PASSWORD, 'missing_credentials');
  // `:` cannot occur in a device id, so the prefix alone tells the two directories apart.
  if (isIntegrationUsername(username)) return authenticateIntegration(ctx, client, username, password.toString('utf8'), done);
  if (username !== client.id) return refuse(NOT_AUTHORIZED, 'client_id_mismatch');
  ctx.directory.authenticate(username, password.toString('utf8')).then(
    (out) => {
      if (!out.ok) return refuse(out.reason === 'revoked' ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD, out.reason);
      openSession(ctx, client, out.device);
      done(null, true);
    },
    (err: unknown) => {
      ctx.log.error({ err, deviceId: username }, 'device directory failed during authentication');
      refuse(SERVER_UNAVAILABLE, 'directory_error');
    },
  );
}

/** A session's share of flow control: holds and releases its socket (methods, not closures per connection). */
class SessionLane implements Lane {
  inflight = 0;
  waiting: Lane['waiting'] = [];
  held = false;
  constructor(
    private readonly guard: TransportGuard,
    private readonly ctx: BrokerContext,
  ) {}
  hold(): void {
    this.guard.hold();
    this.ctx.metrics.paused();
  }
  release(): void {
    this.guard.release();
  }
}

function telemetryTopicOf(id: string): string | undefined {
  try {
    return topics.telemetry(id);
  } catch {
    return undefined; // not a topic segment: the ACL refuses every topic of it
  }
}

function openSession(ctx: BrokerContext, client: Client, device: Session['device']): void {
  const guard = client.conn as TransportGuard;
  const lane = new SessionLane(guard, ctx);
  ctx.sessions.set(client, { device, guard, lane, offlineSent: false, revoked: false, telemetryTopic: telemetryTopicOf(device.id) });
  // A socket that closed while the registry answered never gets a lane (aedes drops the client too).
  if (guard.destroyed) return;
  ctx.flow.addLane(lane);
  // Live from here, not from `clientReady`: a revocation racing the CONNACK must still find the session.
  ctx.live.set(device.id, client);
  ctx.cluster?.claim(device.id);
}

/** The connection closed (called from the broker's one close hook): its lane and live entry go. */
export function closeSession(ctx: BrokerContext, client: Client): void {
  const s = ctx.sessions.get(client);
  if (!s) return;
  ctx.flow.removeLane(s.lane);
  if (ctx.live.get(s.device.id) === client) {
    ctx.live.delete(s.device.id);
    ctx.cluster?.release(s.device.id);
  }
}
