/** The DroneLink port and its in-memory fake (the MAVLink adapter lives in drone-ops/mavlink/). */
export type { DroneLink, DroneLinkEvent, FlightPhase } from './drone-link.js';
export { FakeDroneLink, type FakeDroneLinkOptions } from './fake-link.js';
