/**
 * A simulated district-heating exchange station speaking OPC UA (node-opcua server), as the SCADA of many
 * stations does. It exposes an `Objects/HeatStation` object whose analog items follow the heat signal model
 * (weather-compensated supply temperature, simulators/signals.ts) and accepts faults for scenarios.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { DataType, MessageSecurityMode, SecurityPolicy } from 'node-opcua-client';
import { standardUnits } from 'node-opcua-data-access';
import { environmentAt } from '../environment.js';
import { sampleMetrics } from '../signals.js';
import { createServer, type NamespaceLike, type OPCUAServerLike, type UAVariableLike } from './server-api.js';

export interface NamespaceAndStation {
  ns: NamespaceLike;
  station: Parameters<NamespaceLike['addVariable']>[0]['componentOf'];
}

/** Station variable → contract metric of the `heat` kind, with its engineering unit and instrument span. */
export const HEAT_STATION_VARIABLES = [
  { name: 'SupplyTemp', metric: 'supply_temp_c', unit: standardUnits.degree_celsius, low: 0, high: 150, text: 'Supply (flow) water temperature, °C' },
  { name: 'ReturnTemp', metric: 'return_temp_c', unit: standardUnits.degree_celsius, low: 0, high: 150, text: 'Return water temperature, °C' },
  { name: 'SupplyPressure', metric: 'supply_pressure_mpa', unit: standardUnits.megapascal, low: 0, high: 2.5, text: 'Supply pressure, gauge, MPa' },
  { name: 'ReturnPressure', metric: 'return_pressure_mpa', unit: standardUnits.megapascal, low: 0, high: 2.5, text: 'Return pressure, gauge, MPa' },
  { name: 'Flow', metric: 'flow_m3h', unit: standardUnits.cubic_metre_per_hour, low: 0, high: 5000, text: 'Circulation flow, m³/h' },
] as const;

export type HeatVariable = (typeof HEAT_STATION_VARIABLES)[number]['name'];

/** The node id of a station variable (namespace 1 is the server's own namespace). */
export const heatNodeId = (name: HeatVariable): string => `ns=1;s=HeatStation.${name}`;

/** The mapping a source needs for this station: every variable to its `heat` metric. */
export const HEAT_STATION_MAPPING = HEAT_STATION_VARIABLES.map((v) => ({ nodeId: heatNodeId(v.name), metric: v.metric }));

/**
 * - `supply_drop`: the supply temperature falls to 40 °C (boiler trip; below the 50 °C in-season rule).
 * - `sensor_overrange`: the supply sensor reads 250 °C (beyond the contract's physical range: a violation).
 */
export type HeatFault = 'supply_drop' | 'sensor_overrange';

export interface HeatStationOptions {
  /** Device seed for the signal model (default 1). */
  seed?: number;
  /** How often values are recomputed, ms (default 1,000). */
  tickMs?: number;
  /** Time source for the model (default Date.now). */
  now?: () => number;
  /** Server PKI folder (default: a fresh temp dir). */
  pkiDir?: string;
  /** Offer Sign and SignAndEncrypt (Basic256Sha256) endpoints besides None (default false). */
  secure?: boolean;
  /** Accepted user names and passwords; anonymous access stays allowed when empty (default). */
  users?: { username: string; password: string }[];
}

export class HeatStation {
  protected server: OPCUAServerLike | undefined;
  private timer: NodeJS.Timeout | undefined;
  private vars = new Map<HeatVariable, UAVariableLike>();
  private fault: HeatFault | null = null;
  private overrides: Partial<Record<HeatVariable, number>> = {};
  private readonly pkiDir: string;
  private boundPort = 0;

  constructor(private readonly opts: HeatStationOptions = {}) {
    this.pkiDir = opts.pkiDir ?? mkdtempSync(join(tmpdir(), 'cb-opcua-station-'));
  }

  /** Starts listening (port 0 = a free port; pass the old port to restart "the same" station). Returns the endpoint URL. */
  async start(o: { port?: number; hostname?: string } = {}): Promise<string> {
    if (this.server) throw new Error('station already started');
    const users = this.opts.users ?? [];
    const server = createServer({
      port: o.port ?? 0,
      hostname: o.hostname ?? '127.0.0.1',
      resourcePath: '/UA/HeatStation',
      buildInfo: { productName: 'citybrain simulated heat station', manufacturerName: 'citybrain' },
      serverCertificateManager: new OPCUACertificateManager({ rootFolder: join(this.pkiDir, 'pki'), automaticallyAcceptUnknownCertificate: true }),
      securityPolicies: this.opts.secure ? [SecurityPolicy.None, SecurityPolicy.Basic256Sha256] : [SecurityPolicy.None],
      securityModes: this.opts.secure ? [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt] : [MessageSecurityMode.None],
      allowAnonymous: users.length === 0,
      ...(users.length > 0 ? { userManager: { isValidUser: (u: string, p: string) => users.some((x) => x.username === u && x.password === p) } } : {}),
    });
    await server.initialize();
    this.build(server);
    this.configure(server);
    await server.start();
    this.server = server;
    this.boundPort = server.endpoints[0]?.port ?? 0;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 1_000);
    return this.endpoint;
  }

  /** Stops the server (sessions end; clients see the connection drop). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const server = this.server;
    this.server = undefined;
    this.vars.clear();
    if (server) await server.shutdown(0);
  }

  get port(): number {
    return this.boundPort;
  }

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.boundPort}/UA/HeatStation`;
  }

  /** Sessions open on the station now (0 when stopped). */
  get sessionCount(): number {
    return this.server?.currentSessionCount ?? 0;
  }

  /** Sets (or clears with null) a fault; takes effect at once. */
  setFault(fault: HeatFault | null): void {
    this.fault = fault;
    this.tick();
  }

  /** Pins variables to fixed values (scenarios, tests); `{}` returns them to the model. */
  pin(values: Partial<Record<HeatVariable, number>>): void {
    this.overrides = { ...values };
    this.tick();
  }

  /** The values the station shows now. */
  values(): Record<HeatVariable, number> {
    const seed = this.opts.seed ?? 1;
    const t = (this.opts.now ?? Date.now)();
    const m = sampleMetrics('heat', seed, environmentAt(seed, t));
    const num = (k: string): number => (typeof m[k] === 'number' ? (m[k] as number) : 0);
    const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
    const v: Record<HeatVariable, number> = {
      SupplyTemp: round(num('supply_temp_c'), 2),
      ReturnTemp: round(num('return_temp_c'), 2),
      SupplyPressure: round(num('supply_pressure_mpa'), 3),
      ReturnPressure: round(num('return_pressure_mpa'), 3),
      Flow: round(num('flow_m3h'), 1),
    };
    if (this.fault === 'supply_drop') {
      v.SupplyTemp = 40;
      v.ReturnTemp = Math.min(v.ReturnTemp, 36);
    } else if (this.fault === 'sensor_overrange') {
      v.SupplyTemp = 250;
    }
    return { ...v, ...this.overrides };
  }

  /** Hook for stations that change how services behave (see HostileStation). */
  protected configure(_server: OPCUAServerLike): void {}

  /** Builds Objects/HeatStation with its analog items; returns the station object for subclasses to extend. */
  protected build(server: OPCUAServerLike): NamespaceAndStation {
    const addressSpace = server.engine.addressSpace;
    if (addressSpace === null) throw new Error('OPC UA server has no address space');
    const ns = addressSpace.getOwnNamespace();
    const station = ns.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'HeatStation', nodeId: 's=HeatStation' });
    for (const d of HEAT_STATION_VARIABLES) {
      const v = ns.addAnalogDataItem({
        componentOf: station,
        browseName: d.name,
        nodeId: `s=HeatStation.${d.name}`,
        description: d.text,
        dataType: 'Double',
        engineeringUnits: d.unit,
        engineeringUnitsRange: { low: d.low, high: d.high },
        // Pushed with setValueFromSource on each tick; 100 ms lets clients sample faster than a tick.
        minimumSamplingInterval: 100,
      });
      this.vars.set(d.name, v);
    }
    return { ns, station };
  }

  private tick(): void {
    if (this.vars.size === 0) return;
    const values = this.values();
    for (const [name, v] of this.vars) v.setValueFromSource({ dataType: DataType.Double, value: values[name] });
  }
}
