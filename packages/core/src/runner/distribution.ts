/**
 * A running distribution in constant memory: exact count, sum, min and max,
 * and quantiles from a reservoir sample of at most `capacity` values
 * (deterministic, so summaries are reproducible).
 */
export class Distribution {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  private readonly sample: number[] = [];
  private state = 0x9e3779b9;

  constructor(private readonly capacity = 2048) {}

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.sample.length < this.capacity) {
      this.sample.push(value);
      return;
    }
    const j = this.next() % this.count;
    if (j < this.capacity) this.sample[j] = value;
  }

  summary(): DistributionSummary | undefined {
    if (!this.count) return undefined;
    const sorted = [...this.sample].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
    return {
      count: this.count,
      mean: this.sum / this.count,
      min: this.min,
      p50: q(0.5),
      p90: q(0.9),
      max: this.max,
      histogram: histogram(sorted, this.min, this.max),
    };
  }

  /** xorshift32: cheap and repeatable. */
  private next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
}

export interface DistributionSummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  max: number;
  /** Counts of the sampled values in equal-width bins from min to max (for charts in the run report). */
  histogram: Histogram;
}

export interface Histogram {
  /** Lower edge of the first bin and width of each; bin i holds [lo + i·width, lo + (i+1)·width). */
  lo: number;
  width: number;
  counts: number[];
  /** How many values the counts are drawn from: all of them, or the reservoir sample. */
  sampled: number;
}

const MAX_BINS = 20;

/**
 * Bins over a sorted sample. Whole numbers with a small range get one bin per value (negatives per
 * row: 1, 2, 3), so a bar never straddles two integers; anything else gets MAX_BINS equal bins.
 */
export function histogram(sorted: readonly number[], min: number, max: number): Histogram {
  const integers = sorted.every(Number.isInteger);
  const span = max - min;
  const perValue = integers && span < MAX_BINS;
  const bins = perValue ? span + 1 : span > 0 ? MAX_BINS : 1;
  const width = perValue ? 1 : span > 0 ? span / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    const i = Math.min(bins - 1, Math.floor((v - min) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { lo: perValue ? min - 0.5 : min, width, counts, sampled: sorted.length };
}
