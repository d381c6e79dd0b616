import type { EndpointStats } from "./llm-serving.js";
import type { Row } from "./row.js";
import type { RejectRecord, RejectSink } from "./storage.js";

/** What a step did with one input row, as a step cache keeps it (`idSuffixes`: see `Rows`). */
export type CachedOutcome = (
  | { kind: "rows"; rows: Row[]; idSuffixes?: string[] }
  | { kind: "filtered"; reason: string }
) & {
  /**
   * Digest of the input row the outcome was computed from. A replay needs the
   * same input: after a `--limit` run, say, a dataset step upstream may hand
   * the same row id different content.
   */
  input?: string;
  /** ctx.count / ctx.observe calls made while computing the row, replayed with it. */
  metrics?: [kind: "count" | "observe", metric: string, value: number][];
};

/**
 * A step's record of finished rows, keyed by input row id. `put` is durable
 * against a killed process when it returns; a rerun with the same fingerprint
 * replays `get` hits instead of recomputing. Rejects are not cached: a rerun
 * tries them again.
 */
export interface StepCache {
  /** Rows recorded so far (replayable on a rerun). */
  readonly size: number;
  get(id: string): CachedOutcome | undefined;
  put(id: string, outcome: CachedOutcome): void;
  close(): Promise<void>;
}

export interface StepManifest {
  id: string;
  op: string;
  version: string;
  fingerprint: string;
  status: "pending" | "running" | "done" | "failed" | "cancelled";
  /** Rows replayed from the cache in the last run. */
  replayed: number;
  counts: { in: number; out: number; filtered: number; rejected: number };
  usage?: { promptTokens: number; completionTokens: number; requests: number; cost?: number };
}

/** A run directory's manifest: no secrets, ever. */
export interface RunManifest {
  pipeline: string;
  file: string;
  status: "running" | "ok" | "failed" | "cancelled";
  reason?: string;
  startedAt: string;
  updatedAt: string;
  source: { path: string; size?: number; mtimeMs?: number };
  steps: StepManifest[];
  /** Per serving spread over several endpoints: requests, errors and latency per endpoint. */
  endpoints?: Record<string, EndpointStats[]>;
}

/** Where a pipeline keeps its step caches, manifest and per-step rejects between runs. */
export interface RunStore {
  readonly dir: string;
  readManifest(): Promise<RunManifest | undefined>;
  /** Written atomically. */
  writeManifest(manifest: RunManifest): Promise<void>;
  /** Open a step's cache; a different fingerprint than last time starts it empty. */
  openStepCache(stepId: string, fingerprint: string): Promise<StepCache>;
  /** Remove the caches of steps not in `keep` (steps renamed or removed from the pipeline). */
  prune(keep: readonly string[]): Promise<void>;
  /** A step's rejects file for this run (emptied when opened: rejects are recomputed). */
  openRejects(stepId: string): Promise<RejectSink>;
  /** Every reject recorded by the last run, step by step. */
  readRejects(): AsyncIterable<RejectRecord>;
  /** Remove every cache (for --fresh). */
  clear(): Promise<void>;
}
