/** OPC UA sources: configuration, collector, status, station certificates. */
export { OpcuaCollector, type OpcuaCollectorOptions, type DeviceLookup } from './collector.js';
export { OpcuaSourceService } from './service.js';
export { KyselyOpcuaSourceStore, opcuaMigrations, type OpcuaSourceStore } from './source-store.js';
export type { BrowsedNode, RetryOptions, WatchdogSettings } from './connection.js';
export type { StationCertificate, TrustState } from './trust.js';
export {
  SECURITY_MODES, SECURITY_POLICIES, validateSource, toPublicSource,
  type OpcuaSource, type OpcuaSourceInput, type PublicOpcuaSource, type NodeMapping, type SecurityModeName, type SecurityPolicyName, type SourceProblem,
} from './source.js';
export { publishToReading, type ChangedValue } from './batch.js';
export type { OpcuaSourceStatus, OpcuaState, OpcuaCounters, OpcuaNodeStatus } from './status.js';
