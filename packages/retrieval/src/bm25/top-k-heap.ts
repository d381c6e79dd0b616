/**
 * Keeps the best `capacity` (score, docId) pairs of a stream, where better means a higher score, or
 * an equal score and a lower docId. A binary min-heap whose root is the worst pair kept, so each
 * offer costs O(log k) and the whole selection O(n log k) without sorting the n candidates.
 */
export class TopKHeap {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(readonly capacity: number) {
    this.docs = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The lowest score kept (meaningful once the heap holds something). */
  get worstScore(): number {
    return this.scores[0] as number;
  }

  /** Whether (score, docId) would be kept if pushed now. */
  admits(score: number, docId: number): boolean {
    if (this.count < this.capacity) return true;
    if (this.capacity === 0) return false;
    return isWorse(this.scores[0] as number, this.docs[0] as number, score, docId);
  }

  /** Adds the pair, evicting the worst one when full. Call only when `admits` is true. */
  push(score: number, docId: number): void {
    if (this.count < this.capacity) {
      let i = this.count++;
      // Sift up: move worse parents down until the slot fits.
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const ps = this.scores[parent] as number;
        const pd = this.docs[parent] as number;
        if (!isWorse(score, docId, ps, pd)) break;
        this.scores[i] = ps;
        this.docs[i] = pd;
        i = parent;
      }
      this.scores[i] = score;
      this.docs[i] = docId;
      return;
    }
    this.siftDownFromRoot(score, docId);
  }

  /** The kept pairs, best first. Empties the heap. */
  drain(): { docId: number; score: number }[] {
    const out = new Array<{ docId: number; score: number }>(this.count);
    for (let i = this.count - 1; i >= 0; i--) {
      out[i] = { docId: this.docs[0] as number, score: this.scores[0] as number };
      const lastScore = this.scores[this.count - 1] as number;
      const lastDoc = this.docs[this.count - 1] as number;
      this.count--;
      if (this.count > 0) this.siftDownFromRoot(lastScore, lastDoc);
    }
    return out;
  }

  private siftDownFromRoot(score: number, docId: number): void {
    const n = this.count;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let child = left;
      const right = left + 1;
      if (
        right < n &&
        isWorse(
          this.scores[right] as number,
          this.docs[right] as number,
          this.scores[left] as number,
          this.docs[left] as number,
        )
      ) {
        child = right;
      }
      const cs = this.scores[child] as number;
      const cd = this.docs[child] as number;
      if (!isWorse(cs, cd, score, docId)) break;
      this.scores[i] = cs;
      this.docs[i] = cd;
      i = child;
    }
    this.scores[i] = score;
    this.docs[i] = docId;
  }
}

/** Whether (sa, da) ranks below (sb, db). */
function isWorse(sa: number, da: number, sb: number, db: number): boolean {
  return sa < sb || (sa === sb && da > db);
}
