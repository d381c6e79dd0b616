import type { Usage, UsageTotals } from "@dataflow/core";

/** USD per million tokens. */
export interface Prices {
  input?: number;
  output?: number;
  /** Batch API prices (batch/batch-prices.ts); half of input/output when absent. */
  batchInput?: number;
  batchOutput?: number;
}

const zero = (): UsageTotals => ({ requests: 0, cached: 0, promptTokens: 0, completionTokens: 0 });

/**
 * Requests and tokens, overall and per tag (step id). `requests` counts HTTP
 * requests sent, retries included; `cached` counts answers served from the
 * response cache (for embeddings: texts), which spend no tokens and so add none. Cost is derived from
 * the token totals when prices are configured.
 */
export class UsageMeter {
  private readonly total = zero();
  private readonly byTag = new Map<string, UsageTotals>();

  constructor(private readonly prices?: Prices) {}

  request(tag: string | undefined): void {
    for (const t of this.targets(tag)) t.requests++;
  }

  /** `count` answers (or embedded texts) served from the cache. */
  cached(tag: string | undefined, count = 1): void {
    for (const t of this.targets(tag)) t.cached += count;
  }

  tokens(tag: string | undefined, usage: Usage): void {
    for (const t of this.targets(tag)) {
      t.promptTokens += usage.promptTokens;
      t.completionTokens += usage.completionTokens;
    }
  }

  snapshot(): { total: UsageTotals; byTag: Record<string, UsageTotals> } {
    const byTag: Record<string, UsageTotals> = {};
    for (const [tag, totals] of this.byTag) byTag[tag] = this.priced(totals);
    return { total: this.priced(this.total), byTag };
  }

  private priced(t: UsageTotals): UsageTotals {
    const copy = { ...t };
    const p = this.prices;
    if (p && (p.input !== undefined || p.output !== undefined)) {
      copy.cost = (t.promptTokens * (p.input ?? 0) + t.completionTokens * (p.output ?? 0)) / 1_000_000;
    }
    return copy;
  }

  private targets(tag: string | undefined): UsageTotals[] {
    if (tag === undefined) return [this.total];
    let t = this.byTag.get(tag);
    if (!t) {
      t = zero();
      this.byTag.set(tag, t);
    }
    return [this.total, t];
  }
}
