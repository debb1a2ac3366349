/**
 * Admission of CONNECTs (the work between a CONNECT and its CONNACK: the ban check, the registry's secret
 * check, the session). At most `maxConnecting` are in progress per node; one more is refused at once with
 * CONNACK 3 "Server unavailable" (MQTT 3.1.1 §3.2.2.3: "the network connection has been made but the MQTT
 * service is unavailable"), which costs a few bytes and no registry work, and sends the client to its
 * reconnect back-off instead of into a queue it would have abandoned by its own CONNACK timeout. Sessions
 * already established are never closed for a newcomer, so a reconnect storm cannot starve them. A CONNECT
 * that would take the node over its established-connection cap is refused the same way (sockets waiting
 * for a CONNACK have their own cap in admission.ts and do not count against that one).
 */
import type { AuthenticateError, Client } from 'aedes';
import type { BrokerContext } from './session.js';

type AuthDone = (error: AuthenticateError | null, success: boolean | null) => void;
type Authenticate = (client: Client, username: string | undefined, password: Buffer | undefined, done: AuthDone) => void;

/** CONNACK return code 3 (MQTT 3.1.1 §3.2.2.3). */
const SERVER_UNAVAILABLE = 3;

export interface ConnectGateLimits {
  maxConnecting: number;
  maxConnections: number;
  /** Authenticated connections now. */
  established(): number;
}

/** The CONNECTs in progress; exported for the broker's stats. */
export class ConnectGate {
  private readonly checking = new Set<Client>();
  peak = 0;

  get inProgress(): number {
    return this.checking.size;
  }

  enter(client: Client): void {
    this.checking.add(client);
    if (this.checking.size > this.peak) this.peak = this.checking.size;
  }

  /**
   * The check answered, or the socket closed while it ran (aedes may then never call back): either frees
   * the place, once. The broker calls this from its one close hook, so a connection keeps no listener of
   * ours after its CONNACK.
   */
  leave(client: Client): void {
    this.checking.delete(client);
  }
}

export function gateConnects(ctx: BrokerContext, limits: ConnectGateLimits, inner: Authenticate, gate = new ConnectGate()): Authenticate {
  return (client, username, password, done) => {
    const busy = gate.inProgress >= limits.maxConnecting ? 'connect_busy' : limits.established() >= limits.maxConnections ? 'connection_limit' : undefined;
    if (busy) {
      ctx.metrics.rejected(busy);
      return done(Object.assign(new Error(busy), { returnCode: SERVER_UNAVAILABLE }) as AuthenticateError, false);
    }
    gate.enter(client);
    inner(client, username, password, (error, success) => {
      gate.leave(client);
      done(error, success);
    });
  };
}
