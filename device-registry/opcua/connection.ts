/**
 * One OPC UA source's connection: a node-opcua client, one session, one subscription with a monitored
 * item per mapped node. Reconnection after a lost connection is node-opcua's (secure channel with backoff,
 * then session reactivation or re-creation with its subscriptions, "session_restored"); the first
 * connection is retried here, so every failed attempt gives a clear error in the status.
 */
import {
  AttributeIds,
  BrowseDirection,
  NodeClass,
  ClientSubscription,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type DataValue,
  type UserIdentityInfo,
} from 'node-opcua-client';
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { ChangedValue } from './batch.js';
import type { OpcuaSource } from './source.js';
import { backoffDelay, type OpcuaSourceStatus, type OpcuaState } from './status.js';

export interface RetryOptions {
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface ConnectionHooks {
  /** All data changes of one publish (grouped: node-opcua delivers them in one synchronous loop). */
  publish(changes: ChangedValue[]): void;
  /** The state changed (presence follows `connected` in and out). */
  stateChanged(from: OpcuaState, to: OpcuaState): void;
}

export interface BrowsedNode {
  nodeId: string;
  browseName: string;
  displayName: string;
  /** `Object`, `Variable`, `Method`... */
  nodeClass: string;
}

const STOP_TIMEOUT_MS = 2_000;

export class SourceConnection {
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: ClientSubscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private pending: ChangedValue[] = [];

  constructor(
    private readonly source: OpcuaSource,
    readonly status: OpcuaSourceStatus,
    private readonly opts: { clock: Clock; retry: RetryOptions; certificateManager: OPCUACertificateManager; hooks: ConnectionHooks },
  ) {}

  start(): void {
    void this.attempt();
  }

  /** Terminates subscription and session (bounded wait), disconnects, cancels retries. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    const wasConnected = this.status.state === 'connected';
    if (wasConnected) {
      await withTimeout(this.subscription?.terminate(), STOP_TIMEOUT_MS);
      await withTimeout(this.session?.close(), STOP_TIMEOUT_MS);
    }
    this.client = this.session = this.subscription = undefined;
    if (client) await withTimeout(client.disconnect(), STOP_TIMEOUT_MS);
    this.setState('disabled');
  }

  /** Children of `nodeId` (hierarchical references), to help write a mapping. Needs a live session. */
  async browse(nodeId: string): Promise<BrowsedNode[]> {
    if (this.session === undefined || this.status.state !== 'connected') {
      throw new AppError('OPCUA_CONNECT_FAILED', { message: `source ${this.source.id} is not connected (${this.status.state})`, status: 409 });
    }
    const r = await this.session.browse({ nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, nodeClassMask: 0, resultMask: 63 });
    if (!r.statusCode.isGood()) throw new AppError('VALIDATION_FAILED', { message: `browse ${nodeId}: ${r.statusCode.name}` });
    return (r.references ?? []).map((ref) => ({
      nodeId: ref.nodeId.toString(),
      browseName: ref.browseName.toString(),
      displayName: ref.displayName.text ?? '',
      nodeClass: NodeClass[ref.nodeClass] ?? String(ref.nodeClass),
    }));
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const client = this.createClient();
    this.client = client;
    try {
      await client.connect(this.source.endpoint);
      const session = await client.createSession(this.identity());
      if (this.stopped) {
        await withTimeout(session.close(), STOP_TIMEOUT_MS);
        await client.disconnect();
        return;
      }
      this.session = session;
      this.status.sessions++;
      session.on('session_restored', () => {
        this.status.sessions++;
      });
      await this.subscribe(session);
      // From now on a lost connection is repaired by node-opcua, retrying without end
      // (client_base_impl: reconnectOnFailure reads connectionStrategy.maxRetry when the channel closes).
      (client.connectionStrategy as { maxRetry: number }).maxRetry = -1;
      this.status.attempt = 0;
      this.status.nextRetryAt = null;
      this.setState('connected');
    } catch (err) {
      this.session = this.subscription = undefined;
      await withTimeout(client.disconnect(), STOP_TIMEOUT_MS);
      if (this.stopped) return;
      this.status.counters.errors++;
      this.status.lastError = `connect ${this.source.endpoint}: ${oneLine(err)}`;
      this.status.attempt++;
      const delay = backoffDelay(this.status.attempt, this.opts.retry.initialDelayMs, this.opts.retry.maxDelayMs);
      this.status.nextRetryAt = this.opts.clock.now() + delay;
      this.setState('failed');
      this.timer = setTimeout(() => void this.attempt(), delay);
    }
  }

  private createClient(): OPCUAClient {
    const { retry } = this.opts;
    const client = OPCUAClient.create({
      applicationName: 'citybrain',
      // One try per attempt: the first connection's retries are ours (status, clear error per attempt).
      connectionStrategy: { maxRetry: 0, initialDelay: retry.initialDelayMs, maxDelay: retry.maxDelayMs },
      securityMode: MessageSecurityMode[this.source.securityMode],
      securityPolicy: SecurityPolicy[this.source.securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      clientCertificateManager: this.opts.certificateManager,
    });
    client.on('connection_lost', () => {
      if (this.stopped) return;
      this.status.attempt = 0;
      this.setState('reconnecting');
    });
    client.on('backoff', (count: number, delay: number) => {
      if (this.status.state !== 'reconnecting') return;
      this.status.attempt = count + 1;
      this.status.nextRetryAt = this.opts.clock.now() + delay;
    });
    client.on('reconnection_attempt_has_failed', (err: Error, message: string) => {
      this.status.counters.errors++;
      this.status.lastError = `reconnect: ${message || oneLine(err)}`;
    });
    client.on('connection_reestablished', () => {
      if (this.stopped) return;
      this.status.attempt = 0;
      this.status.nextRetryAt = null;
      this.setState('connected');
    });
    return client;
  }

  private identity(): UserIdentityInfo {
    const { username, password } = this.source;
    if (username === null) return { type: UserTokenType.Anonymous };
    return { type: UserTokenType.UserName, userName: username, password: password ?? '' };
  }

  private async subscribe(session: ClientSession): Promise<void> {
    const sub = ClientSubscription.create(session, {
      requestedPublishingInterval: this.source.publishingMs,
      requestedLifetimeCount: 100,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 1000,
      publishingEnabled: true,
      priority: 10,
    });
    this.subscription = sub;
    sub.on('internal_error', (err: Error) => this.error(`subscription: ${err.message}`));
    // One CreateMonitoredItems call for the whole mapping, so the first publish carries every initial value.
    const mapping = this.source.mapping;
    const group = await sub.monitorItems(
      mapping.map((m) => ({ nodeId: m.nodeId, attributeId: AttributeIds.Value })),
      { samplingInterval: this.source.samplingMs, queueSize: 10, discardOldest: true },
      TimestampsToReturn.Both,
    );
    group.on('changed', (_item: unknown, dv: DataValue, index: number) => {
      const m = mapping[index];
      if (m !== undefined) this.changed(m.metric, m.nodeId, dv);
    });
    group.on('err', (message: string) => this.error(`monitored items: ${message}`));
    group.monitoredItems.forEach((item, i) => {
      const code = item.statusCode;
      if (code !== undefined && !code.isGood()) this.error(`node ${mapping[i]?.nodeId ?? '?'}: ${code.name}`);
    });
  }

  private changed(metric: string, nodeId: string, dv: DataValue): void {
    const now = this.opts.clock.now();
    this.status.counters.values++;
    this.status.lastValueAt = now;
    if (!dv.statusCode.isGood()) {
      this.error(`node ${nodeId}: ${dv.statusCode.name}`);
      return;
    }
    const stamp = dv.sourceTimestamp ?? dv.serverTimestamp;
    this.pending.push({ metric, value: dv.value.value as unknown, ts: stamp ? stamp.getTime() : undefined });
    // node-opcua notifies the items of one PublishResponse in one synchronous loop: flushing on the next
    // turn of the event loop turns one publish into one batch.
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0 && !this.stopped) this.opts.hooks.publish(batch);
  }

  private error(message: string): void {
    this.status.counters.errors++;
    this.status.lastError = message;
  }

  private setState(to: OpcuaState): void {
    const from = this.status.state;
    if (from === to) return;
    this.status.state = to;
    this.status.since = this.opts.clock.now();
    this.opts.hooks.stateChanged(from, to);
  }
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim();
}

async function withTimeout(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (p === undefined) return;
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => (t = setTimeout(r, ms)))]);
  clearTimeout(t);
}
