import type { RetrieverABC } from "@dataflow/core";
import { sameTextKey } from "../shared/same-text.js";
import { positiveWeights, type Weights, weightedChoice } from "../shared/weighted-choice.js";
import type { ContextGuard } from "./context-guard.js";
import type { ContextEnv, Entry } from "./context-types.js";
import type { GoldEntries } from "./gold-entries.js";
import { Ranking } from "./ranking.js";

/** One row's rankings for its query, one per retriever view, fetched on first use. */
export class ViewRankings {
  private readonly rankings = new Map<string, Ranking>();

  constructor(
    private readonly env: ContextEnv,
    private readonly query: string,
    private readonly depth: number,
  ) {}

  of(view: string): Ranking {
    let r = this.rankings.get(view);
    if (!r) {
      const options = { signal: this.env.signal, tag: this.env.tag };
      r = new Ranking(this.env.views[view] as RetrieverABC, this.query, this.depth, options);
      this.rankings.set(view, r);
    }
    return r;
  }
}

/** Hands out, view by view, the next ranked passage the guard lets into the context. */
export class RetrievedWalker {
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly rankings: ViewRankings,
    private readonly guard: ContextGuard,
    private readonly gold: GoldEntries,
    private readonly o: { dropped: boolean; count(metric: string, by?: number): void },
  ) {}

  /** The next passage of `view`'s ranking that may enter, or undefined when the ranking ends. */
  async next(view: string): Promise<Entry | undefined> {
    const ranking = this.rankings.of(view);
    // Bounded: a ranking ends after MAX_WALK positions.
    for (;;) {
      const i = this.cursors.get(view) ?? 0;
      const hit = await ranking.at(i);
      if (!hit) return undefined;
      this.cursors.set(view, i + 1);
      const key = sameTextKey(hit.text);
      if (!key) continue;
      const candidate = { docId: hit.docId, id: hit.id, text: hit.text, key };
      const keptOut = this.guard.check(candidate);
      if (keptOut === "gold") {
        this.gold.credit(hit, key, view, i + 1);
        if (this.o.dropped) this.o.count("dropped_gold_hits_skipped", 1);
      }
      if (keptOut) continue;
      this.guard.use(candidate);
      return { text: hit.text, meta: { id: hit.id, role: "retrieved", retriever: view, rank: i + 1 } };
    }
  }
}

/** Up to `wanted` passages from one view, drawn by weight with `u` (per-query mixing). */
export async function fillFromOneView(
  walker: RetrievedWalker,
  mix: Weights<string>,
  u: number,
  wanted: number,
  count: (metric: string, by?: number) => void,
): Promise<Entry[]> {
  const view = weightedChoice(mix, u) as string;
  count(`query_retriever:${view}`, 1);
  const out: Entry[] = [];
  while (out.length < wanted) {
    const entry = await walker.next(view);
    if (!entry) break;
    out.push(entry);
  }
  return out;
}

/**
 * Up to `wanted` passages from every weighted view in turn (interleave mixing): a smooth weighted
 * round-robin, so each view's share of the picks follows its weight; a view that runs dry leaves.
 */
export async function fillInterleaved(
  walker: RetrievedWalker,
  mix: Weights<string>,
  wanted: number,
): Promise<Entry[]> {
  const active = [...positiveWeights(mix)];
  const credit = new Map(active.map(([v]) => [v, 0]));
  const out: Entry[] = [];
  while (out.length < wanted && active.length) {
    const total = active.reduce((s, [, w]) => s + w, 0);
    let best = 0;
    active.forEach(([v, w], i) => {
      credit.set(v, (credit.get(v) ?? 0) + w);
      if ((credit.get(v) ?? 0) > (credit.get(active[best]?.[0] as string) ?? 0)) best = i;
    });
    const [view] = active[best] as readonly [string, number];
    credit.set(view, (credit.get(view) ?? 0) - total);
    const entry = await walker.next(view);
    if (entry) out.push(entry);
    else active.splice(best, 1);
  }
  return out;
}
