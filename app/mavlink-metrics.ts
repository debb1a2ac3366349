/**
 * MAVLink link counters in the platform's Prometheus registry, and the log lines that go with them:
 * re-sends (a lossy link), frames dropped by the signing policy (a misconfigured key, a replay or an
 * attacker), lost links, autopilot mismatches, and uploads the vehicle refused.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LinkHealth, MavlinkDroneLink, VehicleLink } from '../drone-ops/mavlink/index.js';
import type { Logger } from '../kernel/logger.js';
import { metricOnce } from '../kernel/metrics.js';

/** Rejections logged per link: the first, then every 100th (a replay flood must not flood the log). */
const LOG_EVERY = 100;

export interface MavlinkMetrics {
  /** Counts and logs one drone's session events; returns the unsubscribe. */
  watch(droneId: string, link: VehicleLink): () => void;
  /** Counts the port's refused uploads and vehicle failsafes; returns the unsubscribe. */
  watchPort(port: MavlinkDroneLink): () => void;
}

const HEALTH: readonly LinkHealth[] = ['connecting', 'ok', 'stale', 'lost'];

/** Link health read at scrape time from each watched link's state: links per health, heartbeat age per drone. */
function linkGauges(registry: Registry, links: Map<string, VehicleLink>, now: () => number): void {
  metricOnce(registry, 'citybrain_mavlink_links', () => new Gauge({
    name: 'citybrain_mavlink_links', help: 'MAVLink vehicle links by health (ok = up; connecting, stale, lost = down)', labelNames: ['health'], registers: [registry],
    collect() {
      for (const h of HEALTH) this.set({ health: h }, [...links.values()].filter((l) => l.state.health === h).length);
    },
  }));
  metricOnce(registry, 'citybrain_mavlink_heartbeat_age_seconds', () => new Gauge({
    name: 'citybrain_mavlink_heartbeat_age_seconds', help: 'Seconds since each drone\'s last HEARTBEAT (absent until the first)', labelNames: ['drone'], registers: [registry],
    collect() {
      this.reset();
      const t = now();
      for (const [drone, l] of links) if (l.state.lastHeartbeatMs !== undefined) this.set({ drone }, Math.max(0, t - l.state.lastHeartbeatMs) / 1000);
    },
  }));
}

export function mavlinkMetrics(registry: Registry | undefined, log: Logger, now: () => number = Date.now): MavlinkMetrics {
  const links = new Map<string, VehicleLink>();
  if (registry) linkGauges(registry, links, now);
  const counter = (name: string, help: string, labelNames: string[]): Counter | undefined =>
    registry ? metricOnce(registry, name, () => new Counter({ name, help, labelNames, registers: [registry] })) : undefined;
  const retries = counter('citybrain_mavlink_retries_total', 'MAVLink re-sends after a lost message, by kind (upload, command, param)', ['kind']);
  const rejected = counter('citybrain_mavlink_signature_rejected_total', 'MAVLink frames dropped by the signing policy, by verdict', ['verdict']);
  const lost = counter('citybrain_mavlink_link_lost_total', 'MAVLink links declared lost (no HEARTBEAT for the failsafe time)', []);
  const mismatch = counter('citybrain_mavlink_autopilot_mismatch_total', 'Vehicles whose HEARTBEAT names another autopilot than registered', []);
  const refused = counter('citybrain_mavlink_upload_refused_total', 'Uploads (mission, fence, rally) the vehicle refused', ['mission_type']);
  const failsafes = counter('citybrain_mavlink_failsafes_total', 'Mode changes to RTL/LAND the vehicle made on its own, by mode', ['mode']);
  return {
    watch(droneId, link) {
      links.set(droneId, link);
      let rejections = 0;
      const offs = [
        link.events.on('retry', ({ kind, count }) => {
          retries?.inc({ kind }, count);
          log.debug({ droneId, kind, count }, 'MAVLink re-sends');
        }),
        link.events.on('rejected', ({ verdict, msgid }) => {
          rejected?.inc({ verdict });
          if (rejections++ % LOG_EVERY === 0) log.warn({ droneId, verdict, msgid, rejections }, 'MAVLink frame rejected by the signing policy');
        }),
        link.events.on('health', ({ to }) => {
          if (to === 'lost') lost?.inc();
        }),
        link.events.on('autopilot-mismatch', (m) => {
          mismatch?.inc();
          log.error({ droneId, ...m }, 'autopilot mismatch: uploads and commands to this drone are refused');
        }),
      ];
      return () => {
        offs.forEach((off) => off());
        if (links.get(droneId) === link) links.delete(droneId);
      };
    },
    watchPort(port) {
      return port.on((e) => {
        if (e.type === 'uploadRefused') {
          refused?.inc({ mission_type: e.missionType });
          log.warn({ droneId: e.droneId, missionType: e.missionType, reason: e.reason }, 'vehicle refused an upload');
        } else if (e.type === 'failsafe') {
          failsafes?.inc({ mode: e.mode ?? 'unknown' });
          log.warn({ droneId: e.droneId, mode: e.mode, reason: e.reason }, 'vehicle failsafe');
        }
      });
    },
  };
}
