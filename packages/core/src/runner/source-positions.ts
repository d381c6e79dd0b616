import { idLineage } from "./row-lineage.js";

/**
 * Each output row's source position, for sinks that record it (a shard's part file, a work-queue
 * chunk) so parts can be merged back in source order. Output rows come in source order (steps keep
 * input order), and a row's id is its source row's id or one derived from it (see derivesFrom), so
 * the source rows still in flight are enough: an output row belongs to the in-flight source row
 * with the longest id it derives from (`doc-1-2#0` to `doc-1-2` before `doc-1`), and rows passed
 * over ended without output (filtered, rejected). Memory: the rows in flight.
 */
export class SourcePositions {
  private ids: string[] = [];
  private positions: number[] = [];
  /** In-flight source id → its indexes in `ids` + `base` (more than one if the source repeats an id). */
  private readonly index = new Map<string, number[]>();
  private base = 0;
  private head = 0;

  /** A source row entered the pipeline. */
  add(id: string, position: number): void {
    const at = this.base + this.ids.length;
    const list = this.index.get(id);
    if (list) list.push(at);
    else this.index.set(id, [at]);
    this.ids.push(id);
    this.positions.push(position);
  }

  /** The position of the source row that output row `id` came from. */
  positionOf(id: string): number {
    for (const candidate of idLineage(id)) {
      const at = this.index.get(candidate)?.find((i) => i - this.base >= this.head);
      if (at === undefined) continue;
      this.head = at - this.base;
      const position = this.positions[this.head] as number;
      this.compact();
      return position;
    }
    throw new Error(`output row "${id}" comes from no source row in flight: rows came out of order`);
  }

  /** Drops the rows passed over, now and then, so memory stays the size of what is in flight. */
  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.ids.length) return;
    const passed = this.base + this.head;
    for (const id of this.ids.slice(0, this.head)) {
      const left = this.index.get(id)?.filter((i) => i >= passed) ?? [];
      if (left.length) this.index.set(id, left);
      else this.index.delete(id);
    }
    this.ids = this.ids.slice(this.head);
    this.positions = this.positions.slice(this.head);
    this.base += this.head;
    this.head = 0;
  }
}
