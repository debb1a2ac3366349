/**
 * Device kinds come from the firmware contract (firmware-contracts owns the list); re-exported so
 * the registry's callers need not reach into another module.
 */
export { DEVICE_KINDS, isDeviceKind, type DeviceKind } from '../firmware-contracts/index.js';
