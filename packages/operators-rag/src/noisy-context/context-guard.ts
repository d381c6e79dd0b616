import type { OverlapDetector, PreparedText } from "@dataflow/retrieval";
import type { Candidate } from "./context-types.js";
import type { GoldPassage } from "./gold.js";

/** Why a candidate may not enter the context. */
export type KeptOut = "gold" | "used" | "same-doc" | "overlap";

export interface GuardOptions {
  /** The row's gold was dropped: nothing that could still hold its answer may come in. */
  dropped: boolean;
  /** The docId of the passage whose corpus id is the row's id (a row made from a corpus document). */
  ownDocId: number | undefined;
  overlap: OverlapDetector;
  count(metric: string, by?: number): void;
}

/**
 * What may still enter one row's context. Never the gold a second time (by docId, corpus id or
 * text; dropped gold stays gold, so it cannot sneak back) and never a passage already in. When the
 * gold was dropped, a refusal is the target, so nothing may carry the answer either: no passage
 * that overlaps a gold passage (a neighbouring chunk, a re-flowed copy: the rule BM25HardNeg keeps
 * such passages out of negatives by) and no passage of the row's own document.
 */
export class ContextGuard {
  private readonly goldIds: Set<string>;
  private readonly goldDocs: Set<number>;
  private readonly goldKeys: Set<string>;
  private readonly usedKeys = new Set<string>();
  private readonly usedDocs = new Set<number>();
  /** Passages already counted as kept out, so a passage offered again is counted once. */
  private readonly counted = new Set<string>();
  /** Dropped gold texts prepared once for the overlap rule; empty when the gold is in. */
  private readonly droppedGold: PreparedText[];

  constructor(
    gold: readonly GoldPassage[],
    private readonly o: GuardOptions,
  ) {
    this.goldIds = new Set(gold.flatMap((g) => (g.id === null ? [] : [g.id])));
    this.goldDocs = new Set(gold.flatMap((g) => (g.docId === undefined ? [] : [g.docId])));
    this.goldKeys = new Set(gold.map((g) => g.key));
    this.droppedGold = o.dropped ? gold.map((g) => o.overlap.prepare(g.text)) : [];
  }

  isGold(p: Candidate): boolean {
    return (
      (p.docId !== undefined && this.goldDocs.has(p.docId)) ||
      (p.id !== null && this.goldIds.has(p.id)) ||
      this.goldKeys.has(p.key)
    );
  }

  /** Why `p` may not enter, or undefined when it may; what only a dropped gold keeps out is counted. */
  check(p: Candidate): KeptOut | undefined {
    if (this.isGold(p)) return "gold";
    if (this.usedKeys.has(p.key) || (p.docId !== undefined && this.usedDocs.has(p.docId))) return "used";
    if (!this.o.dropped) return undefined;
    if (p.docId !== undefined && p.docId === this.o.ownDocId) return this.keptOut(p, "same-doc");
    if (this.droppedGold.length) {
      const candidate = this.o.overlap.prepare(p.text);
      if (this.droppedGold.some((g) => this.o.overlap.check(g, candidate).overlapping))
        return this.keptOut(p, "overlap");
    }
    return undefined;
  }

  private keptOut(p: Candidate, why: "same-doc" | "overlap"): KeptOut {
    if (!this.counted.has(p.key)) {
      this.counted.add(p.key);
      this.o.count(why === "same-doc" ? "dropped_gold_same_doc_skipped" : "dropped_gold_overlaps_skipped", 1);
    }
    return why;
  }

  /** `p` is in the context now. */
  use(p: Pick<Candidate, "docId" | "key">): void {
    this.usedKeys.add(p.key);
    if (p.docId !== undefined) this.usedDocs.add(p.docId);
  }

  /** `check`, then `use` when `p` may enter. */
  admit(p: Candidate): boolean {
    if (this.check(p) !== undefined) return false;
    this.use(p);
    return true;
  }
}
