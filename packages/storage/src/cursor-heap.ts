import type { PartCursor } from "./part-cursor.js";

/** A binary min-heap of cursors on (position, part index). */
export class CursorHeap {
  private readonly items: PartCursor[];

  constructor(items: PartCursor[]) {
    this.items = [];
    for (const item of items) this.push(item);
  }

  peek(): PartCursor | undefined {
    return this.items[0];
  }

  /** The top cursor moved on to a later row: restore the order. */
  topMoved(): void {
    this.down(0);
  }

  /** The top cursor is at its end. */
  removeTop(): void {
    const last = this.items.pop();
    if (last !== undefined && this.items.length > 0) this.items[0] = last;
    this.down(0);
  }

  private push(item: PartCursor): void {
    this.items.push(item);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(start: number): void {
    let i = start;
    for (;;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a] as PartCursor;
    const y = this.items[b] as PartCursor;
    const px = x.current?.position ?? Number.POSITIVE_INFINITY;
    const py = y.current?.position ?? Number.POSITIVE_INFINITY;
    return px < py || (px === py && x.index < y.index);
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b] as PartCursor, this.items[a] as PartCursor];
  }
}
