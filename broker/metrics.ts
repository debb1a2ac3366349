import { Counter, Gauge, type Registry } from 'prom-client';

/** The broker's numbers as a plain object (`broker.stats()`); the same values feed Prometheus. */
export interface BrokerStats {
  /** Open MQTT sockets (TCP + WebSocket), authenticated or not: what `mqttMaxConnections` bounds. */
  connections: number;
  /** Open sockets that have not authenticated yet (their own, smaller cap). */
  pending: number;
  /** Authenticated device sessions. */
  clients: number;
  connectsRejected: Record<string, number>;
  /** Bans started, by scope (address, username). */
  bans: Record<string, number>;
  /** Unauthenticated sockets closed to make room, by reason. */
  evictions: Record<string, number>;
  /** Devices that logged in with a client certificate. */
  certificateLogins: number;
  readings: number;
  violations: Record<string, number>;
  aclDenied: { publish: number; subscribe: number };
  framesTooLarge: number;
  /** Connections closed for breaking an MQTT 3.1.1 rule, by rule (docs/broker-conformance.md). */
  protocolViolations: Record<string, number>;
  ingestInflight: number;
  /** Highest ingest in-flight count seen since start (proves the bound). */
  ingestInflightPeak: number;
  pausedSockets: number;
  /** Times a socket was held by flow control. */
  pauses: number;
  sinkFailures: number;
}

export type Gauges = Pick<BrokerStats, 'connections' | 'pending' | 'clients' | 'ingestInflight' | 'ingestInflightPeak' | 'pausedSockets'>;

/** Counters kept as plain numbers; prom-client instruments are registered only when a registry is given. */
export class BrokerMetrics {
  private readonly c = {
    connectsRejected: {} as Record<string, number>,
    bans: {} as Record<string, number>,
    evictions: {} as Record<string, number>,
    certificateLogins: 0,
    readings: 0,
    violations: {} as Record<string, number>,
    aclDenied: { publish: 0, subscribe: 0 },
    framesTooLarge: 0,
    protocolViolations: {} as Record<string, number>,
    pauses: 0,
    sinkFailures: 0,
  };
  private readonly prom?: {
    rejected: Counter<'reason'>;
    readings: Counter;
    violations: Counter<'code'>;
    acl: Counter<'action'>;
    frames: Counter;
    protocol: Counter<'rule'>;
    bans: Counter<'scope'>;
    evictions: Counter<'reason'>;
  };

  constructor(
    private readonly gauges: () => Gauges,
    registry?: Registry,
  ) {
    if (!registry) return;
    const registers = [registry];
    const g = this.gauges;
    new Gauge({ name: 'citybrain_mqtt_connections', help: 'Open MQTT connections (TCP and WebSocket)', registers, collect() { this.set(g().connections); } });
    new Gauge({ name: 'citybrain_mqtt_pending_connections', help: 'Open MQTT sockets not yet authenticated', registers, collect() { this.set(g().pending); } });
    new Gauge({ name: 'citybrain_ingest_inflight', help: 'Readings in flight through ingest', registers, collect() { this.set(g().ingestInflight); } });
    new Gauge({ name: 'citybrain_mqtt_paused_sockets', help: 'MQTT sockets paused by ingest flow control', registers, collect() { this.set(g().pausedSockets); } });
    this.prom = {
      rejected: new Counter({ name: 'citybrain_mqtt_connects_rejected_total', help: 'MQTT connections refused, by reason', labelNames: ['reason'], registers }),
      readings: new Counter({ name: 'citybrain_readings_total', help: 'Readings accepted and written to the sink', registers }),
      violations: new Counter({ name: 'citybrain_violations_total', help: 'Firmware contract violations, by code', labelNames: ['code'], registers }),
      acl: new Counter({ name: 'citybrain_mqtt_acl_denied_total', help: 'Publishes and subscriptions refused by the topic ACL', labelNames: ['action'], registers }),
      frames: new Counter({ name: 'citybrain_mqtt_frames_too_large_total', help: 'Connections dropped for an MQTT packet over the frame-size limit', registers }),
      protocol: new Counter({ name: 'citybrain_mqtt_protocol_violations_total', help: 'Connections closed for a malformed MQTT packet, by the MQTT 3.1.1 rule broken', labelNames: ['rule'], registers }),
      bans: new Counter({ name: 'citybrain_mqtt_connect_bans_total', help: 'Addresses and usernames banned for failed CONNECTs', labelNames: ['scope'], registers }),
      evictions: new Counter({ name: 'citybrain_mqtt_pending_evicted_total', help: 'Unauthenticated MQTT sockets closed to make room, by reason', labelNames: ['reason'], registers }),
    };
  }

  rejected(reason: string): void {
    this.c.connectsRejected[reason] = (this.c.connectsRejected[reason] ?? 0) + 1;
    this.prom?.rejected.inc({ reason });
  }

  banned(scope: string): void {
    this.c.bans[scope] = (this.c.bans[scope] ?? 0) + 1;
    this.prom?.bans.inc({ scope });
  }

  evicted(reason: string): void {
    this.c.evictions[reason] = (this.c.evictions[reason] ?? 0) + 1;
    this.prom?.evictions.inc({ reason });
  }

  certificateLogin(): void {
    this.c.certificateLogins++;
  }

  readings(n: number): void {
    this.c.readings += n;
    this.prom?.readings.inc(n);
  }

  violation(code: string): void {
    this.c.violations[code] = (this.c.violations[code] ?? 0) + 1;
    this.prom?.violations.inc({ code });
  }

  aclDenied(action: 'publish' | 'subscribe'): void {
    this.c.aclDenied[action]++;
    this.prom?.acl.inc({ action });
  }

  frameTooLarge(): void {
    this.c.framesTooLarge++;
    this.prom?.frames.inc();
  }

  protocolViolation(rule: string): void {
    this.c.protocolViolations[rule] = (this.c.protocolViolations[rule] ?? 0) + 1;
    this.prom?.protocol.inc({ rule });
  }

  paused(): void {
    this.c.pauses++;
  }

  sinkFailure(): void {
    this.c.sinkFailures++;
  }

  snapshot(): BrokerStats {
    const c = this.c;
    return {
      ...this.gauges(),
      connectsRejected: { ...c.connectsRejected },
      bans: { ...c.bans },
      evictions: { ...c.evictions },
      certificateLogins: c.certificateLogins,
      readings: c.readings,
      violations: { ...c.violations },
      aclDenied: { ...c.aclDenied },
      framesTooLarge: c.framesTooLarge,
      protocolViolations: { ...c.protocolViolations },
      pauses: c.pauses,
      sinkFailures: c.sinkFailures,
    };
  }
}
