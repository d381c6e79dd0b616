import { Shingler, sortedJaccard } from "@dataflow/operators-quality";

/**
 * The problems whose questions are not near-copies of an earlier one: Jaccard similarity of
 * character 5-gram shingles of the normalised question (operators-quality's near-dedup measure)
 * below `threshold`. Keeps the first of each group, in order.
 */
export function distinctQuestions<T extends { question: string }>(
  problems: readonly T[],
  threshold: number,
): { kept: T[]; dropped: number } {
  const shingler = new Shingler("char", 5);
  const seen: Uint32Array[] = [];
  const kept: T[] = [];
  for (const p of problems) {
    const shingles = shingler.shingles(p.question).slice();
    if (seen.some((s) => sortedJaccard(s, shingles) >= threshold)) continue;
    seen.push(shingles);
    kept.push(p);
  }
  return { kept, dropped: problems.length - kept.length };
}
