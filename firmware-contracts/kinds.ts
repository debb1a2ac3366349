/**
 * Firmware contract v1: device kinds, their metrics (names, units, physical ranges), events, commands and
 * expected reporting intervals. Names, units and intervals follow the design's domain.md table
 * "Device kinds and what they report"; ranges are the physical span a healthy sensor can report — a value
 * outside it is a contract violation (broken sensor or firmware), never an alarm (domain.md).
 *
 * This module is a leaf: it imports nothing of ours, so integrators can publish it on its own.
 */

export const CONTRACT_VERSION = 1;

export type DeviceKind = 'gas' | 'water' | 'heat' | 'drainage' | 'elevator' | 'bridge';

export const DEVICE_KINDS: readonly DeviceKind[] = Object.freeze([
  'gas',
  'water',
  'heat',
  'drainage',
  'elevator',
  'bridge',
]);

export function isDeviceKind(s: unknown): s is DeviceKind {
  return typeof s === 'string' && (DEVICE_KINDS as readonly string[]).includes(s);
}

export interface MetricSpec {
  name: string;
  unit: string;
  description: string;
  type: 'number' | 'integer' | 'boolean';
  min?: number;
  max?: number;
  required: boolean;
}

export interface EventSpec {
  type: string;
  description: string;
}

export interface CommandParamSpec {
  type: 'number' | 'integer' | 'boolean' | 'string';
  min?: number;
  max?: number;
  required: boolean;
  description: string;
}

export interface CommandSpec {
  name: string;
  description: string;
  params: Record<string, CommandParamSpec>;
}

export interface KindContract {
  kind: DeviceKind;
  version: number;
  description: string;
  metrics: readonly MetricSpec[];
  events: readonly EventSpec[];
  commands: readonly CommandSpec[];
  /** Expected reporting interval in normal operation (offline detection: 3× this, domain.md deadman). */
  intervalMs: number;
  /** Faster interval while the device is alarming (gas) or it is raining (drainage). */
  alarmIntervalMs?: number;
}

const num = (name: string, unit: string, min: number, max: number, required: boolean, description: string): MetricSpec =>
  ({ name, unit, description, type: 'number', min, max, required });
const bool = (name: string, required: boolean, description: string): MetricSpec =>
  ({ name, unit: 'boolean', description, type: 'boolean', required });

/** Events every kind may send: a generic fault and a restart notice. */
const COMMON_EVENTS: readonly EventSpec[] = [
  { type: 'fault', description: 'Generic device fault; data.code / data.message describe it' },
  { type: 'reboot', description: 'Device restarted; data.reason (e.g. "watchdog", "command", "power") is optional' },
];

/** Commands every kind accepts (platform → device on devices/{id}/commands/{name}). */
const COMMON_COMMANDS: readonly CommandSpec[] = [
  { name: 'reboot', description: 'Restart the device', params: {} },
  {
    name: 'set_interval',
    description: 'Set the normal reporting interval',
    params: { seconds: { type: 'integer', min: 1, max: 3600, required: true, description: 'Reporting interval, s (1–3600)' } },
  },
  { name: 'selftest', description: 'Run the built-in self test; the reply carries the result in data', params: {} },
];

// Ambient temperature of a buried or outdoor sensor; process temperatures (heat) get a wider span.
const AMBIENT_MIN_C = -50;
const AMBIENT_MAX_C = 100;

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

// Frozen: getContract hands out the shared objects, and no caller may change the contract at run time.
const CONTRACTS: Readonly<Record<DeviceKind, KindContract>> = deepFreeze({
  gas: {
    kind: 'gas', version: CONTRACT_VERSION, intervalMs: 60_000, alarmIntervalMs: 5_000,
    description: 'Methane in spaces next to gas mains (manholes, valve wells)',
    metrics: [
      // Methane LEL = 5 % vol; a catalytic/IR sensor reads 0–100 %LEL (GB/T 50493-2019 alarm levels within it).
      num('ch4_lel', '%LEL', 0, 100, true, 'Methane concentration, % of the lower explosive limit'),
      // Up to sub-high pressure grade B, 1.6 MPa (GB 50028 pressure classes).
      num('pressure_kpa', 'kPa', 0, 1600, false, 'Gas pressure in the main, gauge'),
      num('temp_c', '°C', AMBIENT_MIN_C, AMBIENT_MAX_C, false, 'Temperature in the space'),
      num('humidity_pct', '%RH', 0, 100, false, 'Relative humidity in the space'),
    ],
    events: [
      ...COMMON_EVENTS,
      { type: 'sensor_fault', description: 'Methane sensing element failed or drifted out of calibration' },
      { type: 'tamper', description: 'Enclosure opened or device moved' },
    ],
    commands: [
      ...COMMON_COMMANDS,
      {
        name: 'calibrate',
        description: 'Zero (no span) or span-calibrate the methane sensor',
        params: { span_lel: { type: 'number', min: 0, max: 100, required: false, description: 'Reference gas, %LEL; omit to zero' } },
      },
    ],
  },
  water: {
    kind: 'water', version: CONTRACT_VERSION, intervalMs: 60_000,
    description: 'Water supply network (pressure, flow, leak noise, quality)',
    metrics: [
      // Urban supply networks run at 0.2–0.6 MPa; 2.5 MPa is the PN25 pipe class ceiling.
      num('pressure_mpa', 'MPa', 0, 2.5, true, 'Pipe pressure, gauge'),
      num('flow_m3h', 'm³/h', 0, 20_000, false, 'Flow rate (forward)'),
      num('leak_noise_db', 'dB', 0, 140, false, 'Acoustic leak-noise level'),
      num('turbidity_ntu', 'NTU', 0, 4_000, false, 'Turbidity'),
    ],
    events: [...COMMON_EVENTS, { type: 'leak_suspected', description: 'Device-side leak detection fired (noise correlation)' }],
    commands: COMMON_COMMANDS,
  },
  heat: {
    kind: 'heat', version: CONTRACT_VERSION, intervalMs: 60_000,
    description: 'District-heating exchange station',
    metrics: [
      num('supply_temp_c', '°C', -50, 200, true, 'Supply (flow) water temperature'),
      num('return_temp_c', '°C', -50, 200, true, 'Return water temperature'),
      num('supply_pressure_mpa', 'MPa', 0, 2.5, false, 'Supply pressure, gauge'),
      num('return_pressure_mpa', 'MPa', 0, 2.5, false, 'Return pressure, gauge'),
      num('flow_m3h', 'm³/h', 0, 20_000, false, 'Circulation flow rate'),
    ],
    events: [...COMMON_EVENTS, { type: 'pump_fault', description: 'Circulation pump stopped or tripped' }],
    commands: COMMON_COMMANDS,
  },
  drainage: {
    kind: 'drainage', version: CONTRACT_VERSION, intervalMs: 60_000, alarmIntervalMs: 10_000,
    description: 'Drainage pipe, manhole or low point',
    metrics: [
      num('level_m', 'm', 0, 30, true, 'Water depth above the invert'),
      num('flow_m3s', 'm³/s', 0, 500, false, 'Flow rate'),
      bool('cover_open', false, 'Manhole cover open (true) or seated (false)'),
      num('rain_mm', 'mm', 0, 500, false, 'Rainfall since the previous sample'),
    ],
    events: [
      ...COMMON_EVENTS,
      { type: 'cover_open', description: 'Manhole cover lifted or displaced' },
      { type: 'cover_closed', description: 'Manhole cover seated again' },
    ],
    commands: COMMON_COMMANDS,
  },
  elevator: {
    kind: 'elevator', version: CONTRACT_VERSION, intervalMs: 30_000,
    description: 'Elevator (lift) monitor',
    metrics: [
      bool('running', true, 'Car moving'),
      bool('door_open', true, 'Car door open'),
      { name: 'floor', unit: 'floor', description: 'Current floor (negative below ground)', type: 'integer', min: -10, max: 200, required: true },
      // The fastest passenger elevators run ~21 m/s.
      num('speed_mps', 'm/s', 0, 25, false, 'Car speed'),
      // Above 100 % is an overload the car must still be able to report.
      num('load_pct', '%', 0, 200, false, 'Car load, % of rated load'),
    ],
    events: [
      ...COMMON_EVENTS,
      { type: 'trapped', description: 'Passenger entrapment (car stopped between floors with people inside)' },
      { type: 'door_fault', description: 'Door failed to open or close, or opened outside a landing zone' },
      { type: 'overspeed', description: 'Overspeed governor tripped or speed above rated' },
      { type: 'power_loss', description: 'Mains power lost' },
    ],
    commands: COMMON_COMMANDS,
  },
  bridge: {
    kind: 'bridge', version: CONTRACT_VERSION, intervalMs: 10_000,
    description: 'Bridge structural health monitoring',
    metrics: [
      num('strain_ue', 'µε', -10_000, 10_000, true, 'Strain, microstrain (tension positive)'),
      num('displacement_mm', 'mm', -1_000, 1_000, true, 'Displacement (deflection or bearing movement)'),
      num('accel_mg', 'mg', -16_000, 16_000, false, 'Vibration acceleration, milli-g (±16 g sensor span)'),
      num('tilt_deg', '°', -90, 90, false, 'Tilt (pier or tower inclination)'),
      num('crack_mm', 'mm', 0, 100, false, 'Crack width'),
      num('temp_c', '°C', AMBIENT_MIN_C, AMBIENT_MAX_C, false, 'Structure temperature'),
    ],
    events: [...COMMON_EVENTS, { type: 'impact', description: 'Sudden acceleration spike (vessel or vehicle strike)' }],
    commands: COMMON_COMMANDS,
  },
});

export function getContract(kind: string): KindContract | undefined {
  return isDeviceKind(kind) ? CONTRACTS[kind] : undefined;
}

/** Per-kind lookup tables, built once, so the hot path does Map lookups instead of array scans. */
export interface CompiledContract {
  contract: KindContract;
  metrics: ReadonlyMap<string, MetricSpec>;
  required: readonly MetricSpec[];
  events: ReadonlySet<string>;
  commands: ReadonlyMap<string, CommandSpec>;
}

const COMPILED = new Map<string, CompiledContract>(
  DEVICE_KINDS.map((k) => {
    const contract = CONTRACTS[k];
    return [k, {
      contract,
      metrics: new Map(contract.metrics.map((m) => [m.name, m])),
      required: contract.metrics.filter((m) => m.required),
      events: new Set(contract.events.map((e) => e.type)),
      commands: new Map(contract.commands.map((c) => [c.name, c])),
    }];
  }),
);

export function compiledContract(kind: string): CompiledContract | undefined {
  return COMPILED.get(kind);
}
