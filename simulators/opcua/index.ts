/** The simulated OPC UA district-heating stations (node-opcua servers): a well-behaved one and a hostile one. */
export { HeatStation, HEAT_STATION_MAPPING, type HeatFault } from './heat-station.js';
export { HostileStation, HOSTILE_NODES, type HostileStationOptions } from './hostile-station.js';
