import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '../../kernel/events.js';

const SEGMENT_RE = /^spill-(\d{12})\.jsonl$/;

interface Segment {
  name: string;
  bytes: number;
}

/**
 * The writer's on-disk spill: append-only JSON-lines segment files (`spill-<n>.jsonl`, one Reading per
 * line) in one directory, bounded by `maxBytes`. Every append is fsynced before it resolves, so a reading
 * acknowledged from the spill survives a crash. Segments are replayed oldest first and deleted only
 * after the store took them. Appends, sealing and removal are serialised by one lock.
 */
export class TelemetrySpill {
  private readonly segments: Segment[] = [];
  private current: { seg: Segment; fh: FileHandle } | undefined;
  private nextIndex = 1;
  private bytesTotal = 0;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly segmentBytes: number,
  ) {
    // Synchronous on purpose: runs once at start, and must see a previous process's leftovers.
    mkdirSync(dir, { recursive: true });
    const found = readdirSync(dir)
      .map((name) => ({ name, m: SEGMENT_RE.exec(name) }))
      .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const { name, m } of found) {
      const bytes = statSync(join(dir, name)).size;
      this.segments.push({ name, bytes });
      this.bytesTotal += bytes;
      this.nextIndex = Math.max(this.nextIndex, Number(m[1]) + 1);
    }
  }

  get bytes(): number {
    return this.bytesTotal;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Appends blocks of JSON lines (one block per `write()` call), oldest first. A block that would take the
   * spill past `maxBytes` is refused (false at its index); the accepted ones are written and fsynced together.
   */
  append(blocks: readonly string[]): Promise<boolean[]> {
    return this.locked(async () => {
      const accepted: boolean[] = [];
      const parts: string[] = [];
      let budget = this.maxBytes - this.bytesTotal;
      let size = 0;
      for (const b of blocks) {
        const n = Buffer.byteLength(b);
        const ok = n <= budget;
        accepted.push(ok);
        if (!ok) continue;
        budget -= n;
        size += n;
        parts.push(b);
      }
      if (size === 0) return accepted;
      const cur = await this.openCurrent();
      await cur.fh.appendFile(parts.join(''));
      await cur.fh.sync();
      cur.seg.bytes += size;
      this.bytesTotal += size;
      if (cur.seg.bytes >= this.segmentBytes) await this.sealCurrent();
      return accepted;
    });
  }

  private async openCurrent(): Promise<{ seg: Segment; fh: FileHandle }> {
    if (this.current) return this.current;
    const name = `spill-${String(this.nextIndex++).padStart(12, '0')}.jsonl`;
    const fh = await open(join(this.dir, name), 'a');
    // fsync the directory too, or a crash could lose the new file's name (and the readings in it).
    const dirFh = await open(this.dir, 'r');
    try {
      await dirFh.sync();
    } finally {
      await dirFh.close();
    }
    const seg = { name, bytes: 0 };
    this.segments.push(seg);
    this.current = { seg, fh };
    return this.current;
  }

  private async sealCurrent(): Promise<void> {
    const cur = this.current;
    this.current = undefined;
    if (cur) await cur.fh.close();
  }

  /** The oldest segment, sealed first if it is still being appended to; undefined when the spill is empty. */
  oldest(): Promise<string | undefined> {
    return this.locked(async () => {
      const seg = this.segments[0];
      if (seg === undefined) return undefined;
      if (this.current?.seg === seg) await this.sealCurrent();
      return seg.name;
    });
  }

  /** Reads a sealed segment. A torn last line (crash mid-append, never acknowledged) is counted and skipped. */
  async read(name: string): Promise<{ readings: Reading[]; bad: number }> {
    const text = await readFile(join(this.dir, name), 'utf8');
    const readings: Reading[] = [];
    let bad = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        readings.push(JSON.parse(line) as Reading);
      } catch {
        bad += 1;
      }
    }
    return { readings, bad };
  }

  /** Deletes a segment after the store took all of it. */
  remove(name: string): Promise<void> {
    return this.locked(async () => {
      const i = this.segments.findIndex((s) => s.name === name);
      if (i < 0) return;
      const [seg] = this.segments.splice(i, 1);
      if (seg && this.current?.seg === seg) await this.sealCurrent();
      await unlink(join(this.dir, name));
      this.bytesTotal -= seg?.bytes ?? 0;
    });
  }

  close(): Promise<void> {
    return this.locked(() => this.sealCurrent());
  }
}

/** One block of spill lines for a `write()` call. */
export function toSpillBlock(readings: readonly Reading[]): string {
  let out = '';
  for (const r of readings) out += `${JSON.stringify(r)}\n`;
  return out;
}
