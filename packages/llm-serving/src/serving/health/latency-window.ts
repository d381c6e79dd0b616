/** When a hedge goes out: after `multiplier` × the `quantile` of recent answers' latency, at least `minDelayMs`. */
export interface HedgeOptions {
  /** Default 0.95. */
  quantile?: number;
  /** Default 1.5. */
  multiplier?: number;
  /** Default 250 ms: a fast server is not worth hedging. */
  minDelayMs?: number;
  /** Answers seen before any hedge goes out. Default 20. */
  minSamples?: number;
  /** Hedges on the wire at once, above maxConcurrency. Default: a tenth of maxConcurrency, at least 1. */
  maxInFlight?: number;
}

const WINDOW = 256;

/** The wire latency of the last 256 answers, and the hedge delay it implies. */
export class LatencyWindow {
  private readonly samples: number[] = [];
  private next = 0;
  private readonly quantile: number;
  private readonly multiplier: number;
  private readonly minDelayMs: number;
  private readonly minSamples: number;
  private cached: number | undefined;

  constructor(o: HedgeOptions = {}) {
    this.quantile = o.quantile ?? 0.95;
    this.multiplier = o.multiplier ?? 1.5;
    this.minDelayMs = o.minDelayMs ?? 250;
    this.minSamples = o.minSamples ?? 20;
  }

  add(ms: number): void {
    if (this.samples.length < WINDOW) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % WINDOW;
    this.cached = undefined;
  }

  /** Milliseconds before a hedge; undefined until enough answers were seen. */
  hedgeDelay(): number | undefined {
    if (this.samples.length < this.minSamples) return undefined;
    if (this.cached === undefined) {
      const sorted = [...this.samples].sort((a, b) => a - b);
      const q = sorted[Math.min(sorted.length - 1, Math.floor(this.quantile * sorted.length))] ?? 0;
      this.cached = Math.max(this.minDelayMs, q * this.multiplier);
    }
    return this.cached;
  }
}
