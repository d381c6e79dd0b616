/**
 * Each output row's source position, for sinks that record it (a shard's part file, a work-queue
 * chunk) so parts can be merged back in source order. Output rows come in source order (steps keep
 * input order), and a row's id is its source row's id or a child of it (`<id>.<k>`, childRowId),
 * so a queue of the source rows still in flight is enough: rows that ended without output (filtered,
 * rejected) are passed over as later rows come out. Memory: the rows in flight.
 */
export class SourcePositions {
  private ids: string[] = [];
  private positions: number[] = [];
  private head = 0;

  /** A source row entered the pipeline. */
  add(id: string, position: number): void {
    this.ids.push(id);
    this.positions.push(position);
  }

  /** The position of the source row that output row `id` came from. */
  positionOf(id: string): number {
    for (let i = this.head; i < this.ids.length; i++) {
      const source = this.ids[i] as string;
      if (id === source || id.startsWith(`${source}.`)) {
        this.head = i;
        this.compact();
        return this.positions[i] as number;
      }
    }
    throw new Error(`output row "${id}" comes from no source row in flight: rows came out of order`);
  }

  /** Drops the rows passed over, now and then, so the arrays stay the size of what is in flight. */
  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.ids.length) return;
    this.ids = this.ids.slice(this.head);
    this.positions = this.positions.slice(this.head);
    this.head = 0;
  }
}
