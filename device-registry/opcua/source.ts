/**
 * OPC UA source configuration (issue #6 part 4): which station, how to reach it, and which node feeds
 * which contract metric of the device the readings are attributed to. Pure: values in, values out.
 */
import { getContract } from '../../firmware-contracts/index.js';

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

export interface SourceProblem {
  path: string;
  message: string;
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
  if (input.id !== undefined && !SOURCE_ID_PATTERN.test(input.id)) out.push({ path: 'id', message: 'id must match ^[A-Za-z0-9_.-]{1,64}$' });
  if (!/^opc\.tcp:\/\/[^/\s:]+(:\d{1,5})?(\/\S*)?$/.test(input.endpoint)) {
    out.push({ path: 'endpoint', message: 'endpoint must be an opc.tcp://host[:port][/path] URL' });
  }
  const mode = input.securityMode ?? 'None';
  const policy = input.securityPolicy ?? (mode === 'None' ? 'None' : 'Basic256Sha256');
  if ((mode === 'None') !== (policy === 'None')) {
    out.push({ path: 'securityPolicy', message: `security mode ${mode} needs ${mode === 'None' ? 'policy None' : 'a policy other than None'}` });
  }
  if ((input.password ?? null) !== null && (input.username ?? null) === null) out.push({ path: 'username', message: 'a password needs a username' });
  if (device === undefined) {
    out.push({ path: 'deviceId', message: `device ${input.deviceId} is not registered` });
    return out;
  }
  const contract = getContract(device.kind);
  if (contract === undefined) {
    out.push({ path: 'deviceId', message: `device kind ${device.kind} has no contract` });
    return out;
  }
  if (input.mapping.length === 0) out.push({ path: 'mapping', message: 'mapping is empty' });
  const metrics = new Set<string>();
  const nodes = new Set<string>();
  input.mapping.forEach((m, i) => {
    if (!contract.metrics.some((s) => s.name === m.metric)) {
      out.push({ path: `mapping[${i}].metric`, message: `${device.kind} has no metric ${JSON.stringify(m.metric)}` });
    }
    if (metrics.has(m.metric)) out.push({ path: `mapping[${i}].metric`, message: `metric ${m.metric} is mapped twice` });
    if (nodes.has(m.nodeId)) out.push({ path: `mapping[${i}].nodeId`, message: `node ${m.nodeId} is mapped twice` });
    metrics.add(m.metric);
    nodes.add(m.nodeId);
  });
  for (const spec of contract.metrics) {
    if (spec.required && !metrics.has(spec.name)) out.push({ path: 'mapping', message: `required metric ${spec.name} is not mapped` });
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
