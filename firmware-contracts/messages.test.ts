import { describe, expect, it } from 'vitest';
import { decodeCommandReply, decodeEvent, decodeStatus, DEVICE_KINDS, getContract, validateCommand } from './index.js';

const NOW = Date.parse('2026-01-15T08:00:00Z');
const opts = { now: NOW };
const codes = (vs: { code: string }[]) => vs.map((v) => v.code);

describe('decodeStatus', () => {
  it('splits online and fw from the extra fields', () => {
    expect(decodeStatus('{"online":true,"fw":"1.2.0","rssi_dbm":-70}', opts))
      .toEqual({ status: { online: true, fw: '1.2.0', extra: { rssi_dbm: -70 } }, violations: [] });
    expect(decodeStatus('{"online":false}', opts)).toEqual({ status: { online: false, extra: {} }, violations: [] });
  });

  it.each([
    ['{}', 'BAD_SHAPE', 'online'],
    ['{"online":1}', 'WRONG_TYPE', 'online'],
    ['{"online":true,"fw":2}', 'WRONG_TYPE', 'fw'],
    ['"online"', 'NOT_AN_OBJECT', undefined],
    ['{online:true}', 'MALFORMED_JSON', undefined],
  ])('%s → %s', (payload, code, path) => {
    const r = decodeStatus(payload, opts);
    expect(r.status).toBeUndefined();
    expect(r.violations.map((v) => [v.code, v.path])).toEqual([[code, path]]);
  });
});

describe('decodeEvent', () => {
  it('accepts a known event with ts and data, defaulting both', () => {
    expect(decodeEvent('elevator', `{"ts":${NOW - 1},"type":"trapped","data":{"floor":3}}`, opts))
      .toEqual({ event: { ts: NOW - 1, type: 'trapped', data: { floor: 3 } }, violations: [] });
    expect(decodeEvent('drainage', '{"type":"cover_open"}', opts))
      .toEqual({ event: { ts: NOW, type: 'cover_open', data: {} }, violations: [] });
  });

  it('lets every kind send fault and reboot, and only elevators send trapped', () => {
    for (const kind of DEVICE_KINDS) {
      expect(decodeEvent(kind, '{"type":"fault"}', opts).violations).toEqual([]);
      expect(decodeEvent(kind, '{"type":"reboot","data":{"reason":"watchdog"}}', opts).violations).toEqual([]);
      expect(codes(decodeEvent(kind, '{"type":"trapped"}', opts).violations)).toEqual(kind === 'elevator' ? [] : ['UNKNOWN_EVENT']);
    }
  });

  it.each([
    ['{"type":"nope"}', ['UNKNOWN_EVENT']],
    ['{"type":3}', ['WRONG_TYPE']],
    ['{"data":{}}', ['BAD_SHAPE']],
    ['{"type":"fault","data":[1]}', ['WRONG_TYPE']],
    ['{"type":"fault","ts":"soon"}', ['BAD_TIMESTAMP']],
    [`{"type":"fault","ts":${NOW + 3_600_000}}`, ['FUTURE_TIMESTAMP']],
    ['{"type":"fault","severity":"high"}', ['BAD_SHAPE']],
  ])('%s → %j', (payload, expected) => {
    const r = decodeEvent('gas', payload, opts);
    expect(r.event).toBeUndefined();
    expect(codes(r.violations)).toEqual(expected);
  });

  it('rejects an unknown kind', () => {
    expect(codes(decodeEvent('toaster', '{"type":"fault"}', opts).violations)).toEqual(['UNKNOWN_KIND']);
  });
});

describe('decodeCommandReply', () => {
  it('accepts ok with optional message and data', () => {
    expect(decodeCommandReply('{"ok":true}', opts)).toEqual({ reply: { ok: true }, violations: [] });
    expect(decodeCommandReply('{"ok":false,"message":"busy","data":{"retry_s":5}}', opts))
      .toEqual({ reply: { ok: false, message: 'busy', data: { retry_s: 5 } }, violations: [] });
  });

  it.each([
    ['{}', 'BAD_SHAPE'], ['{"ok":"yes"}', 'WRONG_TYPE'], ['{"ok":true,"message":1}', 'WRONG_TYPE'],
    ['{"ok":true,"data":"x"}', 'WRONG_TYPE'], ['{"ok":true,"extra":1}', 'BAD_SHAPE'], ['[', 'MALFORMED_JSON'],
  ])('%s → %s', (payload, code) => {
    const r = decodeCommandReply(payload, opts);
    expect(r.reply).toBeUndefined();
    expect(codes(r.violations)).toEqual([code]);
  });
});

describe('validateCommand', () => {
  it('accepts the common commands on every kind', () => {
    for (const kind of DEVICE_KINDS) {
      expect(validateCommand(kind, 'reboot', undefined)).toEqual([]);
      expect(validateCommand(kind, 'selftest', {})).toEqual([]);
      expect(validateCommand(kind, 'set_interval', { seconds: 30 })).toEqual([]);
      expect(getContract(kind)?.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['reboot', 'set_interval', 'selftest']));
    }
  });

  it.each([
    [{ seconds: 0 }, 'OUT_OF_RANGE'],
    [{ seconds: 3601 }, 'OUT_OF_RANGE'],
    [{ seconds: 1.5 }, 'WRONG_TYPE'],
    [{ seconds: '30' }, 'WRONG_TYPE'],
    [{}, 'BAD_SHAPE'],
    [null, 'BAD_SHAPE'],
    [[30], 'NOT_AN_OBJECT'],
  ])('set_interval %j → %s', (params, code) => {
    expect(validateCommand('water', 'set_interval', params)).toEqual([expect.objectContaining({ code })]);
  });

  it('flags unknown parameters, commands and kinds', () => {
    expect(validateCommand('water', 'reboot', { force: true })).toEqual([expect.objectContaining({ code: 'BAD_SHAPE', path: 'params.force' })]);
    expect(validateCommand('water', 'reboot', { toString: 1 })).toEqual([expect.objectContaining({ code: 'BAD_SHAPE' })]);
    expect(codes(validateCommand('water', 'calibrate', {}))).toEqual(['UNKNOWN_COMMAND']);
    expect(codes(validateCommand('toaster', 'reboot', {}))).toEqual(['UNKNOWN_KIND']);
  });

  it('checks the gas calibrate span', () => {
    expect(validateCommand('gas', 'calibrate', {})).toEqual([]);
    expect(validateCommand('gas', 'calibrate', { span_lel: 50 })).toEqual([]);
    expect(codes(validateCommand('gas', 'calibrate', { span_lel: 150 }))).toEqual(['OUT_OF_RANGE']);
  });
});
