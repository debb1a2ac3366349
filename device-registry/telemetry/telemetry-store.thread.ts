/**
 * Body of a telemetry write thread (telemetry-store.threads.ts): opens its own store from `workerData.spec`
 * and answers each `{ id, readings }` with `{ id }` once they are durable, or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Reading } from '../../kernel/events.js';
import { isAppError } from '../../kernel/errors.js';
import { createInfluxTelemetryStore } from './telemetry-store.influx.js';
import { createSqlTelemetryStore } from './telemetry-store.sql.js';
import type { StoreSpec, WriteAnswer } from './telemetry-store.threads.js';

const spec = (workerData as { spec: StoreSpec }).spec;
const store = spec.kind === 'influx' ? await createInfluxTelemetryStore(spec.options) : createSqlTelemetryStore({ file: spec.file });
const port = parentPort!;

port.on('message', (m: { id: number; readings: Reading[] }) => {
  store.write(m.readings).then(
    () => port.postMessage({ id: m.id } satisfies WriteAnswer),
    (err: unknown) => {
      const error = isAppError(err)
        ? { code: err.code, message: err.message, details: err.details }
        : { code: 'TELEMETRY_STORE_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) };
      port.postMessage({ id: m.id, error } satisfies WriteAnswer);
    },
  );
});
