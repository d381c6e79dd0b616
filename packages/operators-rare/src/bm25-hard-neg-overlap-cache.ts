import type { RetrieverABC } from "@dataflow/core";
import { OverlapIndex, type OverlapRule, precomputeOverlap, resolveOverlapRule } from "@dataflow/retrieval";

// Keyed on the retriever object: a pipeline's retriever lives for the whole process (a queue
// worker runs many chunks over it), so its passages' overlap data is worked out once, not per run.
const byRetriever = new WeakMap<RetrieverABC, Map<string, OverlapIndex>>();

/**
 * The overlap data of a step retriever's passages under `rule`, shared by every run of the step in
 * this process over that retriever (each fills only the passages it touches; what one run filled,
 * the next reuses).
 */
export function retrieverOverlap(
  retriever: RetrieverABC,
  textOf: (docId: number) => string,
  rule: Partial<OverlapRule>,
): OverlapIndex {
  const key = JSON.stringify(resolveOverlapRule(rule));
  let forRules = byRetriever.get(retriever);
  if (!forRules) {
    forRules = new Map();
    byRetriever.set(retriever, forRules);
  }
  const known = forRules.get(key);
  // A retriever reopened over another corpus has another size: its old data does not apply.
  if (known && known.size === retriever.size) return known;
  const fresh = new OverlapIndex(retriever.size, textOf, rule);
  forRules.set(key, fresh);
  return fresh;
}

const complete = new WeakSet<OverlapIndex>();

/** Every passage's overlap data on `threads` threads, unless an earlier run already did it for this index. */
export async function precomputeOnce(
  index: OverlapIndex,
  textOf: (docId: number) => string,
  threads: number,
): Promise<void> {
  if (complete.has(index)) return;
  await precomputeOverlap(index, textOf, threads);
  complete.add(index);
}
