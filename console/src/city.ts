/**
 * The city as the console knows it: loaded over REST after login, then patched by stream events.
 * `version` ticks on every change so views re-render from the maps below (derived, never copied).
 */
import { circle } from '@turf/turf';
import type { Feature, FeatureCollection } from 'geojson';
import { get } from './api.js';
import { openStream, streamState } from './stream.js';
import { Observable } from './store.js';
import type { Alert, Device, DistrictProps, Dock, Drone, Mission, Page } from './types.js';

export interface AlertNotice {
  alert: Alert;
  action: string;
  at: number;
}

const TRACK_POINTS = 600;
const DEVICE_PAGE = 1000;
const ACTIVE = new Set(['open', 'acknowledged']);

export class City {
  readonly version = new Observable(0);
  readonly announcements = new Observable<AlertNotice | null>(null);
  /** The last task event from the stream (the alert's response panel re-reads its tasks). */
  readonly taskEvents = new Observable<{ id: string; alertId: string } | null>(null);
  /** The last alert event from the stream, by alert and audit action (a new picture is `media.attached`). */
  readonly alertEvents = new Observable<{ id: string; action: string; at: number } | null>(null);
  districts: FeatureCollection = { type: 'FeatureCollection', features: [] };
  zones: Feature[] = [];
  readonly devices = new Map<string, Device>();
  readonly alerts = new Map<string, Alert>();
  readonly docks = new Map<string, Dock>();
  readonly drones = new Map<string, Drone>();
  readonly missions = new Map<string, Mission>();
  /** Flown track per drone, [lon, lat] pairs, newest last. */
  readonly tracks = new Map<string, [number, number][]>();
  kpis: Record<string, unknown> = {};
  /**
   * What changed since a map last drew it: the map re-sends a GeoJSON source only when its revision
   * moved (re-tiling 10,000 devices for every drone report would cost a frame each time).
   */
  readonly rev = { devices: 0, alerts: 0, fleet: 0, missions: 0, airspace: 0 };
  loaded = false;
  private closeStream: (() => void) | undefined;
  private reconnect: ReturnType<typeof setTimeout> | undefined;
  private tick: ReturnType<typeof setTimeout> | undefined;

  /** Loads everything the overview needs, then follows the stream. */
  async start(): Promise<void> {
    await this.reload();
    this.follow();
  }

  stop(): void {
    this.closeStream?.();
    clearTimeout(this.reconnect);
    clearTimeout(this.tick);
  }

  async reload(): Promise<void> {
    // All at once: the first render waits for the slowest, not for the sum.
    const [districts, airspace] = await Promise.all([
      get<FeatureCollection>('/api/v1/districts'),
      get<FeatureCollection>('/api/v1/airspace').catch(() => ({ type: 'FeatureCollection', features: [] }) as FeatureCollection),
      this.loadDevices(),
      this.loadAlerts(),
      this.loadFleet(),
      this.loadKpis(),
    ]);
    // bench:console --profile prints the marks on the way to the first render.
    performance.mark('console-data-loaded');
    this.districts = districts;
    this.zones = airspace.features.filter((f) => f.properties?.['kind'] === 'no_fly_zone').map(drawable);
    for (const k of Object.keys(this.rev) as (keyof City['rev'])[]) this.rev[k]++;
    this.loaded = true;
    // At once, not after the burst window: the first render is waiting for this.
    clearTimeout(this.tick);
    this.tick = undefined;
    this.version.set(this.version.value + 1);
  }

  districtName(code: string | null | undefined, lang: string): string {
    if (!code) return '';
    const f = this.districts.features.find((x) => String(x.id ?? x.properties?.['id']) === code);
    const p = (f?.properties ?? {}) as Partial<DistrictProps>;
    return (lang === 'zh-CN' ? p.name_zh : p.name_en ?? p.name) ?? p.name ?? code;
  }

  activeAlerts(): Alert[] {
    return [...this.alerts.values()].filter((a) => ACTIVE.has(a.status));
  }

  /** Devices named as the subject of an active alert. */
  devicesInAlert(): Set<string> {
    const s = new Set<string>();
    for (const a of this.activeAlerts()) s.add(a.labels?.deviceId ?? a.subject);
    return s;
  }

  /** The first page tells the total; the other pages are asked for at once (10,000 devices: 10 round trips in parallel, not in turn). */
  private async loadDevices(): Promise<void> {
    const url = (offset: number) => `/api/v1/devices?limit=${DEVICE_PAGE}&offset=${offset}`;
    const first = await get<Page<Device>>(url(0));
    const offsets: number[] = [];
    for (let o = DEVICE_PAGE; o < first.total; o += DEVICE_PAGE) offsets.push(o);
    const rest = await Promise.all(offsets.map((o) => get<Page<Device>>(url(o))));
    this.devices.clear();
    for (const page of [first, ...rest]) for (const d of page.items) this.devices.set(d.id, d);
  }

  private async loadAlerts(): Promise<void> {
    const pages = await Promise.all(['open', 'acknowledged'].map((status) => get<Page<Alert>>(`/api/v1/alerts?status=${status}&limit=1000`)));
    this.alerts.clear();
    for (const page of pages) for (const a of page.items) this.alerts.set(a.id, a);
  }

  private async loadFleet(): Promise<void> {
    const items = <T>(x: T[] | Page<T>): T[] => (Array.isArray(x) ? x : x.items);
    const [docks, drones, missions] = await Promise.all([
      get<Dock[] | Page<Dock>>('/api/v1/docks?limit=1000').catch(() => []),
      get<Drone[] | Page<Drone>>('/api/v1/drones?limit=1000').catch(() => []),
      get<Mission[] | Page<Mission>>('/api/v1/missions?limit=200').catch(() => []),
    ]);
    this.docks.clear();
    this.drones.clear();
    this.missions.clear();
    for (const d of items(docks)) this.docks.set(d.id, d);
    for (const d of items(drones)) this.drones.set(d.id, d);
    for (const m of items(missions)) this.missions.set(m.id, m);
  }

  private async loadKpis(): Promise<void> {
    this.kpis = await get<Record<string, unknown>>(`/api/v1/alerts/kpis?from=${Date.now() - 86_400_000}`).catch(() => ({}));
  }

  private follow(): void {
    this.closeStream?.();
    this.closeStream = openStream(
      (type, data) => this.onEvent(type, data),
      () => void this.reload(),
    );
    // EventSource gives up for good on an HTTP error (e.g. a restart answered 503): try again ourselves.
    const off = streamState.subscribe((s) => {
      if (s !== 'lost') return;
      off();
      this.reconnect = setTimeout(() => {
        void this.reload().then(() => this.follow(), () => this.follow());
      }, 3000);
    });
  }

  private onEvent(type: string, data: unknown): void {
    switch (type) {
      case 'alert': {
        const n = data as AlertNotice;
        const known = this.alerts.has(n.alert.id);
        this.alerts.set(n.alert.id, { ...this.alerts.get(n.alert.id), ...n.alert });
        this.rev.alerts++;
        this.alertEvents.set({ id: n.alert.id, action: n.action, at: n.at });
        if (!known || n.action === 'opened' || n.action === 'upgraded' || n.action === 'reopened') this.announcements.set(n);
        if (n.action === 'dispatched' || n.action === 'resolved' || n.action === 'acknowledged') void this.loadKpis().then(() => this.changed());
        break;
      }
      case 'presence': {
        const p = data as { deviceId: string; online: boolean; at: number };
        const d = this.devices.get(p.deviceId);
        if (d && d.online !== p.online) this.rev.devices++;
        if (d) this.devices.set(p.deviceId, { ...d, online: p.online, lastSeenAt: p.at });
        else void this.fetchDevice(p.deviceId);
        break;
      }
      case 'drone': {
        const s = data as { droneId: string; dockId: string; phase: string; position?: { lon: number; lat: number; altM: number }; batteryPct?: number; missionId?: string; headingDeg?: number };
        const d = this.drones.get(s.droneId) ?? { id: s.droneId, dockId: s.dockId };
        this.rev.fleet++;
        this.drones.set(s.droneId, {
          ...d,
          phase: s.phase,
          ...(s.position ? { position: s.position } : {}),
          ...(s.batteryPct === undefined ? {} : { batteryPct: s.batteryPct }),
          ...(s.headingDeg === undefined ? {} : { headingDeg: s.headingDeg }),
          missionId: s.missionId ?? null,
        });
        if (s.position && s.phase !== 'docked') {
          const track = this.tracks.get(s.droneId) ?? [];
          track.push([s.position.lon, s.position.lat]);
          if (track.length > TRACK_POINTS) track.splice(0, track.length - TRACK_POINTS);
          this.tracks.set(s.droneId, track);
        }
        break;
      }
      case 'mission': {
        const m = data as { missionId: string; to: string; dockId: string; droneId: string; kind: string; alertId?: string };
        const known = this.missions.get(m.missionId);
        this.rev.missions++;
        this.missions.set(m.missionId, { ...(known ?? { id: m.missionId, dockId: m.dockId, droneId: m.droneId, kind: m.kind, alertId: m.alertId ?? null }), status: m.to });
        if (!known) void this.fetchMission(m.missionId);
        break;
      }
      case 'task':
      case 'task.created':
      case 'task.updated': {
        const d = data as { id: string; alertId: string } | { task: { id: string; alertId: string } };
        this.taskEvents.set('task' in d ? d.task : d);
        return;
      }
      default:
        return;
    }
    this.changed();
  }

  private async fetchDevice(id: string): Promise<void> {
    const d = await get<Device>(`/api/v1/devices/${encodeURIComponent(id)}`).catch(() => undefined);
    if (d) {
      this.devices.set(d.id, d);
      this.rev.devices++;
      this.changed();
    }
  }

  private async fetchMission(id: string): Promise<void> {
    const m = await get<Mission>(`/api/v1/missions/${encodeURIComponent(id)}`).catch(() => undefined);
    if (m) {
      this.rev.missions++;
      this.missions.set(m.id, { ...m, status: this.missions.get(m.id)?.status ?? m.status });
      this.changed();
    }
  }

  /** Coalesces bursts (10k devices reporting) into one re-render per animation-ish tick. */
  private changed(): void {
    if (this.tick !== undefined) return;
    this.tick = setTimeout(() => {
      this.tick = undefined;
      this.version.set(this.version.value + 1);
    }, 100);
  }
}

/**
 * A circular zone comes as a Point with `properties.radiusM` (GET /airspace): a fill layer draws no Point,
 * so it is kept as the polygon of its circle (as the server draws an alert's impact area), properties kept.
 */
function drawable(zone: Feature): Feature {
  const r = zone.properties?.['radiusM'];
  if (zone.geometry.type !== 'Point' || typeof r !== 'number') return zone;
  return { ...zone, geometry: circle(zone.geometry.coordinates, r, { units: 'meters', steps: 64 }).geometry };
}
