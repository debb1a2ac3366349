/**
 * The node-opcua client of one source and the small operations around it: creating it, logging in,
 * browsing, asking the station for its certificate, closing it within a bounded time.
 */
import {
  BrowseDirection,
  MessageSecurityMode,
  NodeClass,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type ClientSession,
  type ClientSubscription,
  type UserIdentityInfo,
} from 'node-opcua-client';
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { AppError } from '../../kernel/errors.js';
import type { OpcuaSource } from './source.js';

export interface RetryOptions {
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface WatchdogSettings {
  /** Least silence (no data, no keep-alive) before a reconnect, ms; at least 3 keep-alive periods are allowed. */
  minSilenceMs: number;
  maxRepairsPerSecond: number;
}

/** What failed, as the `citybrain_opcua_errors_total{kind}` counter labels it. */
export type OpcuaFailureKind = 'connect' | 'subscription' | 'node' | 'watchdog' | 'certificate' | 'write' | 'config';

export interface BrowsedNode {
  nodeId: string;
  browseName: string;
  displayName: string;
  /** `Object`, `Variable`, `Method`... */
  nodeClass: string;
}

/** One generation of a source's connection. */
export interface Live {
  gen: number;
  client: OPCUAClient;
  session?: ClientSession;
  subscription?: ClientSubscription;
}

export const STOP_TIMEOUT_MS = 2_000;

/** A client for one connection attempt: one try; the retries of a fresh connection are the caller's. */
export function newClient(source: OpcuaSource, retry: RetryOptions, certificateManager: OPCUACertificateManager): OPCUAClient {
  return OPCUAClient.create({
    applicationName: 'citybrain',
    // One try per attempt: the retries of a fresh connection are ours (status, clear error per attempt).
    connectionStrategy: { maxRetry: 0, initialDelay: retry.initialDelayMs, maxDelay: retry.maxDelayMs },
    securityMode: MessageSecurityMode[source.securityMode],
    securityPolicy: SecurityPolicy[source.securityPolicy],
    endpointMustExist: false,
    keepSessionAlive: true,
    clientCertificateManager: certificateManager,
  });
}

export function identity(source: OpcuaSource): UserIdentityInfo {
  const { username, password } = source;
  if (username === null) return { type: UserTokenType.Anonymous };
  return { type: UserTokenType.UserName, userName: username, password: password ?? '' };
}

/** Children of `nodeId` (hierarchical references). */
export async function browseChildren(session: ClientSession, nodeId: string): Promise<BrowsedNode[]> {
  const r = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, nodeClassMask: 0, resultMask: 63 });
  if (!r.statusCode.isGood()) throw new AppError('VALIDATION_FAILED', { message: `browse ${nodeId}: ${r.statusCode.name}` });
  return (r.references ?? []).map((ref) => ({
    nodeId: ref.nodeId.toString(),
    browseName: ref.browseName.toString(),
    displayName: ref.displayName.text ?? '',
    nodeClass: NodeClass[ref.nodeClass] ?? String(ref.nodeClass),
  }));
}

/** The certificate the station offers for this source's mode and policy (GetEndpoints needs no security). */
export async function stationCertificate(source: OpcuaSource, certificateManager: OPCUACertificateManager): Promise<Buffer | undefined> {
  const probe = OPCUAClient.create({ applicationName: 'citybrain', endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, clientCertificateManager: certificateManager });
  try {
    await probe.connect(source.endpoint);
    const endpoints = await probe.getEndpoints();
    const mode = MessageSecurityMode[source.securityMode];
    const match = endpoints.find((e) => e.securityMode === mode && e.securityPolicyUri === SecurityPolicy[source.securityPolicy]) ?? endpoints.find((e) => (e.serverCertificate?.length ?? 0) > 0);
    return match?.serverCertificate ?? undefined;
  } catch {
    return undefined;
  } finally {
    await withTimeout(probe.disconnect(), STOP_TIMEOUT_MS);
  }
}

/** Closes what a connection holds; `graceful` also terminates the subscription and closes the session first. */
export async function dispose(live: Live, graceful: boolean): Promise<void> {
  if (graceful) {
    await withTimeout(live.subscription?.terminate(), STOP_TIMEOUT_MS);
    await withTimeout(live.session?.close(), STOP_TIMEOUT_MS);
  }
  await withTimeout(live.client.disconnect(), STOP_TIMEOUT_MS);
}

export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim();
}

async function withTimeout(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (p === undefined) return;
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => (t = setTimeout(r, ms)))]);
  clearTimeout(t);
}
