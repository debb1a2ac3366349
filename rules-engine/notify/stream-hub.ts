/**
 * The live stream behind `GET /api/v1/stream` (architecture.md "Public surface"): bus events (alerts,
 * presence, contract violations, mission changes, drone state) become
 * server-sent events (WHATWG HTML §9.2) with increasing ids, kept in a bounded ring so a reconnect with
 * `Last-Event-ID` gets what it missed, heartbeats so proxies keep idle streams open, and a hard cap on
 * what one client may have buffered: a slow reader is cut off and counted, never buffered without limit.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventBus } from '../../kernel/bus.js';
import type { Clock } from '../../kernel/clock.js';
import type { AlertNotice, SeverityName } from '../../kernel/events.js';
import { inLang, perLang, type Lang, type Localized } from '../../kernel/i18n.js';
import { RingBuffer } from './ring-buffer.js';
import { alertDistrict, matchesDistrict, severityRank } from './routing.js';

/** `mission` and `drone` come from drone-ops (architecture.md: "alerts, presence, drone state and mission changes"). */
export const STREAM_EVENT_TYPES = ['alert', 'presence', 'violation', 'mission', 'drone', 'task'] as const;
export type StreamEventType = (typeof STREAM_EVENT_TYPES)[number];

export interface StreamFilter {
  /** Event types wanted; absent or empty = all. */
  types?: readonly StreamEventType[];
  /** Districts wanted (every type that has one); absent or empty = all. Mission and drone events carry no district, so a district filter leaves them out. */
  districts?: readonly string[];
  /** Lowest alert severity; applies to `alert` events only. */
  minSeverity?: SeverityName;
  /** Language of alert messages (default: the hub's `lang`). */
  lang?: Lang;
  /**
   * A responder's stream: only the tasks of this unit, and the alerts those tasks are about (`alertIds` at
   * the start, then each alert a new task of the unit names). Nothing else: no presence, drones, missions.
   */
  unit?: { id: string; alertIds: readonly string[] };
}

/** Where a client's frames go: the HTTP response, as the route adapts it. */
export interface StreamSink {
  write(chunk: string): void;
  /** Bytes written but not yet taken by the socket. */
  buffered(): number;
  /** Ends the response (the client may reconnect with Last-Event-ID). */
  close(): void;
}

export interface StreamHubOptions {
  bus: EventBus;
  clock: Clock;
  /** District of a device (presence and violation events); null when unknown. */
  districtOf?: (deviceId: string) => string | null;
  /** Events kept for replay. Default 1,000. */
  bufferSize?: number;
  /** Comment line interval; default 15 s. */
  heartbeatMs?: number;
  /** A client with more than this many bytes unsent is disconnected. Default 1 MiB. */
  maxBufferedBytes?: number;
  metrics?: Registry;
  /** Language of alert messages for clients that ask for none (CITYBRAIN_LANG). Default en. */
  lang?: Lang;
}

interface Entry {
  seq: number;
  type: StreamEventType;
  district: string | null;
  severity: number;
  /** One frame for everyone, or one per language (alerts whose message is in every language). */
  frame: string | Localized;
  /** The alert an `alert` or `task` event is about, and the unit of a `task` event (responder streams). */
  alertId?: string;
  unitId?: string;
}

interface Client {
  filter: StreamFilter;
  sink: StreamSink;
  /** A unit-scoped client's alerts: those its unit has tasks on. */
  alerts?: Set<string>;
}

export class StreamHub {
  private readonly ring: RingBuffer<Entry>;
  private readonly clients = new Set<Client>();
  /** Ids are `<boot>-<seq>`: a Last-Event-ID from an earlier process run is recognised and answered with `reset`. */
  private readonly boot: string;
  private seq = 0;
  private slow = 0;
  private timer: NodeJS.Timeout | undefined;
  private offs: (() => void)[] = [];
  private readonly slowCounter: Counter | undefined;

  constructor(private readonly opts: StreamHubOptions) {
    this.ring = new RingBuffer(opts.bufferSize ?? 1000);
    this.boot = opts.clock.now().toString(36);
    if (opts.metrics) {
      const clients = this.clients;
      new Gauge({ name: 'citybrain_stream_clients', help: 'Open server-sent event streams', registers: [opts.metrics], collect() { this.set(clients.size); } });
      this.slowCounter = new Counter({ name: 'citybrain_stream_slow_disconnects_total', help: 'SSE clients cut off because their unsent buffer exceeded the bound', registers: [opts.metrics] });
    }
  }

  /** Subscribes to the bus and starts heartbeats. */
  start(): void {
    const { bus } = this.opts;
    const districtOf = this.opts.districtOf ?? (() => null);
    const alert = (n: AlertNotice): void => this.publish('alert', n, alertDistrict(n.alert), severityRank(n.alert.severity), 'alert', { alertId: n.alert.id });
    this.offs = [
      bus.on('alertRaised', alert),
      bus.on('alertChanged', alert),
      bus.on('presence', (p) => {
        const district = districtOf(p.deviceId);
        this.publish('presence', { ...p, district }, district, -1);
      }),
      bus.on('violation', (v) => {
        const district = districtOf(v.deviceId);
        this.publish('violation', { ...v, district }, district, -1);
      }),
      bus.on('missionChanged', (m) => this.publish('mission', m, null, -1)),
      bus.on('droneState', (d) => this.publish('drone', d, null, -1)),
      // Response tasks: `task.created` / `task.updated`, scoped by the task's district like alerts.
      bus.on('taskChanged', (t) => this.publish('task', t.task, t.task.district, -1, `task.${t.action}`, { alertId: t.task.alertId, unitId: t.task.unitId })),
    ];
    const every = this.opts.heartbeatMs ?? 15_000;
    this.timer = setInterval(() => this.broadcast(': heartbeat\n\n'), every);
    this.timer.unref();
  }

  /** Stops heartbeats, leaves the bus and ends every open stream. */
  stop(): void {
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.timer);
    for (const c of [...this.clients]) this.drop(c);
  }

  /**
   * Opens a stream for one client: replays what it missed after `lastEventId` (or sends `reset` when
   * that cannot be done), then live events. Returns the function that closes it.
   */
  open(filter: StreamFilter, lastEventId: string | undefined, sink: StreamSink): () => void {
    const client: Client = { filter, sink, ...(filter.unit ? { alerts: new Set(filter.unit.alertIds) } : {}) };
    this.clients.add(client);
    sink.write('retry: 3000\n: connected\n\n');
    if (lastEventId !== undefined && lastEventId !== '') this.replay(client, lastEventId);
    return () => {
      this.clients.delete(client);
    };
  }

  stats(): { clients: number; slowDisconnects: number; lastId: string } {
    return { clients: this.clients.size, slowDisconnects: this.slow, lastId: this.id(this.seq) };
  }

  private id(seq: number): string {
    return `${this.boot}-${seq}`;
  }

  private replay(client: Client, lastEventId: string): void {
    const m = /^([0-9a-z]+)-(\d+)$/.exec(lastEventId);
    const since = m && m[1] === this.boot ? this.ring.since(Number(m[2]), this.seq) : { ok: false as const, reason: 'unknown' };
    if (!since.ok) {
      // The client missed events we no longer hold: it must reload state over the REST API.
      this.send(client, `id: ${this.id(this.seq)}\nevent: reset\ndata: ${JSON.stringify({ reason: since.reason, lastEventId })}\n\n`);
      return;
    }
    for (const e of since.items) if (wants(client, e)) this.send(client, this.frameFor(client, e));
  }

  private publish(type: StreamEventType, data: unknown, district: string | null, severity: number, name: string = type, about: Pick<Entry, 'alertId' | 'unitId'> = {}): void {
    const seq = ++this.seq;
    const frame = (d: unknown): string => `id: ${this.id(seq)}\nevent: ${name}\ndata: ${JSON.stringify(d)}\n\n`;
    const alert = type === 'alert' ? (data as AlertNotice).alert : undefined;
    const entry: Entry = {
      seq, type, district, severity, ...about,
      frame: alert?.messages ? perLang((l) => frame({ ...(data as AlertNotice), alert: inLang(alert, l) })) : frame(data),
    };
    this.ring.push(entry);
    for (const c of [...this.clients]) if (wants(c, entry)) this.send(c, this.frameFor(c, entry));
  }

  private frameFor(c: Client, e: Entry): string {
    return typeof e.frame === 'string' ? e.frame : e.frame[c.filter.lang ?? this.opts.lang ?? 'en'];
  }

  private broadcast(frame: string): void {
    for (const c of [...this.clients]) this.send(c, frame);
  }

  private send(c: Client, frame: string): void {
    if (!this.clients.has(c)) return;
    c.sink.write(frame);
    if (c.sink.buffered() > (this.opts.maxBufferedBytes ?? 1024 * 1024)) {
      this.slow++;
      this.slowCounter?.inc();
      this.drop(c);
    }
  }

  private drop(c: Client): void {
    this.clients.delete(c);
    c.sink.close();
  }
}

function wants(c: Client, e: Entry): boolean {
  const f = c.filter;
  if (f.unit && !unitWants(c, f.unit.id, e)) return false;
  if (f.types !== undefined && f.types.length > 0 && !f.types.includes(e.type)) return false;
  if (e.type === 'alert' && f.minSeverity !== undefined && e.severity < severityRank(f.minSeverity)) return false;
  return matchesDistrict(f, e.district);
}

/** A responder's stream: their unit's tasks (learning the alerts they name) and those alerts; nothing else. */
function unitWants(c: Client, unitId: string, e: Entry): boolean {
  if (e.type === 'task') {
    if (e.unitId !== unitId) return false;
    if (e.alertId !== undefined) c.alerts?.add(e.alertId);
    return true;
  }
  return e.type === 'alert' && e.alertId !== undefined && (c.alerts?.has(e.alertId) ?? false);
}
