/** OPC UA sources (issue #6 part 4): configuration, collector, status. */
export { OpcuaCollector, type OpcuaCollectorOptions, type DeviceLookup } from './collector.js';
export { OpcuaSourceService } from './service.js';
export { KyselyOpcuaSourceStore, opcuaMigrations, type OpcuaSourceStore } from './source-store.js';
export type { BrowsedNode, RetryOptions } from './connection.js';
export {
  SECURITY_MODES, SECURITY_POLICIES, validateSource, toPublicSource,
  type OpcuaSource, type OpcuaSourceInput, type PublicOpcuaSource, type NodeMapping, type SecurityModeName, type SecurityPolicyName, type SourceProblem,
} from './source.js';
export { publishToReading, type ChangedValue } from './batch.js';
export type { OpcuaSourceStatus, OpcuaState, OpcuaCounters } from './status.js';
