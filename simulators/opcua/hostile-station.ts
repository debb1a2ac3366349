/**
 * A heat station that misbehaves the way field stations from other OPC UA stacks do, for the collector's
 * robustness tests. On top of the simulated heat station (same variables, same model) it:
 *
 * - answers Republish with Good and an empty NotificationMessage for any sequence number, where OPC UA
 *   Part 4 §5.13.6 requires Bad_MessageNotAvailable (a client that keeps asking until it gets that status
 *   spins forever);
 * - does not implement TransferSubscriptions (Bad_ServiceUnsupported), so a client that lost its session
 *   must recreate its subscriptions;
 * - loses sessions on demand: `interruptChannels()` cuts every secure channel (a network break; the
 *   sessions survive on the server), `restart()` stops and starts on the same port (every session is gone);
 * - serves nodes that do not fit a numeric contract metric: a String, Int64 and UInt64 values, and a
 *   temperature in °F.
 */
import { DataType, NotificationMessage, RepublishResponse, StatusCodes, VariantArrayType } from 'node-opcua-client';
import { standardUnits } from 'node-opcua-data-access';
import { HeatStation, type HeatStationOptions, type NamespaceAndStation } from './heat-station.js';
import type { OPCUAServerLike, ServerChannelLike, ServiceHandler, ServiceMessage, UAVariableLike } from './server-api.js';

/** Extra variables of the hostile station, under Objects/HeatStation. */
export const HOSTILE_NODES = {
  /** A String ("180.5 m3/h") where a number is expected. */
  flowText: 'ns=1;s=HeatStation.FlowText',
  /** Int64 flow, m³/h (arrives as [high, low] in node-opcua). */
  flowInt64: 'ns=1;s=HeatStation.FlowInt64',
  /** UInt64 counter beyond Number.MAX_SAFE_INTEGER. */
  hugeUInt64: 'ns=1;s=HeatStation.HugeCounter',
  /** Supply temperature with EngineeringUnits °F (the contract's unit is °C). */
  supplyTempF: 'ns=1;s=HeatStation.SupplyTempF',
} as const;

export interface HostileStationOptions extends HeatStationOptions {
  /** Answer Republish with Good and an empty message (default true). */
  republishGoodEmpty?: boolean;
  /** Refuse TransferSubscriptions as unsupported (default true). */
  transferUnsupported?: boolean;
}

export class HostileStation extends HeatStation {
  /** Republish requests answered so far (to show the client's repair loop). */
  republishRequests = 0;
  private flowInt64 = 180;
  private extra = new Map<string, UAVariableLike>();

  constructor(private readonly hostile: HostileStationOptions = {}) {
    super(hostile);
  }

  /** Cuts every secure channel at once; sessions and subscriptions stay on the server (a network break). */
  interruptChannels(): void {
    for (const e of this.server?.endpoints ?? []) e.abruptlyInterruptChannels();
  }

  /** Stops and starts on the same port: every session and subscription is gone (a station restart). */
  async restart(): Promise<void> {
    const port = this.port;
    await this.stop();
    await this.start({ port });
  }

  /** Sets the Int64 flow node (whole m³/h). */
  setFlowInt64(v: number): void {
    this.flowInt64 = v;
    this.extra.get(HOSTILE_NODES.flowInt64)?.setValueFromSource({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: toHighLow(v) });
  }

  protected override configure(server: OPCUAServerLike): void {
    const handlers = server as unknown as Record<string, ServiceHandler>;
    if (this.hostile.transferUnsupported ?? true) handlers['_on_TransferSubscriptionsRequest'] = null;
    if (this.hostile.republishGoodEmpty ?? true) {
      handlers['_on_RepublishRequest'] = (message: ServiceMessage, channel: ServerChannelLike) => {
        this.republishRequests++;
        // Sequence number 0 and no data: what a careless stack sends for "nothing to retransmit".
        const response = new RepublishResponse({ responseHeader: { serviceResult: StatusCodes.Good }, notificationMessage: new NotificationMessage({ publishTime: new Date() }) });
        channel.send_response('MSG', response, message);
      };
    }
  }

  protected override build(server: OPCUAServerLike): NamespaceAndStation {
    const built = super.build(server);
    const { ns, station } = built;
    const add = (id: string, dataType: 'String' | 'Int64' | 'UInt64', variant: { dataType: DataType; value: string | number[]; arrayType?: VariantArrayType }) => {
      const v = ns.addVariable({ componentOf: station, browseName: id.split('.').at(-1)!, nodeId: id.replace(/^ns=1;/, ''), dataType, minimumSamplingInterval: 100 });
      v.setValueFromSource(variant);
      this.extra.set(id, v);
    };
    add(HOSTILE_NODES.flowText, 'String', { dataType: DataType.String, value: '180.5 m3/h' });
    add(HOSTILE_NODES.flowInt64, 'Int64', { dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: toHighLow(this.flowInt64) });
    add(HOSTILE_NODES.hugeUInt64, 'UInt64', { dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: toHighLow(2 ** 60) });
    const f = ns.addAnalogDataItem({
      componentOf: station,
      browseName: 'SupplyTempF',
      nodeId: 's=HeatStation.SupplyTempF',
      description: 'Supply temperature, °F',
      dataType: 'Double',
      engineeringUnits: standardUnits.degree_fahrenheit,
      engineeringUnitsRange: { low: 32, high: 300 },
      minimumSamplingInterval: 100,
    });
    f.setValueFromSource({ dataType: DataType.Double, value: 161.6 });
    return built;
  }
}

/** A non-negative whole number as OPC UA Int64/UInt64 in node-opcua's [high, low] 32-bit words. */
function toHighLow(v: number): number[] {
  return [Math.floor(v / 2 ** 32), v % 2 ** 32];
}
