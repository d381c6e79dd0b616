/** Bucket bounds grow by 5%: a quantile read from them is within 5% of the true one. */
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
/** Latencies below 1 ms share the first bucket; the last bucket holds everything above ~10 min. */
const BUCKETS = Math.ceil(Math.log(600_000) / LOG_GROWTH) + 2;

/**
 * Latencies of a whole run in fixed memory: counts in log-spaced buckets, so p50 and p95 cover
 * every answer, not only the last few hundred, whatever the number of requests.
 */
export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(ms: number): void {
    const i = ms < 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms) / LOG_GROWTH));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total++;
  }

  /** The `q` quantile (0–1) in ms, rounded to the bucket's upper bound; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return i === 0 ? 1 : GROWTH ** i;
    }
    return GROWTH ** (BUCKETS - 1);
  }
}
