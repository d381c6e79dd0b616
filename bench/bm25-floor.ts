/**
 * The floor for BM25 mining: a plain, single-threaded typed-array BM25 with no overlap rule. CSR
 * postings (Int32Array docIds, Float32Array Lucene impacts), term-at-a-time accumulation into a
 * Float64Array with a touched list, and a linear top-k. It analyses text with the project's analyzer,
 * so both sides index the same terms and the comparison measures the engine, not the tokenizer.
 */
import { defaultAnalyzer } from "@dataflow/retrieval";

export class FloorBm25 {
  private readonly dict = new Map<string, number>();
  private offsets = new Int32Array(0);
  private docIds = new Int32Array(0);
  private impacts = new Float32Array(0);
  private acc = new Float64Array(0);
  private touched = new Int32Array(0);

  constructor(texts: readonly string[], k1 = 0.9, b = 0.4) {
    const analyzer = defaultAnalyzer();
    const docTerms: Int32Array[] = [];
    const df: number[] = [];
    let total = 0;
    for (const text of texts) {
      const ids: number[] = [];
      analyzer.forEachTerm(text, (term) => {
        let t = this.dict.get(term);
        if (t === undefined) {
          t = df.push(0) - 1;
          this.dict.set(term, t);
        }
        ids.push(t);
      });
      total += ids.length;
      docTerms.push(Int32Array.from(ids).sort());
    }
    const n = texts.length;
    const avg = total / Math.max(n, 1);
    for (const ids of docTerms)
      for (let i = 0; i < ids.length; i++) if (ids[i] !== ids[i - 1]) df[ids[i] as number]!++;
    this.offsets = new Int32Array(df.length + 1);
    for (let t = 0; t < df.length; t++) this.offsets[t + 1] = (this.offsets[t] as number) + (df[t] as number);
    const cursor = this.offsets.slice(0, df.length);
    this.docIds = new Int32Array(this.offsets[df.length] as number);
    this.impacts = new Float32Array(this.docIds.length);
    docTerms.forEach((ids, doc) => {
      const norm = k1 * (1 - b + (b * ids.length) / avg);
      for (let i = 0; i < ids.length; ) {
        const t = ids[i] as number;
        let tf = 0;
        while (ids[i] === t) {
          tf++;
          i++;
        }
        const idf = Math.log(1 + (n - (df[t] as number) + 0.5) / ((df[t] as number) + 0.5));
        const at = cursor[t]!++;
        this.docIds[at] = doc;
        this.impacts[at] = (idf * tf) / (tf + norm);
      }
    });
    this.acc = new Float64Array(n);
    this.touched = new Int32Array(n);
  }

  /** The best `k` docIds for `query` other than `self`, best first (score, then docId). */
  search(query: string, k: number, self: number): number[] {
    const { acc, touched, docIds, impacts, offsets } = this;
    let count = 0;
    for (const term of defaultAnalyzer().analyze(query)) {
      const t = this.dict.get(term);
      if (t === undefined) continue;
      for (let p = offsets[t] as number; p < (offsets[t + 1] as number); p++) {
        const d = docIds[p] as number;
        if (acc[d] === 0) touched[count++] = d;
        acc[d] = (acc[d] as number) + (impacts[p] as number);
      }
    }
    const best: number[] = [];
    for (let i = 0; i < count; i++) {
      const d = touched[i] as number;
      if (d !== self) insertTop(best, d, acc, k);
    }
    const out = best.slice();
    for (let i = 0; i < count; i++) acc[touched[i] as number] = 0;
    return out;
  }
}

function insertTop(best: number[], d: number, acc: Float64Array, k: number): void {
  const s = acc[d] as number;
  let i = best.length;
  while (
    i > 0 &&
    ((acc[best[i - 1] as number] as number) < s ||
      (acc[best[i - 1] as number] === s && (best[i - 1] as number) > d))
  )
    i--;
  if (i >= k) return;
  best.splice(i, 0, d);
  if (best.length > k) best.pop();
}
