import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Reading } from '../../kernel/events.js';
import { AppError, ERROR_CODES, type ErrorCode } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import { encodeBodies, LineEncoder } from './influx-protocol.js';
import { DEFAULT_LINES_PER_REQUEST, DEFAULT_MEASUREMENT, type InfluxTelemetryStoreOptions } from './telemetry-store.influx.js';
import type { TelemetryStore } from './telemetry-store.js';

/** What a write thread opens: its own connection to the same store the main thread queries. */
export type StoreSpec = { kind: 'influx'; options: InfluxTelemetryStoreOptions } | { kind: 'sqlite'; file: string };

/** One write for a thread: InfluxDB line-protocol bodies encoded by the caller, or readings (SQLite). */
export type WriteRequest = { id: number; bodies: Uint8Array[] } | { id: number; readings: readonly Reading[] };

/** A thread's answer to one write: nothing when durable, else the AppError's code, message and details. */
export interface WriteAnswer {
  id: number;
  error?: { code: string; message: string; details?: unknown };
}

interface Pending {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Source checkouts run TypeScript through tsx (bin/citybrain.js registers it in the main thread only), so a
 * `.ts` worker registers it first; the compiled dist/ loads its `.js` directly.
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((err) => { console.error(err); process.exit(1); });
`;

/** tsx's ESM API by its package's export map (a require() resolve gives its CommonJS build). */
function tsxApi(): string {
  const req = createRequire(import.meta.url);
  const pkgFile = req.resolve('tsx/package.json');
  const pkg = req(pkgFile) as { exports: Record<string, { import: { default: string } }> };
  return new URL(pkg.exports['./esm/api']!.import.default, pathToFileURL(pkgFile)).href;
}

function workerEntry(): { entry: string; tsx: string | undefined } {
  const ts = import.meta.url.endsWith('.ts');
  const entry = new URL(`./telemetry-store.thread.${ts ? 'ts' : 'js'}`, import.meta.url).href;
  return { entry, tsx: ts ? tsxApi() : undefined };
}

function toError(e: NonNullable<WriteAnswer['error']>): AppError {
  const code = (e.code in ERROR_CODES ? e.code : 'TELEMETRY_STORE_UNAVAILABLE') as ErrorCode;
  return new AppError(code, { message: e.message, details: e.details });
}

/**
 * What the calling thread hands a write thread for a batch. InfluxDB: the line protocol, encoded here and
 * transferred (no copy): cloning the readings cost ~0.6 µs each to serialise here and ~2.4 µs to deserialise
 * in the thread, more than encoding them. SQLite inserts need the readings themselves: cloned.
 */
function requestMaker(spec: StoreSpec): (id: number, readings: readonly Reading[]) => { req: WriteRequest; transfer: ArrayBuffer[] } | undefined {
  if (spec.kind === 'sqlite') return (id, readings) => ({ req: { id, readings }, transfer: [] });
  const encoder = new LineEncoder(spec.options.measurement ?? DEFAULT_MEASUREMENT);
  const perRequest = spec.options.linesPerRequest ?? DEFAULT_LINES_PER_REQUEST;
  return (id, readings) => {
    const bodies = encodeBodies(encoder, readings, perRequest);
    // Nothing storable: durable already, as the store's own write answers.
    if (bodies.length === 0) return undefined;
    return { req: { id, bodies }, transfer: bodies.map((b) => b.buffer as ArrayBuffer) };
  };
}

/** One write thread: its writes in flight, settled by its answers; a thread that dies fails them all. */
class WriteThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly spec: StoreSpec,
    private readonly log: Logger,
    private readonly request: ReturnType<typeof requestMaker>,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  write(readings: readonly Reading[]): Promise<void> {
    if (this.closed) return Promise.reject(new AppError('TELEMETRY_STORE_UNAVAILABLE', { message: 'Telemetry write threads are closed' }));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const out = this.request(id, readings);
      if (out === undefined) return resolve();
      this.pending.set(id, { resolve, reject });
      this.start().postMessage(out.req, out.transfer);
    });
  }

  /** Starts the thread now if it is not running (booting it takes ~0.25 s under tsx). */
  start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(BOOT, { eval: true, workerData: { ...workerEntry(), spec: this.spec } });
    w.on('message', (a: WriteAnswer) => this.settle(a));
    w.on('error', (err) => this.log.error({ err }, 'telemetry write thread failed'));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      // Not durable, so not acknowledged: the writer spills these readings or the device resends them.
      const fail = new AppError('TELEMETRY_STORE_UNAVAILABLE', { message: `Telemetry write thread exited (code ${code})` });
      for (const p of this.pending.values()) p.reject(fail);
      this.pending.clear();
    });
    this.worker = w;
    return w;
  }

  private settle(a: WriteAnswer): void {
    const p = this.pending.get(a.id);
    if (!p) return;
    this.pending.delete(a.id);
    if (a.error) p.reject(toError(a.error));
    else p.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }
}

/**
 * The store with its writes — line-protocol encoding (or SQLite inserts) and the request — done in `threads`
 * worker threads, each with its own connection; queries stay on the calling thread's store. The contract is
 * the store's: `write` resolves only once the thread reports the readings durable, and rejects with the same
 * AppError codes (so the TelemetryWriter in front bisects, spills and retries exactly as before). A write
 * goes to the thread with the fewest writes in flight.
 */
export function withWriteThreads(store: TelemetryStore, spec: StoreSpec, threads: number, log: Logger): TelemetryStore {
  const request = requestMaker(spec);
  const pool = Array.from({ length: Math.max(1, threads) }, () => new WriteThread(spec, log, request));
  // Booted now, not at the first write: readings arriving while a thread boots waited for it (publish → alert
  // p99 158 ms against 13–16 ms without threads in bench:alert-latency, the first readings' wait).
  for (const t of pool) t.start();
  const pick = (): WriteThread => pool.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  return {
    name: store.name,
    write: (readings) => (readings.length === 0 ? Promise.resolve() : pick().write(readings)),
    queryRaw: (q) => store.queryRaw(q),
    queryRawMany: (q) => store.queryRawMany(q),
    queryAggregate: (q) => store.queryAggregate(q),
    latest: (id) => store.latest(id),
    ping: () => store.ping(),
    close: async () => {
      await Promise.all(pool.map((t) => t.close()));
      await store.close();
    },
  };
}
