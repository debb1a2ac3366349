import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSimCli } from '../simulators/index.js';
import { main, VERSION } from './cli.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

describe('citybrain CLI help', () => {
  it('--help lists every sim command the simulators offer', async () => {
    let simHelp = '';
    await runSimCli(['--help'], { out: (s) => (simHelp += s), err: () => {} });
    const simCommands = [...simHelp.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+)\s/gm)].map((m) => m[1]!);
    expect(simCommands).toEqual(expect.arrayContaining(['sensors', 'device', 'scenario', 'docks', 'watch', 'opcua-station']));
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const c of simCommands) expect(out).toMatch(new RegExp(`^  sim ${c}\\s`, 'm'));
    for (const c of ['start', 'config', 'version', 'contracts list']) expect(out).toMatch(new RegExp(`^  ${c}\\s`, 'm'));
  });

  it('every command answers --help with its help, not its action', async () => {
    const version = await run(['version', '--help']);
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^Usage: npx citybrain version/);
    for (const cmd of ['start', 'config', 'contracts', 'sim']) {
      const r = await run([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.out, cmd).toMatch(/Usage/);
    }
  });

  it('prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect((await run(['version'])).out.trim()).toBe(pkg.version);
  });
});
