/** The DroneLink port, its in-memory fake and the per-drone router (the MAVLink adapter lives in drone-ops/mavlink/). */
export type { Autopilot, DroneLink, DroneLinkEvent, FlightPhase, OnboardSafety, UploadKind } from './drone-link.js';
export { checkOnboardSafety, returnRouteItems, withoutHome, DO_CHANGE_SPEED } from './mission-items.js';
export { FakeDroneLink, type FakeDroneLinkOptions } from './fake-link.js';
export { RoutingDroneLink } from './routing-link.js';
export { parseLinkAddress, checkLinkSpec, type DroneLinkSpec, type LinkAddress } from './address.js';
