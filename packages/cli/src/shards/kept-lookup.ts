import { derivesFrom } from "@dataflow/core";
import { readPositions } from "@dataflow/storage";

/**
 * Membership in a positions file (the rows a step deferred to the merge kept), asked in source
 * order: `has` must be called with positions that never go back. A row counts as kept when its
 * id, or the id of a row it came from (see derivesFrom), is listed at its position. Memory: the entries
 * of one position.
 */
export class KeptLookup {
  private readonly entries: AsyncIterator<[number, string]>;
  private peeked: [number, string] | undefined;
  private ended = false;
  private at = -1;
  private here: string[] = [];

  constructor(path: string) {
    this.entries = readPositions(path)[Symbol.asyncIterator]();
  }

  async has(position: number, id: string): Promise<boolean> {
    if (position < this.at) throw new Error(`kept rows asked out of order: ${position} after ${this.at}`);
    if (position !== this.at) await this.moveTo(position);
    return this.here.some((kept) => derivesFrom(id, kept));
  }

  async close(): Promise<void> {
    await this.entries.return?.();
  }

  private async moveTo(position: number): Promise<void> {
    this.at = position;
    this.here = [];
    for (let entry = await this.pull(); entry; entry = await this.pull()) {
      if (entry[0] > position) {
        this.peeked = entry;
        return;
      }
      if (entry[0] === position) this.here.push(entry[1]);
    }
  }

  private async pull(): Promise<[number, string] | undefined> {
    if (this.peeked) {
      const entry = this.peeked;
      this.peeked = undefined;
      return entry;
    }
    if (this.ended) return undefined;
    const next = await this.entries.next();
    if (next.done) this.ended = true;
    return next.done ? undefined : next.value;
  }
}
