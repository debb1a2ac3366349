/**
 * OPC UA source configuration: which station, how to reach it, and which node feeds
 * which contract metric of the device the readings are attributed to. Pure: values in, values out.
 */
import { resolveNodeId } from 'node-opcua-nodeid';
import { getContract } from '../../firmware-contracts/index.js';
import type { ErrorCode } from '../../kernel/errors.js';

/** OPC UA Part 4 §7.20 MessageSecurityMode (Invalid excluded). */
export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export type SecurityModeName = (typeof SECURITY_MODES)[number];

/** OPC UA Part 7 security policy names (short form, as node-opcua's SecurityPolicy enum keys). */
export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export type SecurityPolicyName = (typeof SECURITY_POLICIES)[number];

export interface NodeMapping {
  /** OPC UA node id string, e.g. `ns=1;s=HeatStation.SupplyTemp`. */
  nodeId: string;
  /** Contract metric name of the device's kind, e.g. `supply_temp_c`. */
  metric: string;
}

/** A stored source. `password` is kept to log in and never leaves the module (see `toPublicSource`). */
export interface OpcuaSource {
  id: string;
  deviceId: string;
  endpoint: string;
  securityMode: SecurityModeName;
  securityPolicy: SecurityPolicyName;
  username: string | null;
  password: string | null;
  samplingMs: number;
  publishingMs: number;
  mapping: NodeMapping[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A source as the API shows it: the password is replaced by whether one is set. */
export type PublicOpcuaSource = Omit<OpcuaSource, 'password'> & { hasPassword: boolean };

export interface OpcuaSourceInput {
  id?: string;
  deviceId: string;
  endpoint: string;
  securityMode?: SecurityModeName;
  securityPolicy?: SecurityPolicyName;
  username?: string | null;
  password?: string | null;
  samplingMs?: number;
  publishingMs?: number;
  mapping: NodeMapping[];
  enabled?: boolean;
}

export const SOURCE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Defaults: the heat contract reports every 60 s; a station is sampled far faster and batched per publish. */
export const DEFAULT_SAMPLING_MS = 1_000;
export const DEFAULT_PUBLISHING_MS = 1_000;

/**
 * One problem of a source, named: `OPCUA_NODE_ID_INVALID` (a mapping entry's node id does not parse),
 * `OPCUA_MAPPING_INVALID` (a mapping entry does not fit the contract), `OPCUA_SOURCE_INVALID` (the rest).
 */
export interface SourceProblem {
  path: string;
  code: Extract<ErrorCode, 'OPCUA_SOURCE_INVALID' | 'OPCUA_MAPPING_INVALID' | 'OPCUA_NODE_ID_INVALID'>;
  message: string;
}

/**
 * Parses a node id as the OPC UA client will (OPC UA Part 6 §5.3.1.10 string form, e.g. `ns=1;s=Pump.Flow`,
 * `i=2258`); returns why it is not one, or null. Surrounding blanks and empty identifiers are refused too:
 * node-opcua accepts them, but no station has such a node and they are typing mistakes.
 */
export function nodeIdProblem(nodeId: unknown): string | null {
  if (typeof nodeId !== 'string' || nodeId.length === 0) return 'node id must be a non-empty string';
  if (nodeId.trim() !== nodeId) return `node id ${JSON.stringify(nodeId)} has surrounding blanks`;
  if (/;[sgb]=$/.test(nodeId)) return `node id ${JSON.stringify(nodeId)} has an empty identifier`;
  try {
    resolveNodeId(nodeId);
    return null;
  } catch {
    return `${JSON.stringify(nodeId)} is not an OPC UA node id (expected e.g. ns=1;s=Station.SupplyTemp or ns=0;i=2258)`;
  }
}

/** What the validator needs to know about the target device. */
export interface DeviceKindInfo {
  kind: string;
}

/**
 * Checks a source against the device's contract: every mapped metric exists in the contract, no metric
 * or node is mapped twice, every required metric is mapped (a reading without it would break the
 * contract on every publish), security mode and policy agree. Returns all problems at once.
 */
export function validateSource(input: OpcuaSourceInput, device: DeviceKindInfo | undefined): SourceProblem[] {
  const out: SourceProblem[] = [];
  const source = (path: string, message: string) => out.push({ path, code: 'OPCUA_SOURCE_INVALID', message });
  const mapping = (path: string, message: string) => out.push({ path, code: 'OPCUA_MAPPING_INVALID', message });
  if (input.id !== undefined && !SOURCE_ID_PATTERN.test(input.id)) source('id', 'id must match ^[A-Za-z0-9_.-]{1,64}$');
  if (typeof input.endpoint !== 'string' || !/^opc\.tcp:\/\/[^/\s:]+(:\d{1,5})?(\/\S*)?$/.test(input.endpoint)) {
    source('endpoint', 'endpoint must be an opc.tcp://host[:port][/path] URL');
  }
  const mode = input.securityMode ?? 'None';
  const policy = input.securityPolicy ?? (mode === 'None' ? 'None' : 'Basic256Sha256');
  if ((mode === 'None') !== (policy === 'None')) {
    source('securityPolicy', `security mode ${mode} needs ${mode === 'None' ? 'policy None' : 'a policy other than None'}`);
  }
  if ((input.password ?? null) !== null && (input.username ?? null) === null) source('username', 'a password needs a username');
  if (device === undefined) {
    source('deviceId', `device ${input.deviceId} is not registered`);
    return out;
  }
  const contract = getContract(device.kind);
  if (contract === undefined) {
    source('deviceId', `device kind ${device.kind} has no contract`);
    return out;
  }
  if (!Array.isArray(input.mapping) || input.mapping.length === 0) {
    mapping('mapping', 'mapping is empty');
    return out;
  }
  const metrics = new Set<string>();
  const nodes = new Set<string>();
  // Every entry is checked, so each bad one is named (not only the first or the last).
  input.mapping.forEach((m, i) => {
    const nodeError = nodeIdProblem(m.nodeId);
    if (nodeError !== null) out.push({ path: `mapping[${i}].nodeId`, code: 'OPCUA_NODE_ID_INVALID', message: nodeError });
    if (!contract.metrics.some((s) => s.name === m.metric)) mapping(`mapping[${i}].metric`, `${device.kind} has no metric ${JSON.stringify(m.metric)}`);
    if (metrics.has(m.metric)) mapping(`mapping[${i}].metric`, `metric ${m.metric} is mapped twice`);
    if (nodes.has(m.nodeId)) mapping(`mapping[${i}].nodeId`, `node ${m.nodeId} is mapped twice`);
    metrics.add(m.metric);
    nodes.add(m.nodeId);
  });
  for (const spec of contract.metrics) {
    if (spec.required && !metrics.has(spec.name)) mapping('mapping', `required metric ${spec.name} is not mapped`);
  }
  return out;
}

/** Fills defaults; `id`, `createdAt` and `updatedAt` come from the caller. */
export function normalizeSource(input: OpcuaSourceInput, id: string, createdAt: number, updatedAt: number): OpcuaSource {
  const securityMode = input.securityMode ?? 'None';
  return {
    id,
    deviceId: input.deviceId,
    endpoint: input.endpoint,
    securityMode,
    securityPolicy: input.securityPolicy ?? (securityMode === 'None' ? 'None' : 'Basic256Sha256'),
    username: input.username ?? null,
    password: input.password ?? null,
    samplingMs: input.samplingMs ?? DEFAULT_SAMPLING_MS,
    publishingMs: input.publishingMs ?? DEFAULT_PUBLISHING_MS,
    mapping: input.mapping.map((m) => ({ nodeId: m.nodeId, metric: m.metric })),
    enabled: input.enabled ?? true,
    createdAt,
    updatedAt,
  };
}

export function toPublicSource(s: OpcuaSource): PublicOpcuaSource {
  const { password, ...rest } = s;
  return { ...rest, hasPassword: password !== null };
}
