import type { EndpointStats, LLMServingABC, UsageTotals } from "../contracts/llm-serving.js";
import type { RunManifest } from "../contracts/step-cache.js";
import type { DistributionSummary } from "./distribution.js";
import { type RunStats, type RunSummary, type StepSummary, unfinished } from "./run-stats.js";

/**
 * Each step's summary. A step's usage is what every serving metered under its id: its own
 * serving's calls, and the embeddings its retriever asked for.
 */
export function stepSummaries(stats: RunStats, usageByTag: Record<string, UsageTotals>[]): StepSummary[] {
  return stats.steps.map((st) => {
    const usage = sumUsage(usageByTag.map((byTag) => byTag[st.id]));
    const distributions: Record<string, DistributionSummary> = {};
    for (const [metric, d] of Object.entries(st.distributions)) {
      const summary = d.summary();
      if (summary) distributions[metric] = summary;
    }
    return { ...st, distributions, unfinished: unfinished(st), ...(usage ? { usage } : {}) };
  });
}

/** Per serving spread over several endpoints, its endpoints' stats; undefined when no serving is. */
export function endpointsOf(
  servings: Record<string, LLMServingABC>,
): Record<string, EndpointStats[]> | undefined {
  const out: Record<string, EndpointStats[]> = {};
  for (const [name, serving] of Object.entries(servings)) {
    const stats = serving.endpointStats();
    if (stats?.length) out[name] = stats;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The manifest as the run ends: each step's status, counts and usage, and each endpoint's stats. */
export function finalManifest(
  manifest: RunManifest,
  status: RunSummary["status"],
  reason: string | undefined,
  steps: StepSummary[],
  endpoints?: Record<string, EndpointStats[]>,
): RunManifest {
  const stepStatus = status === "ok" ? "done" : status === "cancelled" ? "cancelled" : "failed";
  return {
    ...manifest,
    status,
    ...(reason ? { reason } : {}),
    ...(endpoints ? { endpoints } : {}),
    updatedAt: new Date().toISOString(),
    steps: manifest.steps.map((m, i) => {
      const st = steps[i];
      if (!st) return m;
      return {
        ...m,
        status: stepStatus,
        replayed: st.replayed,
        counts: { in: st.in, out: st.out, filtered: st.filtered, rejected: st.rejected },
        ...(st.usage ? { usage: { ...st.usage } } : {}),
      };
    }),
  };
}

/** The usage of several steps, parts or chunks added up; undefined when none had any. */
export function sumUsage(list: readonly (UsageTotals | undefined)[]): UsageTotals | undefined {
  const present = list.filter((u): u is UsageTotals => u !== undefined);
  if (!present.length) return undefined;
  const total: UsageTotals = { requests: 0, cached: 0, promptTokens: 0, completionTokens: 0 };
  for (const u of present) {
    total.requests += u.requests;
    total.cached += u.cached;
    total.promptTokens += u.promptTokens;
    total.completionTokens += u.completionTokens;
    if (u.cost !== undefined) total.cost = (total.cost ?? 0) + u.cost;
  }
  return total;
}
