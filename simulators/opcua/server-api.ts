/**
 * The slice of node-opcua's server API the simulated station uses, typed here.
 *
 * Why not `import { OPCUAServer } from 'node-opcua'`: node-opcua 2.172's published typings for the address
 * space import `node-opcua-nodeid/source/nodeid` — a TypeScript *source* file shipped in the package — so
 * `tsc` type-checks that file under our strict settings and fails (skipLibCheck covers only .d.ts files).
 * The client side (`node-opcua-client`) is not affected. The runtime module is the real node-opcua.
 */
import { createRequire } from 'node:module';
import type { EUInformation } from 'node-opcua-data-access';
import type { DataType, MessageSecurityMode, SecurityPolicy, VariantArrayType } from 'node-opcua-client';
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';

export interface UAVariableLike {
  setValueFromSource(variant: { dataType: DataType; value: number | string | number[]; arrayType?: VariantArrayType }): void;
}

interface NodeLike {
  readonly nodeId: { toString(): string };
}

export interface NamespaceLike {
  addObject(o: { organizedBy: NodeLike; browseName: string; nodeId: string }): NodeLike;
  addAnalogDataItem(o: {
    componentOf: NodeLike;
    browseName: string;
    nodeId: string;
    description: string;
    dataType: 'Double' | 'Int64' | 'UInt64';
    engineeringUnits: EUInformation;
    engineeringUnitsRange: { low: number; high: number };
    minimumSamplingInterval: number;
  }): UAVariableLike;
  addVariable(o: { componentOf: NodeLike; browseName: string; nodeId: string; dataType: 'String' | 'Int64' | 'UInt64' | 'Double'; minimumSamplingInterval: number }): UAVariableLike;
}

/** A request as the server hands it to a service handler (`_on_<Name>Request`). */
export interface ServiceMessage {
  request: { retransmitSequenceNumber?: number };
}

export interface ServerChannelLike {
  send_response(type: 'MSG', response: unknown, message: ServiceMessage): void;
}

/**
 * node-opcua's server looks up the handler of each service by name on the instance (`_on_${request
 * schema name}`, base_server.ts on_request); a missing handler answers BadServiceUnsupported.
 */
export type ServiceHandler = ((message: ServiceMessage, channel: ServerChannelLike) => void) | null;

export interface OPCUAServerLike {
  initialize(): Promise<void>;
  start(): Promise<void>;
  shutdown(timeoutMs: number): Promise<void>;
  readonly endpoints: { port: number; abruptlyInterruptChannels(): void }[];
  readonly currentSessionCount: number;
  readonly engine: { addressSpace: { getOwnNamespace(): NamespaceLike; rootFolder: { objects: NodeLike } } | null };
}

export interface OPCUAServerOptionsLike {
  port: number;
  hostname: string;
  resourcePath: string;
  buildInfo: { productName: string; manufacturerName: string };
  serverCertificateManager: OPCUACertificateManager;
  securityPolicies: SecurityPolicy[];
  securityModes: MessageSecurityMode[];
  allowAnonymous: boolean;
  userManager?: { isValidUser(userName: string, password: string): boolean };
}

const require = createRequire(import.meta.url);
const { OPCUAServer } = require('node-opcua-server') as { OPCUAServer: new (o: OPCUAServerOptionsLike) => OPCUAServerLike };

export function createServer(o: OPCUAServerOptionsLike): OPCUAServerLike {
  return new OPCUAServer(o);
}
