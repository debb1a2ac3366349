/** The simulated MAVLink 2 vehicle and dock (its own state machine: it never imports the controller). */
export { SimVehicle, type Faults, type VehicleOptions } from './vehicle.js';
export { startVehicleFleet, type FleetOptions, type VehicleFleet } from './fleet.js';
export { startSimDocks } from './docks.js';
