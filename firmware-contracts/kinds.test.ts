import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSION, DEVICE_KINDS, getContract, isDeviceKind } from './index.js';

// domain.md "Device kinds and what they report": required and optional metric names, exactly.
const DOMAIN_TABLE: Record<string, [required: string[], optional: string[]]> = {
  gas: [['ch4_lel'], ['pressure_kpa', 'temp_c', 'humidity_pct']],
  water: [['pressure_mpa'], ['flow_m3h', 'leak_noise_db', 'turbidity_ntu']],
  heat: [['supply_temp_c', 'return_temp_c'], ['supply_pressure_mpa', 'return_pressure_mpa', 'flow_m3h']],
  drainage: [['level_m'], ['flow_m3s', 'cover_open', 'rain_mm']],
  elevator: [['running', 'door_open', 'floor'], ['speed_mps', 'load_pct']],
  bridge: [['strain_ue', 'displacement_mm'], ['accel_mg', 'tilt_deg', 'crack_mm', 'temp_c']],
};

describe('contracts', () => {
  it('knows the six kinds and nothing else', () => {
    expect([...DEVICE_KINDS].sort()).toEqual(Object.keys(DOMAIN_TABLE).sort());
    expect(isDeviceKind('gas')).toBe(true);
    for (const x of ['toaster', 'constructor', '__proto__', 1, null, undefined]) expect(isDeviceKind(x)).toBe(false);
    expect(getContract('constructor')).toBeUndefined();
  });

  it.each(DEVICE_KINDS)('%s uses the domain.md metric names with sane ranges', (kind) => {
    const c = getContract(kind);
    const [required, optional] = DOMAIN_TABLE[kind] ?? [[], []];
    expect(c?.version).toBe(CONTRACT_VERSION);
    expect(c?.metrics.filter((m) => m.required).map((m) => m.name)).toEqual(required);
    expect(c?.metrics.filter((m) => !m.required).map((m) => m.name)).toEqual(optional);
    for (const m of c?.metrics ?? []) {
      if (m.type === 'boolean') expect(m.min === undefined && m.max === undefined).toBe(true);
      else expect((m.min as number) < (m.max as number)).toBe(true);
      expect(m.unit.length).toBeGreaterThan(0);
    }
    expect(c?.intervalMs).toBeGreaterThan(0);
  });

  it('matches domain.md intervals and the quoted ranges', () => {
    expect(getContract('gas')).toMatchObject({ intervalMs: 60_000, alarmIntervalMs: 5_000 });
    expect(getContract('drainage')).toMatchObject({ intervalMs: 60_000, alarmIntervalMs: 10_000 });
    expect(getContract('elevator')?.intervalMs).toBe(30_000);
    expect(getContract('bridge')?.intervalMs).toBe(10_000);
    expect(getContract('gas')?.metrics[0]).toMatchObject({ name: 'ch4_lel', min: 0, max: 100 });
    expect(getContract('water')?.metrics[0]).toMatchObject({ name: 'pressure_mpa', min: 0, max: 2.5 });
  });

  it('is frozen, so no caller can change a contract at run time', () => {
    const c = getContract('gas');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c?.metrics[0])).toBe(true);
    expect(() => { (c?.metrics[0] as { max: number }).max = 1000; }).toThrow(TypeError);
  });
});
