/**
 * Firmware contracts v1: the one place that says what a device may publish and the platform may send.
 * A leaf module (node builtins only), publishable on its own. See docs/contracts.md.
 */
export {
  CONTRACT_VERSION, DEVICE_KINDS, isDeviceKind, getContract,
  type DeviceKind, type MetricSpec, type EventSpec, type CommandSpec, type CommandParamSpec, type KindContract,
} from './kinds.js';
export { topics, type ParsedTopic, type TopicChannel } from './topics.js';
export {
  VIOLATION_CODES, DEFAULT_MAX_BATCH, DEFAULT_MAX_AGE_MS, DEFAULT_MAX_FUTURE_MS, DEFAULT_MAX_BYTES,
  type ViolationCode, type Violation, type DecodeOptions,
} from './payload.js';
export { decodeTelemetry, type Sample, type TelemetryResult } from './telemetry.js';
export {
  decodeStatus, decodeEvent, decodeCommandReply, validateCommand,
  type DeviceStatus, type DecodedEvent, type CommandReply,
} from './messages.js';
export { exportJsonSchemas } from './schemas.js';
export { runContractsCli, type ContractsCliIo } from './cli.js';
