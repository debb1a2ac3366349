/**
 * The registration half of DroneOpsService: airspace (no-fly zones, ceiling), drone types, docks,
 * drones, patrols and mission look-ups. First start seeds the SAMPLE Jiaodong airport clearance zone
 * and a default drone type, once (a deleted sample stays deleted).
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../kernel/errors.js';
import { SecretBox } from '../../kernel/secrets.js';
import { SAMPLE_JIAODONG_AIRPORT_ZONE, type NoFlyZone, type OperationArea } from '../airspace.js';
import type { DockStatus } from '../dock-choice.js';
import type { DroneType } from '../energy.js';
import { checkLinkSpec, type DroneLinkSpec } from '../link/address.js';
import type { LonLat } from '../geo/types.js';
import { DEFAULT_TZ } from '../scheduler/scheduler.js';
import type { DockRecord, DroneRecord, MissionFilter, MissionHistoryEntry, MissionRecord, PatrolRecord } from '../store/types.js';
import type { OpsContext } from './runner.js';
import { patrolScheduleId, patrolTemplate } from './scheduling.js';
import { editPatrol, type PatrolPatch } from './patrol-edit.js';
import type { Pattern, PlanOutcome, PlanRequest } from './types.js';

/**
 * A dock-based multirotor (domain.md "8–12 m/s class", 12 m/s wind limit). Speeds and energy are
 * calibrated against the bundled vehicle simulator, which flies like ArduCopter's defaults (climb
 * WPNAV_SPEED_UP-class 3 m/s, descent 1.5 m/s) at the commanded cruise speed and drains 0.05 % per
 * airborne second plus 0.002 % per metre flown (test/energy-calibration.test.ts fits it from flights):
 * ~18 min usable at cruise above the 20 % reserve. docs/drone-ops-api.md "Energy" compares a real type.
 */
export const DEFAULT_DRONE_TYPE: DroneType = {
  id: 'dock-multirotor',
  cruiseMps: 12,
  climbMps: 3,
  descentMps: 1.5,
  enduranceS: 2000,
  reservePct: 20,
  windLimitMps: 12,
  maxAltM: 120,
  batteryWh: 230,
  airbornePctPerS: 0.05,
  pctPerM: 0.002,
};

export interface DockInput {
  id?: string;
  name?: string;
  location: LonLat;
}

export interface DroneInput {
  id?: string;
  name?: string;
  typeId: string;
  dockId: string;
  batteryPct?: number;
  /** MAVLink address (`udp://host:port`, `tcp://host:port`): the drone flies through MavlinkDroneLink. */
  link?: string;
  autopilot?: 'ardupilot' | 'px4';
  /** MAVLink 2 signing secret, hex. */
  signingKey?: string;
}

export interface DockReport {
  status?: DockStatus;
  windMps?: number | null;
  rain?: boolean;
}

export interface PatrolInput {
  id?: string;
  name?: string;
  dockId: string;
  pattern: Pattern;
  cron: string;
  tz?: string;
  fenceId?: string;
}

/** Drone link specs are kept as settings `link:<droneId>` (no schema change for an optional attribute). */
const LINK_KEY = 'link:';

export interface RegistryContext extends OpsContext {
  operationAreas: OperationArea[];
  districtOf?: (lon: number, lat: number) => string | null;
  /** Called when a drone with a MAVLink address is registered (the composition root connects it). */
  attachLink?: (droneId: string, spec: DroneLinkSpec) => void;
  /** Told every drone (at init and registration), e.g. to map drone events to their dock. */
  knowDrone?: (d: DroneRecord) => void;
  /** With it, MAVLink signing keys are stored encrypted (kernel/secrets.ts) and decrypted on read. */
  secrets?: SecretBox;
}

export abstract class DroneOpsRegistry {
  constructor(private readonly ctx: RegistryContext) {}

  abstract validate(req: PlanRequest): Promise<PlanOutcome>;

  /** Seeds the sample zone and the default drone type on a store's first start. */
  async init(): Promise<void> {
    for (const d of await this.ctx.store.listDrones()) this.ctx.knowDrone?.(d);
    if ((await this.ctx.store.getSetting('seeded')) !== undefined) return;
    await this.ctx.store.putZone(SAMPLE_JIAODONG_AIRPORT_ZONE, this.ctx.clock.now());
    await this.ctx.store.putDroneType(DEFAULT_DRONE_TYPE);
    await this.ctx.store.setSetting('seeded', String(this.ctx.clock.now()));
  }

  listZones(): Promise<NoFlyZone[]> {
    return this.ctx.store.listZones();
  }

  async putZone(zone: NoFlyZone): Promise<NoFlyZone> {
    if (!(zone.floorM < zone.ceilingM)) throw new AppError('VALIDATION_FAILED', { message: 'floorM must be below ceilingM', details: { id: zone.id } });
    await this.ctx.store.putZone(zone, this.ctx.clock.now());
    return zone;
  }

  async deleteZone(id: string): Promise<void> {
    if (!(await this.ctx.store.deleteZone(id))) throw new AppError('ZONE_NOT_FOUND', { message: `No-fly zone ${id} not found`, details: { id } });
  }

  async setCeiling(ceilingM: number): Promise<void> {
    if (!(ceilingM > 0)) throw new AppError('VALIDATION_FAILED', { message: 'ceilingM must be positive' });
    await this.ctx.store.setSetting('ceilingM', String(ceilingM));
  }

  listDroneTypes(): Promise<DroneType[]> {
    return this.ctx.store.listDroneTypes();
  }

  async putDroneType(t: DroneType): Promise<DroneType> {
    await this.ctx.store.putDroneType(t);
    return t;
  }

  async registerDock(input: DockInput): Promise<DockRecord> {
    const now = this.ctx.clock.now();
    const dock: DockRecord = {
      id: input.id ?? `dock-${randomUUID().slice(0, 8)}`,
      name: input.name ?? null,
      location: input.location,
      district: this.ctx.districtOf?.(input.location.lon, input.location.lat) ?? null,
      status: 'idle',
      droneId: null,
      windMps: null,
      rain: false,
      reportedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.ctx.store.insertDock(dock);
    return dock;
  }

  async dock(id: string): Promise<DockRecord> {
    const d = await this.ctx.store.getDock(id);
    if (!d) throw new AppError('DOCK_NOT_FOUND', { message: `Dock ${id} not found`, details: { id } });
    return d;
  }

  listDocks(): Promise<DockRecord[]> {
    return this.ctx.store.listDocks();
  }

  /** A dock's own report (DJI Cloud API style: state, weather), at least every 2 s in the field. */
  async reportDock(id: string, r: DockReport): Promise<DockRecord> {
    const now = this.ctx.clock.now();
    const d = await this.ctx.store.updateDock(
      id,
      { ...(r.status === undefined ? {} : { status: r.status }), ...(r.windMps === undefined ? {} : { windMps: r.windMps }), ...(r.rain === undefined ? {} : { rain: r.rain }), reportedAt: now },
      now,
    );
    if (!d) throw new AppError('DOCK_NOT_FOUND', { message: `Dock ${id} not found`, details: { id } });
    return d;
  }

  async registerDrone(input: DroneInput): Promise<DroneRecord & { link?: Omit<DroneLinkSpec, 'signingKey'> & { signed: boolean } }> {
    const spec = input.link === undefined ? undefined : checkLinkSpec({ address: input.link, autopilot: input.autopilot ?? 'ardupilot', ...(input.signingKey === undefined ? {} : { signingKey: input.signingKey }) });
    const dock = await this.dock(input.dockId);
    if (!(await this.ctx.store.listDroneTypes()).some((t) => t.id === input.typeId)) {
      throw new AppError('DRONE_TYPE_NOT_FOUND', { message: `Drone type ${input.typeId} not found`, details: { typeId: input.typeId } });
    }
    const now = this.ctx.clock.now();
    const drone: DroneRecord = {
      id: input.id ?? `drone-${randomUUID().slice(0, 8)}`,
      name: input.name ?? null,
      typeId: input.typeId,
      dockId: dock.id,
      batteryPct: input.batteryPct ?? 100,
      phase: 'docked',
      position: null,
      headingDeg: null,
      telemetryAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.ctx.store.insertDrone(drone);
    this.ctx.knowDrone?.(drone);
    await this.ctx.store.updateDock(dock.id, { droneId: drone.id }, now);
    if (!spec) return drone;
    await this.setDroneLink(drone.id, spec);
    return { ...drone, link: { address: spec.address, autopilot: spec.autopilot, signed: spec.signingKey !== undefined } };
  }

  /** Sets (or moves) a drone's MAVLink address and attaches it. @throws DRONE_NOT_FOUND, VALIDATION_FAILED */
  async setDroneLink(droneId: string, spec: DroneLinkSpec): Promise<void> {
    await this.drone(droneId);
    await this.ctx.store.setSetting(LINK_KEY + droneId, JSON.stringify(this.sealed(checkLinkSpec(spec))));
    this.ctx.attachLink?.(droneId, spec);
  }

  /**
   * Encrypts signing keys stored in clear by earlier versions; returns how many it sealed. Idempotent.
   * Run at start, before `droneLinks()` (which refuses a clear key once a SecretBox is configured).
   */
  async sealLegacySigningKeys(): Promise<number> {
    const box = this.ctx.secrets;
    if (!box) return 0;
    let sealed = 0;
    for (const d of await this.ctx.store.listDrones()) {
      const raw = await this.ctx.store.getSetting(LINK_KEY + d.id);
      if (raw === undefined) continue;
      const spec = JSON.parse(raw) as DroneLinkSpec;
      if (spec.signingKey === undefined || SecretBox.isSealed(spec.signingKey)) continue;
      await this.ctx.store.setSetting(LINK_KEY + d.id, JSON.stringify({ ...spec, signingKey: box.seal(spec.signingKey) }));
      sealed++;
    }
    return sealed;
  }

  private sealed(spec: DroneLinkSpec): DroneLinkSpec {
    const box = this.ctx.secrets;
    return box && spec.signingKey !== undefined ? { ...spec, signingKey: box.seal(spec.signingKey) } : spec;
  }

  /** @throws SECRET_UNREADABLE for a key sealed under another credential key or left in clear. */
  private opened(spec: DroneLinkSpec): DroneLinkSpec {
    const box = this.ctx.secrets;
    return box && spec.signingKey !== undefined ? { ...spec, signingKey: box.open(spec.signingKey) } : spec;
  }

  /** Every drone registered with a MAVLink address, with its link spec (signing key included). */
  async droneLinks(): Promise<{ droneId: string; spec: DroneLinkSpec }[]> {
    const out: { droneId: string; spec: DroneLinkSpec }[] = [];
    for (const d of await this.ctx.store.listDrones()) {
      const raw = await this.ctx.store.getSetting(LINK_KEY + d.id);
      if (raw !== undefined) out.push({ droneId: d.id, spec: this.opened(JSON.parse(raw) as DroneLinkSpec) });
    }
    return out;
  }

  /** A drone's MAVLink address (signing key withheld), or undefined for the simulated in-memory link. */
  async droneLink(droneId: string): Promise<(Omit<DroneLinkSpec, 'signingKey'> & { signed: boolean }) | undefined> {
    const raw = await this.ctx.store.getSetting(LINK_KEY + droneId);
    if (raw === undefined) return undefined;
    const spec = JSON.parse(raw) as DroneLinkSpec;
    return { address: spec.address, autopilot: spec.autopilot, signed: spec.signingKey !== undefined };
  }

  async drone(id: string): Promise<DroneRecord> {
    const d = await this.ctx.store.getDrone(id);
    if (!d) throw new AppError('DRONE_NOT_FOUND', { message: `Drone ${id} not found`, details: { id } });
    return d;
  }

  listDrones(): Promise<DroneRecord[]> {
    return this.ctx.store.listDrones();
  }

  async mission(id: string): Promise<MissionRecord> {
    const m = await this.ctx.store.getMission(id);
    if (!m) throw new AppError('MISSION_NOT_FOUND', { message: `Mission ${id} not found`, details: { id } });
    return m;
  }

  listMissions(filter?: MissionFilter): Promise<MissionRecord[]> {
    return this.ctx.store.listMissions(filter);
  }

  countMissions(filter?: MissionFilter): Promise<number> {
    return this.ctx.store.countMissions(filter);
  }

  async history(id: string): Promise<MissionHistoryEntry[]> {
    await this.mission(id);
    return this.ctx.store.history(id);
  }

  /** The dock, its drone and the drone's type. @throws DOCK_NOT_FOUND, DOCK_UNAVAILABLE (no drone), DRONE_TYPE_NOT_FOUND */
  async dockWithType(dockId: string): Promise<{ dock: DockRecord; drone: DroneRecord; type: DroneType }> {
    const dock = await this.dock(dockId);
    const drone = dock.droneId === null ? undefined : await this.ctx.store.getDrone(dock.droneId);
    if (!drone) throw new AppError('DOCK_UNAVAILABLE', { message: `Dock ${dockId} has no drone`, details: { dockId } });
    const type = (await this.ctx.store.listDroneTypes()).find((t) => t.id === drone.typeId);
    if (!type) throw new AppError('DRONE_TYPE_NOT_FOUND', { message: `Drone type ${drone.typeId} not found`, details: { typeId: drone.typeId } });
    return { dock, drone, type };
  }

  /** A recurring patrol (cron with a time zone, Asia/Shanghai by default); refused now if it cannot be flown. */
  async createPatrol(input: PatrolInput): Promise<{ patrol: PatrolRecord; nextRunAt?: number } | Extract<PlanOutcome, { ok: false }>> {
    const request = { dockId: input.dockId, pattern: input.pattern, ...(input.fenceId === undefined ? {} : { fenceId: input.fenceId }) };
    const check = await this.validate(request);
    if (!check.ok) return check;
    const patrol: PatrolRecord = {
      id: input.id ?? `patrol-${randomUUID().slice(0, 8)}`,
      name: input.name ?? null,
      dockId: input.dockId,
      request: request as unknown as Record<string, unknown>,
      cron: input.cron,
      tz: input.tz ?? DEFAULT_TZ,
      createdAt: this.ctx.clock.now(),
      paused: false,
    };
    // Invalid cron or zone is refused by the scheduler (VALIDATION_FAILED) before anything is stored.
    // Redis down: SCHEDULER_UNAVAILABLE (503) at once, and nothing stored.
    const info = await this.ctx.scheduler.scheduleRecurring(patrolScheduleId(patrol.id), { cron: patrol.cron, tz: patrol.tz }, patrolTemplate(patrol.id));
    try {
      await this.ctx.store.insertPatrol(patrol);
    } catch (err) {
      await this.ctx.scheduler.removeRecurring(patrolScheduleId(patrol.id));
      throw err;
    }
    return { patrol, ...(info.nextRunAt === undefined ? {} : { nextRunAt: info.nextRunAt }) };
  }

  listPatrols(): Promise<PatrolRecord[]> {
    return this.ctx.store.listPatrols();
  }

  /** Pause, resume, or change name, cron, zone or area (a new area is validated as on create). See patrol-edit.ts. */
  updatePatrol(id: string, patch: PatrolPatch): Promise<{ patrol: PatrolRecord; nextRunAt?: number } | Extract<PlanOutcome, { ok: false }>> {
    return editPatrol(this.ctx, (req) => this.validate(req), id, patch);
  }

  async deletePatrol(id: string): Promise<void> {
    await this.ctx.scheduler.removeRecurring(patrolScheduleId(id));
    if (!(await this.ctx.store.deletePatrol(id))) throw new AppError('PATROL_NOT_FOUND', { message: `Patrol ${id} not found`, details: { id } });
  }
}
