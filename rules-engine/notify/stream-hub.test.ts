/**
 * The hub's unit filter (a responder's stream): their unit's task events and the events of the alerts
 * those tasks name — live and on a Last-Event-ID replay — and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../kernel/bus.js';
import { systemClock } from '../../kernel/clock.js';
import { StreamHub } from './stream-hub.js';
import { alertNotice } from './testing.js';

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (c: string) => void chunks.push(c), buffered: () => 0, close: () => undefined };
}
const events = (chunks: string[]) => chunks.filter((c) => c.startsWith('id: ')).map((c) => {
  const [, id, event, data] = /^id: (\S+)\nevent: (\S+)\ndata: (.*)\n\n$/s.exec(c)!;
  const d = JSON.parse(data!) as { id?: string; unitId?: string; alert?: { id: string } };
  return { id: id!, event: event!, about: d.unitId ?? d.alert?.id ?? '' };
});
const task = (id: string, unitId: string, alertId: string) => ({ task: { id, unitId, alertId, state: 'dispatched', district: '370202' }, action: 'created' as const, at: 1 });

describe('StreamHub unit filter (responder streams)', () => {
  it('passes the unit\'s tasks and their alerts, live and replayed, and nothing else', () => {
    const bus = new EventBus();
    const hub = new StreamHub({ bus, clock: systemClock });
    hub.start();
    const all = sink();
    hub.open({}, undefined, all);
    const live = sink();
    hub.open({ unit: { id: 'u1', alertIds: ['a-known'] } }, undefined, live);

    bus.emit('alertChanged', alertNotice({ id: 'a-known', action: 'acknowledged' }));
    bus.emit('alertChanged', alertNotice({ id: 'a-new', action: 'acknowledged' })); // not yet theirs
    bus.emit('taskChanged', task('t1', 'u1', 'a-new'));
    bus.emit('taskChanged', task('t2', 'u2', 'a-other'));
    bus.emit('alertChanged', alertNotice({ id: 'a-new', action: 'commented' })); // theirs now
    bus.emit('alertChanged', alertNotice({ id: 'a-other', action: 'commented' }));
    bus.emit('presence', { deviceId: 'gas-1', online: true, at: 1, reason: 'connect' } as never);

    expect(events(live.chunks).map((e) => [e.event, e.about])).toEqual([['alert', 'a-known'], ['task.created', 'u1'], ['alert', 'a-new']]);
    expect(events(all.chunks)).toHaveLength(7);

    // A reconnect after the first event replays only what the unit may see (and learns from the replayed task).
    const replay = sink();
    hub.open({ unit: { id: 'u1', alertIds: [] } }, events(all.chunks)[0]!.id, replay);
    expect(events(replay.chunks).map((e) => [e.event, e.about])).toEqual([['task.created', 'u1'], ['alert', 'a-new']]);
    hub.stop();
  });
});
