/** The DroneLink port, its in-memory fake and the per-drone router (the MAVLink adapter lives in drone-ops/mavlink/). */
export type { DroneLink, DroneLinkEvent, FlightPhase } from './drone-link.js';
export { FakeDroneLink, type FakeDroneLinkOptions } from './fake-link.js';
export { RoutingDroneLink } from './routing-link.js';
export { parseLinkAddress, checkLinkSpec, type DroneLinkSpec, type LinkAddress } from './address.js';
