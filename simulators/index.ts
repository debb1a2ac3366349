/**
 * Simulators: a living city without hardware. Never imported by production code — the `citybrain` CLI
 * loads this lazily for `citybrain sim ...` only.
 */
export { runSimCli, type SimCliIo } from './cli.js';
export { runFleet, startFleet, fleetCredentials, type Fleet, type FleetOptions } from './fleet.js';
export { startVirtualDevice, type VirtualDevice, type VirtualDeviceOptions } from './virtual-device.js';
export { startSimDocks } from './vehicle/index.js';
export { SimVehicle, startVehicleFleet, type Faults, type VehicleOptions, type FleetOptions as VehicleFleetOptions, type VehicleFleet } from './vehicle/index.js';
export { EventStream, parseSseBlock, type SseFrame } from './scenarios/platform-api.js';
