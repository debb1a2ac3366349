import { describe, expect, it } from 'vitest';
import { exportJsonSchemas, runContractsCli } from './index.js';

function harness(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, string>();
  const io = {
    out: (s: string) => void out.push(s),
    err: (s: string) => void err.push(s),
    readFile: (p: string) => (p in files ? Promise.resolve(files[p] as string) : Promise.reject(new Error('ENOENT'))),
    writeFile: (p: string, s: string) => {
      written.set(p, s);
      return Promise.resolve();
    },
  };
  const run = (...argv: string[]) => runContractsCli(argv, io);
  return { run, out, err, written, text: () => out.join('\n') };
}

const NOW = '2026-01-15T08:00:00Z';

describe('citybrain contracts', () => {
  it('prints help with exit 0, and usage with exit 2 when no command or an unknown one is given', async () => {
    const h = harness();
    expect(await h.run('--help')).toBe(0);
    expect(h.text()).toContain('Usage: citybrain contracts');
    expect(await h.run()).toBe(2);
    expect(await h.run('frobnicate')).toBe(2);
    expect(h.err.join('\n')).toContain("unknown command 'frobnicate'");
  });

  it.each(['list', 'show', 'export', 'check'])('%s --help exits 0 with its usage', async (cmd) => {
    const h = harness();
    expect(await h.run(cmd, '--help')).toBe(0);
    expect(h.text()).toContain(`Usage: citybrain contracts ${cmd}`);
  });

  it('list prints every kind with version and interval', async () => {
    const h = harness();
    expect(await h.run('list')).toBe(0);
    for (const k of ['gas', 'water', 'heat', 'drainage', 'elevator', 'bridge']) expect(h.text()).toMatch(new RegExp(`^${k}\\s+v1\\s`, 'm'));
    expect(h.text()).toContain('60 s (fast mode 5 s)');
  });

  it('show prints the metrics table of a kind', async () => {
    const h = harness();
    expect(await h.run('show', 'elevator')).toBe(0);
    expect(h.text()).toMatch(/^floor\s+floor\s+integer\s+-10 \.\. 200\s+yes/m);
    expect(h.text()).toMatch(/^trapped\s/m);
    expect(h.text()).toMatch(/^set_interval\s+seconds: integer 1\.\.3600/m);
    expect(await h.run('show', 'toaster')).toBe(2);
    expect(await h.run('show')).toBe(2);
    expect(await h.run('show', 'gas', '--colour')).toBe(2);
  });

  it('export prints all schemas as JSON, or writes one file per schema', async () => {
    const h = harness();
    expect(await h.run('export')).toBe(0);
    expect(JSON.parse(h.text())).toEqual(JSON.parse(JSON.stringify(exportJsonSchemas())));
    expect(await h.run('export', '--out', 'out/schemas', '--kind', 'gas')).toBe(0);
    expect([...h.written.keys()].sort()).toEqual([
      'out/schemas/command-reply.schema.json', 'out/schemas/gas.commands.calibrate.schema.json',
      'out/schemas/gas.commands.reboot.schema.json', 'out/schemas/gas.commands.selftest.schema.json',
      'out/schemas/gas.commands.set_interval.schema.json', 'out/schemas/gas.events.schema.json',
      'out/schemas/gas.telemetry.schema.json', 'out/schemas/status.schema.json',
    ]);
    expect(JSON.parse(h.written.get('out/schemas/gas.telemetry.schema.json') ?? '')).toMatchObject({ title: 'gas telemetry v1' });
    expect(await h.run('export', '--kind', 'toaster')).toBe(2);
  });

  it('check prints OK and exits 0 for a valid payload', async () => {
    const h = harness({ 'ok.json': '{"samples":[{"metrics":{"ch4_lel":1}},{"metrics":{"ch4_lel":2}}]}' });
    expect(await h.run('check', 'ok.json', '--kind', 'gas', '--now', NOW)).toBe(0);
    expect(h.out).toEqual(['OK (2 sample(s) accepted)']);
  });

  it('check prints each violation with code, path and message and exits 1', async () => {
    const h = harness({ 'bad.json': '{"samples":[{"metrics":{"ch4_lel":1}},{"metrics":{"ch4_lel":130}}]}' });
    expect(await h.run('check', 'bad.json', '--kind', 'gas', '--now', NOW)).toBe(1);
    expect(h.out[0]).toMatch(/^OUT_OF_RANGE sample 1 samples\[1\]\.metrics\.ch4_lel: 130 is outside 0\.\.100 %LEL$/);
    expect(h.out[1]).toBe('1 sample(s) accepted');
  });

  it('check uses --now for timestamp checks', async () => {
    const h = harness({ 'p.json': '{"ts":"2026-01-15T07:59:00Z","metrics":{"level_m":1}}' });
    expect(await h.run('check', 'p.json', '--kind', 'drainage', '--now', NOW)).toBe(0);
    expect(await h.run('check', 'p.json', '--kind', 'drainage', '--now', '2026-02-15T00:00:00Z')).toBe(1);
    expect(h.text()).toContain('STALE_TIMESTAMP');
  });

  it('check handles the other channels', async () => {
    const h = harness({ 's.json': '{"online":"yes"}', 'e.json': '{"type":"trapped"}', 'r.json': '{"ok":true}' });
    expect(await h.run('check', 's.json', '--channel', 'status')).toBe(1);
    expect(h.text()).toContain('WRONG_TYPE online');
    expect(await h.run('check', 'e.json', '--kind', 'elevator', '--channel', 'events')).toBe(0);
    expect(await h.run('check', 'e.json', '--kind', 'gas', '--channel', 'events')).toBe(1);
    expect(await h.run('check', 'r.json', '--channel', 'command-reply')).toBe(0);
  });

  it.each([
    [['check', 'p.json']],
    [['check', '--kind', 'gas']],
    [['check', 'p.json', '--kind', 'toaster']],
    [['check', 'p.json', '--kind', 'gas', '--channel', 'radio']],
    [['check', 'p.json', '--kind', 'gas', '--now', 'later']],
    [['check', 'missing.json', '--kind', 'gas']],
    [['check', 'p.json', '--kind']],
  ])('check usage error %j exits 2', async (argv) => {
    const h = harness({ 'p.json': '{}' });
    expect(await h.run(...argv)).toBe(2);
    expect(h.err.length).toBe(1);
  });
});
