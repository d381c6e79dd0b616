/**
 * Test oracle: textbook Lucene BM25 over already analysed documents, with plain Maps and doubles and
 * no code shared with the engines. score(d) = sum over query-term occurrences of
 * ln(1 + (N - df + 0.5) / (df + 0.5)) * tf / (tf + k1 * (1 - b + b * len / avgLen)).
 */
export function naiveBm25(
  docs: readonly (readonly string[])[],
  query: readonly string[],
  k1: number,
  b: number,
): Map<number, number> {
  const N = docs.length;
  const df = new Map<string, number>();
  const tfs = docs.map((terms) => {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    return tf;
  });
  const avgLen = docs.reduce((sum, d) => sum + d.length, 0) / Math.max(N, 1);
  const scores = new Map<number, number>();
  docs.forEach((terms, docId) => {
    const tf = tfs[docId] as Map<string, number>;
    let score = 0;
    let matched = false;
    for (const q of query) {
      const f = tf.get(q);
      if (f === undefined) continue;
      matched = true;
      const n = df.get(q) as number;
      const idf = Math.log(1 + (N - n + 0.5) / (n + 0.5));
      score += (idf * f) / (f + k1 * (1 - b + (b * terms.length) / avgLen));
    }
    if (matched) scores.set(docId, score);
  });
  return scores;
}

/** The oracle's full ranking: score desc, docId asc. */
export function rank(scores: Map<number, number>): { docId: number; score: number }[] {
  return [...scores]
    .map(([docId, score]) => ({ docId, score }))
    .sort((x, y) => y.score - x.score || x.docId - y.docId);
}
