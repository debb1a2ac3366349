import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { DroneState, LinkEvents, VehicleLink } from '../drone-ops/mavlink/index.js';
import { EventBus } from '../kernel/bus.js';
import { silentLogger } from '../kernel/logger.js';
import { mavlinkMetrics } from './mavlink-metrics.js';

/** The part of a VehicleLink the metrics read: its state and its events. */
function link(state: Partial<DroneState>): VehicleLink {
  return { state: { health: 'connecting', lastHeartbeatMs: undefined, ...state } as DroneState, events: new EventBus<LinkEvents>() } as unknown as VehicleLink;
}

describe('MAVLink link health metrics', () => {
  it('counts links by health and gives each drone its heartbeat age at scrape time; an unwatched link leaves', async () => {
    const registry = new Registry();
    let now = 100_000;
    const m = mavlinkMetrics(registry, silentLogger(), () => now);
    m.watch('uav-1', link({ health: 'ok', lastHeartbeatMs: 99_000 }));
    const off = m.watch('uav-2', link({ health: 'lost', lastHeartbeatMs: 40_000 }));
    m.watch('uav-3', link({ health: 'connecting' }));
    let text = await registry.metrics();
    expect(text).toMatch(/citybrain_mavlink_links\{health="ok"\} 1/);
    expect(text).toMatch(/citybrain_mavlink_links\{health="lost"\} 1/);
    expect(text).toMatch(/citybrain_mavlink_links\{health="connecting"\} 1/);
    expect(text).toMatch(/citybrain_mavlink_heartbeat_age_seconds\{drone="uav-1"\} 1\n/);
    expect(text).toMatch(/citybrain_mavlink_heartbeat_age_seconds\{drone="uav-2"\} 60\n/);
    expect(text).not.toMatch(/heartbeat_age_seconds\{drone="uav-3"\}/);
    off();
    now += 2_000;
    text = await registry.metrics();
    expect(text).toMatch(/citybrain_mavlink_links\{health="lost"\} 0/);
    expect(text).not.toMatch(/drone="uav-2"/);
    expect(text).toMatch(/citybrain_mavlink_heartbeat_age_seconds\{drone="uav-1"\} 3\n/);
  });
});
