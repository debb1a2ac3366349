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

/** Counts CONNECTs in progress; exported for the broker's stats. */
export class ConnectGate {
  inProgress = 0;
  peak = 0;
}

export function gateConnects(ctx: BrokerContext, limits: ConnectGateLimits, inner: Authenticate, gate = new ConnectGate()): Authenticate {
  return (client, username, password, done) => {
    const busy = gate.inProgress >= limits.maxConnecting ? 'connect_busy' : limits.established() >= limits.maxConnections ? 'connection_limit' : undefined;
    if (busy) {
      ctx.metrics.rejected(busy);
      return done(Object.assign(new Error(busy), { returnCode: SERVER_UNAVAILABLE }) as AuthenticateError, false);
    }
    gate.inProgress++;
    if (gate.inProgress > gate.peak) gate.peak = gate.inProgress;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      gate.inProgress--;
    };
    // A socket that closes while its CONNECT is checked frees its place too (aedes may never call back).
    client.conn.once('close', finish);
    inner(client, username, password, (error, success) => {
      finish();
      done(error, success);
    });
  };
}
