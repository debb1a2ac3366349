/** Builders for response tests (units, plans, tasks); not used by production code. */
import type { Plan, Resource, Task, TaskEvent } from './types.js';

export const T0 = 1_760_000_000_000;

export function unit(id: string, over: Partial<Resource> = {}): Resource {
  return {
    id, kind: 'unit', name: `Unit ${id}`, type: 'gas_repair', org: 'Qingdao Gas', location: { lon: 120.38, lat: 36.07 }, district: '370202',
    alertKinds: ['gas'], capacity: 2, duty: 'on', schedule: null, channels: [], supplies: [], supervisor: null, createdAt: T0, updatedAt: T0, ...over,
  };
}

export function plan(id: string, over: Partial<Plan> = {}): Plan {
  return {
    id, version: 1, kind: 'gas', ruleId: null, level: 'I',
    steps: [{ unitType: 'gas_repair', count: 1, title: 'Find and stop the leak', instructions: 'Isolate the valve', required: true }],
    acceptWithinMin: 5, arriveWithinMin: 30, drone: false, auto: false, notify: { city: [], district: [] }, escalation: ['next_unit', 'supervisor'],
    updatedAt: T0, updatedBy: 'admin', ...over,
  };
}

export function task(id: string, over: Partial<Task> = {}): Task {
  return {
    id, alertId: 'gas-lel|GW-1|1', unitId: 'u1', unitName: 'Unit u1', unitType: 'gas_repair', title: 'Find and stop the leak', instructions: 'Isolate the valve',
    state: 'dispatched', required: true, planId: 'gas-I', planVersion: 1, acceptBy: T0 + 300_000, arriveBy: T0 + 1_800_000,
    location: { lon: 120.38, lat: 36.07 }, district: '370202', alert: { id: 'gas-lel|GW-1|1', kind: 'gas', severity: 'red', level: 'I', message: 'CH4 55 %LEL', openedAt: T0 - 60_000 },
    replaces: null, escalations: 0, createdAt: T0, updatedAt: T0, acceptedAt: null, arrivedAt: null, doneAt: null, verifiedAt: null, ...over,
  };
}

export const event = (state: Task['state'], at = T0, over: Partial<TaskEvent> = {}): TaskEvent => ({ state, at, by: 'p1', byName: 'ana', ...over });
