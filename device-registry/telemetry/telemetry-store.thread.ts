/**
 * Body of a telemetry write thread (telemetry-store.threads.ts): opens its own store from `workerData.spec`
 * and answers each write (line-protocol `bodies` for InfluxDB, `readings` for SQLite) with `{ id }` once
 * they are durable, or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../kernel/errors.js';
import { createInfluxTelemetryStore, type EncodedWrites } from './telemetry-store.influx.js';
import type { TelemetryStore } from './telemetry-store.js';
import { createSqlTelemetryStore } from './telemetry-store.sql.js';
import type { StoreSpec, WriteAnswer, WriteRequest } from './telemetry-store.threads.js';

const spec = (workerData as { spec: StoreSpec }).spec;
const store: TelemetryStore & Partial<EncodedWrites> = spec.kind === 'influx' ? await createInfluxTelemetryStore(spec.options) : createSqlTelemetryStore({ file: spec.file });
const port = parentPort!;

function write(m: WriteRequest): Promise<void> {
  if ('readings' in m) return store.write(m.readings);
  return store.writeEncoded ? store.writeEncoded(m.bodies) : Promise.reject(new Error(`${store.name} takes readings, not line protocol`));
}

port.on('message', (m: WriteRequest) => {
  write(m).then(
    () => port.postMessage({ id: m.id } satisfies WriteAnswer),
    (err: unknown) => {
      const error = isAppError(err)
        ? { code: err.code, message: err.message, details: err.details }
        : { code: 'TELEMETRY_STORE_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) };
      port.postMessage({ id: m.id, error } satisfies WriteAnswer);
    },
  );
});
