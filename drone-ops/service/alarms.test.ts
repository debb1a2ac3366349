import { describe, expect, it } from 'vitest';
import type { MissionStatus } from '../../kernel/events.js';
import type { DroneOpsStore, MissionRecord } from '../store/types.js';
import { noteHistory } from './alarms.js';

describe('noteHistory', () => {
  it('writes the row even when the mission’s status moved between its read and its write', async () => {
    let status: MissionStatus = 'in_flight';
    const rows: { status: MissionStatus; note?: string }[] = [];
    let reads = 0;
    const store = {
      getMission: (): Promise<MissionRecord> => {
        const seen = status;
        // The flight's `returning` lands right after the first read (a link restored: events arrive together).
        if (reads++ === 0) status = 'returning';
        return Promise.resolve({ status: seen } as MissionRecord);
      },
      transition: (_id: string, from: readonly MissionStatus[], to: MissionStatus, _at: number, o?: { note?: string }): Promise<MissionRecord | undefined> => {
        if (!from.includes(status)) return Promise.resolve(undefined);
        rows.push({ status: to, ...(o?.note === undefined ? {} : { note: o.note }) });
        return Promise.resolve({ status: to } as MissionRecord);
      },
    } as unknown as DroneOpsStore;
    await noteHistory({ store }, 'm1', 'vehicle failsafe: RTL', 1);
    expect(rows).toEqual([{ status: 'returning', note: 'vehicle failsafe: RTL' }]);
  });
});
