import { describe, expect, it } from 'vitest';
import { decodeCommandReply } from '../firmware-contracts/index.js';
import { answerCommand } from './commands.js';

const valid = (reply: unknown) => decodeCommandReply(JSON.stringify(reply), { now: Date.now() }).violations;

describe('answerCommand', () => {
  it('answers the broker envelope {id, params} and a bare parameter object alike', () => {
    const a = answerCommand('water', 'set_interval', JSON.stringify({ id: 'c-1', params: { seconds: 30 } }));
    const b = answerCommand('water', 'set_interval', '{"seconds": 30}');
    expect(a).toEqual({ reply: { ok: true, data: { seconds: 30 } }, intervalSeconds: 30 });
    expect(b).toEqual(a);
  });

  it('reboot, selftest and gas calibrate reply ok with contract-valid replies', () => {
    const reboot = answerCommand('elevator', 'reboot', '{"id":"x","params":{}}');
    expect(reboot).toEqual({ reply: { ok: true }, reboot: true });
    const selftest = answerCommand('bridge', 'selftest', '{}');
    expect(selftest.reply.ok).toBe(true);
    expect(answerCommand('gas', 'calibrate', '{"params":{"span_lel":50}}').reply).toEqual({ ok: true, data: { zeroed: false } });
    for (const r of [reboot, selftest]) expect(valid(r.reply)).toEqual([]);
  });

  it('refuses what the contract refuses, with ok:false and the reason', () => {
    expect(answerCommand('water', 'set_interval', '{"params":{"seconds":0}}').reply).toMatchObject({ ok: false, message: expect.stringContaining('params.seconds') });
    expect(answerCommand('water', 'calibrate', '{}').reply).toMatchObject({ ok: false, message: expect.stringContaining('UNKNOWN_COMMAND') });
    expect(answerCommand('gas', 'reboot', 'not json').reply).toEqual({ ok: false, message: 'command payload is not a JSON object' });
    expect(answerCommand('gas', 'set_interval', '{"params":{"seconds":5}}').intervalSeconds).toBe(5);
    expect(valid(answerCommand('water', 'calibrate', '{}').reply)).toEqual([]);
  });
});
