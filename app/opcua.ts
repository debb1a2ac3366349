/**
 * Wires OPC UA sources: their table, the collector on the telemetry writer and the bus,
 * the service, and its HTTP port. Sources stored by an earlier run start collecting at once.
 */
import { join } from 'node:path';
import {
  KyselyOpcuaSourceStore,
  OpcuaCollector,
  OpcuaSourceService,
  opcuaMigrations,
  type DeviceLookup,
} from '../device-registry/index.js';
import type { Registry } from 'prom-client';
import type { ReadingSink } from '../broker/index.js';
import type { OpcuaPort } from '../http/index.js';
import type { EventBus } from '../kernel/bus.js';
import type { Clock } from '../kernel/clock.js';
import { migrate, type Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import { SecretBox } from '../kernel/secrets.js';

export interface OpcuaWiring {
  readonly service: OpcuaSourceService;
  readonly http: OpcuaPort;
  /** Closes every session (subscriptions terminated) before the writer flushes. */
  stop(): Promise<void>;
}

export async function startOpcua(o: { database: Database; bus: EventBus; clock: Clock; log: Logger; devices: DeviceLookup; sink: ReadingSink; dataDir: string; trustOnFirstUse: boolean; metrics?: Registry; credentialKey?: Buffer }): Promise<OpcuaWiring> {
  await migrate(o.database, opcuaMigrations);
  const collector = new OpcuaCollector({ bus: o.bus, clock: o.clock, log: o.log, sink: o.sink, devices: o.devices, pkiDir: join(o.dataDir, 'opcua-pki'), trustOnFirstUse: o.trustOnFirstUse, ...(o.metrics ? { metrics: o.metrics } : {}) });
  // Station passwords encrypted at rest; rows from before encryption are sealed once, here (docs/security.md).
  const store = new KyselyOpcuaSourceStore(o.database, o.credentialKey ? new SecretBox(o.credentialKey, 'opc ua station password') : undefined);
  const sealed = await store.sealLegacyPasswords();
  if (sealed > 0) o.log.child({ module: 'opcua' }).info({ sources: sealed }, 'OPC UA station passwords encrypted at rest');
  const service = new OpcuaSourceService(store, collector, o.devices, o.clock);
  await service.start();
  return {
    service,
    http: {
      create: (input) => service.create(input),
      list: () => service.list(),
      get: (id) => service.get(id),
      replace: (id, input) => service.update(id, input),
      delete: (id) => service.delete(id),
      status: (id) => service.status(id),
      browse: (id, nodeId) => service.browse(id, nodeId),
      certificates: () => service.certificates(),
      decideCertificate: (thumbprint, decision) => service.decideCertificate(thumbprint, decision),
    },
    stop: () => collector.stop(),
  };
}
