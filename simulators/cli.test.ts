import { describe, expect, it } from 'vitest';
import { freePort } from '../test/servers/free-port.js';
import { parseDuration, parseFlags, UsageError } from './cli-args.js';
import { runSimCli } from './cli.js';
import { parseSet } from './virtual-device.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: {} } };
}

describe('citybrain sim', () => {
  it('prints help for sim, sim sensors and sim device', async () => {
    for (const [argv, code, text] of [
      [[], 2, 'sensors'], [['--help'], 0, 'device'], [['sensors', '--help'], 0, '--processes N'], [['device', '-h'], 0, '--set NAME=VALUE'],
    ] as const) {
      const t = io();
      expect(await runSimCli([...argv], t.io)).toBe(code);
      expect(t.out.join('\n')).toContain(text);
    }
  });

  it('answers usage errors with exit code 2 and a hint', async () => {
    const cases: string[][] = [
      ['nope'],
      ['sensors', '--bogus'],
      ['sensors', '--devices', 'many'],
      ['sensors', '--qos', '2'],
      ['sensors', '--mix', 'lava=1'],
      ['device', '--kind', 'lava', '--id', 'x', '--password', 'y'],
      ['device', '--kind', 'gas', '--id', 'x'],
      ['device', '--kind', 'gas', '--id', 'x', '--password', 'y', '--set', 'nope=1'],
      ['device', '--kind', 'gas', '--id', 'x', '--password', 'y', '--interval', 'soon'],
    ];
    for (const argv of cases) {
      const t = io();
      expect(await runSimCli(argv, t.io), argv.join(' ')).toBe(2);
      expect(t.err.join('\n').length).toBeGreaterThan(0);
    }
  });

  it('fails (exit 1) when the platform cannot be reached, naming the cause', async () => {
    const t = io();
    // A port just freed: nothing listens on it, so the import request is refused at once.
    const code = await runSimCli(['sensors', '--devices', '2', '--http', `http://127.0.0.1:${await freePort()}`, '--token', 't'], t.io);
    expect(code).toBe(1);
    expect(t.err.join('\n')).toMatch(/sim sensors: /);
  });
});

describe('argument helpers', () => {
  it('parses flags, durations and --set values', () => {
    expect(parseFlags(['--a', '1', '--b=x', '--c', '--l', 'p', '--l', 'q'], { a: 'number', b: 'string', c: 'boolean', l: 'list' }))
      .toEqual({ a: 1, b: 'x', c: true, l: ['p', 'q'] });
    expect(() => parseFlags(['--a'], { a: 'number' })).toThrow(UsageError);
    expect([parseDuration('500ms', 'x'), parseDuration('5s', 'x'), parseDuration('2m', 'x'), parseDuration('1h', 'x')]).toEqual([500, 5_000, 120_000, 3_600_000]);
    expect(() => parseDuration('3', 'x')).toThrow(/add a unit: 3s or 3ms/);
    expect(() => parseDuration('0s', 'x')).toThrow(UsageError);
    expect(parseSet('drainage', ['level_m=2.5', 'cover_open=true'])).toEqual({ level_m: 2.5, cover_open: true });
    expect(parseSet('gas', ['ch4_lel=120'])).toEqual({ ch4_lel: 120 }); // out of range on purpose is allowed
    expect(() => parseSet('drainage', ['cover_open=1'])).toThrow(/boolean/);
    expect(() => parseSet('gas', ['ch4_lel='])).toThrow(/number/);
  });
});
