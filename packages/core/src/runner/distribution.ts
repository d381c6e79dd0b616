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
}
