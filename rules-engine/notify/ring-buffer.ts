/** A bounded ring of sequenced items: what an SSE reconnect can be replayed from. Pure data structure. */

export interface Sequenced {
  seq: number;
}

export type Since<T> = { ok: true; items: T[] } | { ok: false; reason: 'gap' | 'ahead' };

export class RingBuffer<T extends Sequenced> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
  }

  /** Appends; the oldest item falls out once full. Items must arrive in increasing `seq`. */
  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Everything after `seq`, oldest first. `gap` when items after `seq` already fell out (the caller
   * missed events it cannot get back); `ahead` when `seq` is newer than anything pushed.
   */
  since(seq: number, latest: number): Since<T> {
    if (seq > latest) return { ok: false, reason: 'ahead' };
    const oldest = this.count === 0 ? latest + 1 : this.at(0).seq;
    if (seq < oldest - 1) return { ok: false, reason: 'gap' };
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const it = this.at(i);
      if (it.seq > seq) out.push(it);
    }
    return { ok: true, items: out };
  }

  private at(i: number): T {
    const it = this.items[(this.start + i) % this.capacity];
    if (it === undefined) throw new Error('ring buffer hole');
    return it;
  }
}
