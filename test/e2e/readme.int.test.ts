/**
 * The README as a newcomer follows it: every fenced `sh` block marked `<!-- readme-test -->` runs, in order,
 * in one bash (variables carry over, as in one terminal) from the checkout, against `citybrain start` with
 * the demo on, on free ports — the snippets find it through CITYBRAIN_HTTP_PORT and friends, as documented.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../servers/free-port.js';
import { startCitybrain } from './cli-process.js';

const ROOT = join(import.meta.dirname, '../..');
const MARK = '<!-- readme-test -->';

/** The fenced sh/bash blocks that directly follow the marker. */
export function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- readme-test -->[ \t]*\r?\n```(?:sh|bash)\r?\n([\s\S]*?)\r?\n```/g)].map((m) => m[1]!);
}

/** Runs `script` with bash -e -o pipefail; resolves with the exit code and everything it printed. */
async function bash(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code: code ?? 1, out };
}

describe('README snippets', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = runnableBlocks(readme);
  let env: Record<string, string>;
  let platform: Awaited<ReturnType<typeof startCitybrain>> | undefined;

  beforeAll(async () => {
    env = {
      CITYBRAIN_HTTP_PORT: String(await freePort()), CITYBRAIN_MQTT_PORT: String(await freePort()), CITYBRAIN_MQTT_WS: 'off',
      CITYBRAIN_HTTP_HOST: '127.0.0.1', CITYBRAIN_MQTT_HOST: '127.0.0.1', CITYBRAIN_DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-readme-')),
      CITYBRAIN_DEMO: 'on',
    };
    platform = await startCitybrain(env);
  });

  afterAll(async () => {
    if (!platform) return;
    platform.child.kill('SIGTERM');
    await once(platform.child, 'exit');
  });

  it('marks the snippets a newcomer runs first', () => {
    expect(readme.split('\n').filter((l) => l.trim() === MARK)).toHaveLength(blocks.length);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks.join('\n')).toMatch(/mosquitto_pub/);
    expect(blocks.join('\n')).toMatch(/"kind":"point"/);
  });

  it('never calls the CLI any other way than npx citybrain, and never uses $CB before defining it', () => {
    const fenced = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    expect(fenced.split('\n').filter((l) => /(^|[\s;(|&])citybrain /.test(l) && !/npx citybrain /.test(l))).toEqual([]);
    expect(readme.indexOf('CB=http')).toBeGreaterThan(-1);
    expect(readme.indexOf('CB=http')).toBeLessThan(readme.indexOf('$CB'));
  });

  it('runs every marked snippet, in order, with exit code 0', async () => {
    const script = blocks.map((b, i) => `echo "--- README block ${i + 1} of ${blocks.length}"\n${b}`).join('\n');
    const r = await bash(script, env);
    expect(r.code, `${r.out.slice(-4000)}\n--- platform output:\n${platform?.output().slice(-2000) ?? ''}`).toBe(0);
    expect(r.out).toMatch(new RegExp(`--- README block ${blocks.length} of ${blocks.length}`));
    expect(r.out).toMatch(/^completed$/m);
    expect(r.out).toMatch(/^waypoints from demo-shinan-01: ok=true$/m);
    // The emergency response walk-through: a dangerous reading followed to a verified resolution.
    expect(r.out).toMatch(/^gas leak al-\S+: resolved$/m);
    expect(r.out).toMatch(/^ {2}drone picture [0-9a-f]{12}… /m);
  }, 400_000);
});
