import type { RetrievedPassage, RetrieverABC } from "@dataflow/core";

/** The most ranks one row walks in one retriever view, however many duplicates it meets. */
export const MAX_WALK = 1000;

/**
 * One view's ranking for one query, fetched deeper on demand. Rankings are a total order (score,
 * then docId), so a deeper search extends a shallower one and positions stay stable.
 */
export class Ranking {
  private hits: readonly RetrievedPassage[] = [];
  private depth = 0;
  private done = false;

  constructor(
    private readonly view: RetrieverABC,
    private readonly query: string,
    private readonly initialDepth: number,
    private readonly options: { signal: AbortSignal; tag: string },
  ) {}

  /** The passage at 0-based position `i`, or undefined past the end of the ranking. */
  async at(i: number): Promise<RetrievedPassage | undefined> {
    while (i >= this.hits.length && !this.done) await this.deepen(i + 1);
    return this.hits[i];
  }

  private async deepen(atLeast: number): Promise<void> {
    const limit = Math.min(MAX_WALK, Math.max(this.view.size, 1));
    const depth = Math.min(limit, Math.max(atLeast, this.depth ? this.depth * 2 : this.initialDepth));
    this.hits = await this.view.search(this.query, depth, this.options);
    this.depth = depth;
    if (this.hits.length < depth || depth >= limit) this.done = true;
  }
}
