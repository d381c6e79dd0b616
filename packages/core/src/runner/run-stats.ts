import type { EndpointStats, UsageTotals } from "../contracts/llm-serving.js";
import type { Distribution, DistributionSummary } from "./distribution.js";

export interface StepStats {
  id: string;
  op: string;
  /** Rows that entered the step. */
  in: number;
  /** Rows the step emitted. */
  out: number;
  filtered: number;
  rejected: number;
  /** Extra rows created by expansion (one row becoming n adds n - 1). */
  expandedExtra: number;
  /** Rows whose result was replayed from the step cache. */
  replayed: number;
  filteredBy: Record<string, number>;
  rejectedBy: Record<string, number>;
  counters: Record<string, number>;
  /** Distributions recorded with ctx.observe. */
  distributions: Record<string, Distribution>;
  startedAt?: number;
  finishedAt?: number;
}

export interface RunStats {
  startedAt: number;
  source: { read: number; bad: number; bytesRead: number; bytesTotal?: number; done: boolean };
  steps: StepStats[];
  written: number;
}

export function newStepStats(id: string, op: string): StepStats {
  return {
    id,
    op,
    in: 0,
    out: 0,
    filtered: 0,
    rejected: 0,
    expandedExtra: 0,
    replayed: 0,
    filteredBy: {},
    rejectedBy: {},
    counters: {},
    distributions: {},
  };
}

export function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Rows that entered a step and have no outcome: in flight when the run stopped. */
export function unfinished(s: StepStats): number {
  return s.in + s.expandedExtra - s.out - s.filtered - s.rejected;
}

export interface StepSummary extends Omit<StepStats, "distributions"> {
  unfinished: number;
  distributions: Record<string, DistributionSummary>;
  /** LLM usage of this step, when it uses a serving. */
  usage?: UsageTotals;
}

export interface RunSummary {
  pipeline: string;
  status: "ok" | "failed" | "cancelled";
  /** Why the run failed or stopped. */
  reason?: string;
  /** The exit code the fatal error that stopped the run asked for (2: a configuration that cannot work). */
  exitCode?: number;
  source: RunStats["source"];
  steps: StepSummary[];
  written: number;
  rejected: number;
  filtered: number;
  rejectRate: number;
  maxRejectRate: number;
  /** True when every step's in = out + filtered + rejected (+ unfinished on cancel) and steps chain up. */
  reconciled: boolean;
  output?: string;
  /** Where rejects went: a file, or the run directory's rejects/ folder. */
  rejectsFile?: string;
  /** The run directory (step caches, manifest, rejects), when caching is on. */
  runDir?: string;
  /** LLM usage over all steps. */
  usage?: UsageTotals;
  /** Per serving spread over several endpoints: requests, errors and latency per endpoint. */
  endpoints?: Record<string, EndpointStats[]>;
  durationMs: number;
}

/** Check that every row is accounted for, step by step and across steps. */
export function reconcile(stats: RunStats, cancelled: boolean): boolean {
  let upstream = stats.source.read;
  for (const s of stats.steps) {
    if (s.in !== upstream) return false;
    const open = unfinished(s);
    if (open < 0 || (!cancelled && open !== 0)) return false;
    upstream = s.out;
  }
  return upstream === stats.written;
}
