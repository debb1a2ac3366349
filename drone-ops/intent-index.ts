import type { BBox } from './geo/types.js';

/**
 * A uniform grid over a local plane: each entry is filed under every cell its bounding box touches, so a
 * query visits only entries near the query box. With footprints of a few hundred metres to a few
 * kilometres, a 1 km cell keeps both the cells per entry and the entries per cell small.
 */
export class GridIndex<T> {
  private readonly cells = new Map<number, Set<T>>();
  private readonly boxes = new Map<T, BBox>();

  constructor(private readonly cellM = 1000) {}

  insert(entry: T, box: BBox): void {
    this.boxes.set(entry, box);
    this.forCells(box, (key) => {
      let set = this.cells.get(key);
      if (!set) this.cells.set(key, (set = new Set()));
      set.add(entry);
    });
  }

  remove(entry: T): void {
    const box = this.boxes.get(entry);
    if (!box) return;
    this.boxes.delete(entry);
    this.forCells(box, (key) => {
      const set = this.cells.get(key);
      set?.delete(entry);
      if (set?.size === 0) this.cells.delete(key);
    });
  }

  /** Entries whose box overlaps `box` (each once). */
  query(box: BBox): T[] {
    const seen = new Set<T>();
    this.forCells(box, (key) => {
      const set = this.cells.get(key);
      if (set) for (const e of set) seen.add(e);
    });
    return [...seen];
  }

  get size(): number {
    return this.boxes.size;
  }

  private forCells(box: BBox, fn: (key: number) => void): void {
    const x0 = Math.floor(box.minX / this.cellM);
    const x1 = Math.floor(box.maxX / this.cellM);
    const y0 = Math.floor(box.minY / this.cellM);
    const y1 = Math.floor(box.maxY / this.cellM);
    // Cell keys pack (ix, iy) into one number; ±2^20 cells of 1 km spans far more than a city.
    for (let ix = x0; ix <= x1; ix++) for (let iy = y0; iy <= y1; iy++) fn((ix + 1048576) * 2097152 + (iy + 1048576));
  }
}
