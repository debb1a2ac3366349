/** The simulated OPC UA district-heating station (node-opcua server). */
export { HeatStation, HEAT_STATION_MAPPING, type HeatFault } from './heat-station.js';
