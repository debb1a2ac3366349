/**
 * One OPC UA source's connection: a node-opcua client, one session, one subscription with a monitored
 * item per mapped node. A short break is repaired by node-opcua (secure channel, session reactivated or
 * recreated with its subscriptions); the watchdog (watchdog.ts) bounds that repair, and when it trips, or a
 * connection attempt fails, the connection is made afresh here with backoff. Every node-opcua object
 * that can emit `error` has a listener: a failure is a status, never an unhandled event.
 */
import { AttributeIds, DataType, TimestampsToReturn, type ClientSession, type DataValue, type OPCUAClient } from 'node-opcua-client';
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { ChangedValue } from './batch.js';
import {
  browseChildren, dispose, identity, newClient, oneLine, stationCertificate,
  type BrowsedNode, type Live, type OpcuaFailureKind, type RetryOptions, type WatchdogSettings,
} from './client.js';
import { checkNodes } from './node-check.js';
import { fromInt64 } from './node-values.js';
import type { OpcuaSource } from './source.js';
import { backoffDelay, type OpcuaNodeStatus, type OpcuaSourceStatus, type OpcuaState } from './status.js';
import { REPAIR_REQUESTS, Watchdog } from './watchdog.js';


export interface ConnectionHooks {
  /** All data changes of one publish (grouped: node-opcua delivers them in one synchronous loop). */
  publish(changes: ChangedValue[]): void;
  /** The state changed (presence follows `connected` in and out). */
  stateChanged(from: OpcuaState, to: OpcuaState): void;
  /** A failure already recorded in the status: log it and count it. */
  failed(kind: OpcuaFailureKind, message: string): void;
  /** A connection attempt failed: may explain it better (e.g. an untrusted station certificate). */
  explain?(serverCertificate: Buffer | Buffer[] | undefined, err: unknown): Promise<string | null>;
}




/** Keep-alive at least every 3 publishing intervals (Part 4 §5.13.1.1 MaxKeepAliveCount). */
const KEEP_ALIVE_COUNT = 3;

export type { BrowsedNode, OpcuaFailureKind, RetryOptions, WatchdogSettings };

export class SourceConnection {
  private live: Live | undefined;
  private gen = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Whether this source was connected since it was applied: a later failure is `reconnecting`, not `failed`. */
  private wasConnected = false;
  private pending: ChangedValue[] = [];
  private readonly watchdog: Watchdog;

  constructor(
    private readonly source: OpcuaSource,
    readonly status: OpcuaSourceStatus,
    private readonly opts: { clock: Clock; kind: string; retry: RetryOptions; watchdog: WatchdogSettings; certificateManager: OPCUACertificateManager; hooks: ConnectionHooks },
  ) {
    const silenceMs = Math.max(opts.watchdog.minSilenceMs, source.publishingMs * KEEP_ALIVE_COUNT * 3);
    this.watchdog = new Watchdog({ silenceMs, maxRepairsPerSecond: opts.watchdog.maxRepairsPerSecond });
  }

  start(): void {
    const every = Math.min(1_000, Math.max(50, this.watchdog.o.silenceMs / 4));
    this.watchTimer = setInterval(() => this.watch(this.watchdog.check(this.opts.clock.now())), every);
    void this.attempt();
  }

  /** Terminates subscription and session (bounded wait), disconnects, cancels retries. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.watchTimer);
    this.watchdog.disarm();
    const live = this.live;
    this.live = undefined;
    this.gen++;
    if (live) await dispose(live, this.status.state === 'connected');
    this.setState('disabled');
  }

  /** Children of `nodeId` (hierarchical references), to help write a mapping. Needs a live session. */
  async browse(nodeId: string): Promise<BrowsedNode[]> {
    const session = this.live?.session;
    if (session === undefined || this.status.state !== 'connected') {
      throw new AppError('OPCUA_CONNECT_FAILED', { message: `source ${this.source.id} is not connected (${this.status.state})`, status: 409 });
    }
    return browseChildren(session, nodeId);
  }

  /** Retries now instead of at `nextRetryAt` (e.g. the operator just trusted the station's certificate). */
  retryNow(): void {
    if (this.stopped || this.timer === undefined || this.live !== undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    const gen = ++this.gen;
    const live: Live = { gen, client: this.createClient(gen) };
    this.live = live;
    try {
      await live.client.connect(this.source.endpoint);
      live.session = await live.client.createSession(identity(this.source));
      if (!this.current(live)) throw new Error('superseded');
      this.status.sessions++;
      live.session.on('session_restored', () => this.current(live) && this.status.sessions++);
      live.session.on('keepalive_failure', () => this.current(live) && this.watch('session keep-alive failed'));
      await this.subscribe(live, live.session);
      // From now on a lost connection is first repaired by node-opcua (without end; the watchdog bounds it).
      (live.client.connectionStrategy as { maxRetry: number }).maxRetry = -1;
      this.connected();
      void this.opts.hooks.explain?.(live.client.serverCertificate, null).catch(() => null); // records the station certificate
    } catch (err) {
      if (!this.current(live)) return void dispose(live, false);
      this.live = undefined;
      await dispose(live, false);
      if (this.stopped) return;
      // node-opcua keeps the station certificate only once it is verified: ask the station for it again.
      const server = /certificate/i.test(oneLine(err)) ? await stationCertificate(this.source, this.opts.certificateManager) : undefined;
      const why = (await this.opts.hooks.explain?.(server, err).catch(() => null)) ?? null;
      this.error(why === null ? 'connect' : 'certificate', `connect ${this.source.endpoint}: ${why ?? oneLine(err)}`);
      this.retryLater();
    }
  }

  private connected(): void {
    this.status.attempt = 0;
    this.status.nextRetryAt = null;
    this.status.lastError = null; // recovered: the last error is history (counters keep the count)
    this.wasConnected = true;
    this.watchdog.arm(this.opts.clock.now());
    this.setState('connected');
  }

  private retryLater(): void {
    this.status.attempt++;
    const delay = backoffDelay(this.status.attempt, this.opts.retry.initialDelayMs, this.opts.retry.maxDelayMs);
    this.status.nextRetryAt = this.opts.clock.now() + delay;
    this.setState(this.wasConnected ? 'reconnecting' : 'failed');
    this.timer = setTimeout(() => void this.attempt(), delay);
  }

  /** A watchdog verdict (or null): gives the connection up and connects afresh with backoff. */
  private watch(verdict: string | null): void {
    const live = this.live;
    if (verdict === null || live === undefined || this.stopped || !this.watchdog.isArmed) return;
    this.watchdog.disarm();
    this.live = undefined;
    this.gen++;
    const w = this.status.watchdog;
    w.trips++;
    w.lastTripAt = this.opts.clock.now();
    w.lastReason = verdict;
    this.error('watchdog', `watchdog: ${verdict}; connecting afresh`);
    void dispose(live, false);
    this.retryLater();
  }

  private current(live: Live): boolean {
    return !this.stopped && live.gen === this.gen;
  }

  private createClient(gen: number): OPCUAClient {
    const client = newClient(this.source, this.opts.retry, this.opts.certificateManager);
    const mine = () => !this.stopped && gen === this.gen && this.live?.client === client;
    client.on('send_request', (req: { schema?: { name?: string } }) => {
      if (mine() && REPAIR_REQUESTS.has(req.schema?.name ?? '')) this.hot(this.watchdog.repair(this.opts.clock.now()));
    });
    client.on('receive_response', (res: { schema?: { name?: string } }) => {
      if (mine() && res.schema?.name === 'PublishResponse') this.watchdog.activity(this.opts.clock.now());
    });
    client.on('connection_lost', () => {
      if (!mine() || this.status.state !== 'connected') return;
      this.status.attempt = 0;
      this.setState('reconnecting');
    });
    client.on('backoff', (count: number, delay: number) => {
      if (!mine() || this.status.state !== 'reconnecting') return;
      this.status.attempt = count + 1;
      this.status.nextRetryAt = this.opts.clock.now() + delay;
    });
    client.on('reconnection_attempt_has_failed', (err: Error, message: string) => {
      if (!mine()) return;
      this.error('connect', `reconnect: ${message || oneLine(err)}`);
      this.hot(this.watchdog.repair(this.opts.clock.now()));
    });
    // A new secure channel is up and the session is being repaired: no retry is pending any more.
    client.on('after_reconnection', () => mine() && (this.status.nextRetryAt = null));
    client.on('connection_reestablished', () => mine() && this.status.state === 'reconnecting' && this.connected());
    // The library gave its repair up: nothing more will come on this client.
    client.on('close', (err?: Error | null) => {
      if (err && mine() && this.status.state !== 'connecting') this.watch(`connection closed: ${oneLine(err)}`);
    });
    return client;
  }

  private hot(verdict: string | null): void {
    // Not from inside node-opcua's request emission: tear down on the next turn.
    if (verdict !== null) setImmediate(() => this.watch(verdict));
  }

  private async subscribe(live: Live, session: ClientSession): Promise<void> {
    const checks = await checkNodes(session, this.opts.kind, this.source.mapping);
    const watched: number[] = [];
    checks.forEach((c, i) => {
      const node = this.status.nodes[i];
      if (node === undefined) return;
      node.unit = c.unit;
      if (c.problem === null) watched.push(i);
      else this.nodeError(i, 'invalid', `OPCUA_MAPPING_INVALID: ${c.problem}`);
    });
    const sub = await session.createSubscription2({
      requestedPublishingInterval: this.source.publishingMs,
      requestedLifetimeCount: KEEP_ALIVE_COUNT * 10,
      requestedMaxKeepAliveCount: KEEP_ALIVE_COUNT,
      maxNotificationsPerPublish: 1000,
      publishingEnabled: true,
      priority: 10,
    });
    live.subscription = sub;
    // Later failures of the subscription (e.g. a recreation after a break): without a listener an 'error'
    // event ends the process.
    sub.on('error', (err: Error) => this.current(live) && this.error('subscription', `subscription: ${oneLine(err)}`));
    sub.on('internal_error', (err: Error) => this.current(live) && this.error('subscription', `subscription: ${oneLine(err)}`));
    if (watched.length === 0) return;
    // One CreateMonitoredItems call for the whole mapping, so the first publish carries every initial value.
    const group = await sub.monitorItems(
      watched.map((i) => ({ nodeId: this.source.mapping[i]!.nodeId, attributeId: AttributeIds.Value })),
      { samplingInterval: this.source.samplingMs, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    group.on('changed', (_item: unknown, dv: DataValue, k: number) => this.current(live) && this.changed(watched[k]!, dv));
    group.on('err', (message: string) => this.current(live) && this.error('node', `monitored items: ${message}`));
    group.monitoredItems.forEach((item, k) => {
      item.on('err', (message: string) => this.current(live) && this.nodeError(watched[k]!, 'bad', message));
      const code = item.statusCode;
      if (code !== undefined && !code.isGood()) this.nodeError(watched[k]!, 'bad', code.name);
    });
  }

  private changed(index: number, dv: DataValue): void {
    const node = this.status.nodes[index]!;
    const now = this.opts.clock.now();
    this.status.counters.values++;
    this.status.lastValueAt = now;
    node.valueAt = now;
    if (!dv.statusCode.isGood()) return this.nodeError(index, 'bad', dv.statusCode.name);
    let value: unknown = dv.value.value;
    const type = DataType[dv.value.dataType];
    if (type === 'Int64' || type === 'UInt64') {
      const n = fromInt64(type, value);
      if ('error' in n) {
        node.value = null;
        return this.nodeError(index, 'bad', `OPCUA_MAPPING_INVALID: ${n.error}`);
      }
      value = n.value;
    }
    node.value = typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : value === null ? null : String(value);
    const stamp = dv.sourceTimestamp ?? dv.serverTimestamp;
    this.pending.push({ metric: node.metric, value, ts: stamp ? stamp.getTime() : undefined });
    // node-opcua notifies the items of one PublishResponse in one synchronous loop: flushing on the next
    // turn of the event loop turns one publish into one batch.
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0 && !this.stopped) this.opts.hooks.publish(batch);
  }

  /** A node-level failure: in the node's status (logged when it changes), counted; the source goes on. */
  private nodeError(index: number, state: OpcuaNodeStatus['state'], message: string): void {
    const node = this.status.nodes[index];
    if (node === undefined) return;
    this.status.counters.errors++;
    const changed = node.lastError !== message;
    node.state = state;
    node.lastError = message;
    if (changed) this.opts.hooks.failed('node', `node ${node.nodeId} (${node.metric}): ${message}`);
  }

  private error(kind: OpcuaFailureKind, message: string): void {
    this.status.counters.errors++;
    this.status.lastError = message;
    this.opts.hooks.failed(kind, message);
  }

  private setState(to: OpcuaState): void {
    const from = this.status.state;
    if (from === to) return;
    this.status.state = to;
    this.status.since = this.opts.clock.now();
    this.opts.hooks.stateChanged(from, to);
  }
}
