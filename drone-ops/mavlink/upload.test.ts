import { describe, expect, it } from 'vitest';
import { UploadMachine } from './upload.js';

const T = { countTimeoutMs: 1500, itemTimeoutMs: 250, retries: 5 };

describe('UploadMachine (mission protocol, pure)', () => {
  it('sends COUNT, answers each request with its item, succeeds on ACCEPTED', () => {
    const m = new UploadMachine(T);
    let s = m.start(0, 3);
    expect(s.send).toEqual({ kind: 'count' });
    expect(s.waitMs).toBe(1500);
    for (let seq = 0; seq < 3; seq++) {
      s = m.onRequest(s.state, seq);
      expect(s.send).toEqual({ kind: 'item', seq });
      expect(s.waitMs).toBe(250);
    }
    expect(m.onAck(s.state, 0, 42).outcome).toEqual({ ok: true, opaqueId: 42, resends: 0 });
  });

  it('re-sends an item on a repeated request and counts it', () => {
    const m = new UploadMachine(T);
    let s = m.onRequest(m.start(0, 2).state, 0);
    s = m.onRequest(s.state, 0);
    expect(s.send).toEqual({ kind: 'item', seq: 0 });
    s = m.onRequest(s.state, 1);
    expect(m.onAck(s.state, 0, 0).outcome).toMatchObject({ ok: true, resends: 1 });
  });

  it('re-sends COUNT on timeout, and gives up after the retries', () => {
    const m = new UploadMachine(T);
    let s = m.start(1, 2);
    for (let i = 0; i < 5; i++) {
      s = m.onTimeout(s.state);
      expect(s.send).toEqual({ kind: 'count' });
    }
    expect(m.onTimeout(s.state).outcome).toEqual({ ok: false, reason: 'timeout', stage: 'count', seq: -1 });
  });

  it('re-sends the last item when the next request (or the ACK) is lost', () => {
    const m = new UploadMachine(T);
    const s = m.onRequest(m.start(0, 2).state, 0);
    expect(m.onTimeout(s.state).send).toEqual({ kind: 'item', seq: 0 });
  });

  it('fails with the NACK result, and on an early ACCEPTED or a skipped request', () => {
    const m = new UploadMachine(T);
    const s = m.start(0, 2);
    expect(m.onAck(s.state, 4, 0).outcome).toEqual({ ok: false, reason: 'nack', result: 4 });
    expect(new UploadMachine(T).onAck(s.state, 0, 0).outcome).toMatchObject({ ok: false, reason: 'protocol' });
    expect(new UploadMachine(T).onRequest(s.state, 1).outcome).toMatchObject({ ok: false, reason: 'protocol' });
  });

  it('ignores everything after the outcome', () => {
    const m = new UploadMachine(T);
    const done = m.onAck(m.start(0, 0).state, 0, 0);
    expect(done.outcome).toMatchObject({ ok: true });
    expect(m.onRequest(done.state, 0)).toEqual({ state: done.state });
    expect(m.onTimeout(done.state)).toEqual({ state: done.state });
  });
});
