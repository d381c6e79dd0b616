import type { StepSummary, UsageTotals } from "@dataflow/core";

/**
 * A worker's servings live across chunks and report usage since they were made; the ledger turns each
 * chunk's totals into that chunk's alone (a worker runs one chunk at a time), so the coordinator's sums
 * count every request once.
 */
export class UsageLedger {
  private readonly seen = new Map<string, UsageTotals>();

  /** The steps with usage since the previous call. */
  take(steps: readonly StepSummary[]): StepSummary[] {
    return steps.map((step) => {
      if (!step.usage) return step;
      const before = this.seen.get(step.id);
      this.seen.set(step.id, { ...step.usage });
      return { ...step, usage: before ? minus(step.usage, before) : { ...step.usage } };
    });
  }
}

function minus(a: UsageTotals, b: UsageTotals): UsageTotals {
  const out: UsageTotals = {
    requests: a.requests - b.requests,
    cached: a.cached - b.cached,
    promptTokens: a.promptTokens - b.promptTokens,
    completionTokens: a.completionTokens - b.completionTokens,
  };
  if (a.cost !== undefined) out.cost = a.cost - (b.cost ?? 0);
  return out;
}
