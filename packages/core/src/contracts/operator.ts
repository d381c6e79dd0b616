import type { Observable } from "rxjs";
import type { PromptSpec } from "../llm/prompt-template.js";
import type { JSONSchema } from "./json-schema.js";
import type { LLMServingABC } from "./llm-serving.js";
import type { Logger } from "./logger.js";
import type { RetrieverABC } from "./retriever.js";
import type { RowRecord } from "./row.js";
import type { StepCache } from "./step-cache.js";

/** A logical input or output of an operator, bound to a column in the YAML. */
export interface PortSpec {
  description?: string;
  /** Column used when the pipeline does not bind the port. */
  column: string;
  /** JSON Schema of the value. */
  schema?: JSONSchema;
  /** An optional input may be absent from the rows. */
  optional?: boolean;
}

/** A column an operator uses because of its params, with where in the step it was named. */
export interface ColumnRef {
  column: string;
  /** Path inside the step, e.g. ["params", "template"], for error locations. */
  path: (string | number)[];
}

/** How an operator changes the set of columns beyond its ports; checked at compile time. */
export interface ColumnEffects {
  reads?: ColumnRef[];
  writes?: ColumnRef[];
  drops?: ColumnRef[];
  /** Every column not listed is dropped. */
  keepOnly?: ColumnRef[];
  renames?: { from: ColumnRef; to: string }[];
  /**
   * Optional input ports that these params make required (an export of trajectories needs
   * `messages`): the compiler checks their columns exist, bound or default, as for required ports.
   */
  requiresInputs?: string[];
}

/** A problem with a step's params that their JSON Schema cannot express. */
export interface ParamProblem {
  /** Where inside the step's `params`, e.g. ["prompt", "user"]. */
  path: (string | number)[];
  message: string;
  /** How to fix it. */
  hint?: string;
}

export interface OperatorSpec<P = Record<string, unknown>> {
  /** Namespaced, e.g. `core/template` or `rare/doc2query`. */
  name: string;
  version: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the params; ajv validates and fills defaults. */
  params: JSONSchema;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  /** Whether a step must name an LLM serving. */
  serving?: "required" | "optional";
  /** Whether a step must name a retriever (`retriever: <name>`, declared under `retrievers:`). */
  retriever?: "required" | "optional";
  /** Default in-flight rows for the step when the YAML does not say. */
  concurrency?: number;
  /**
   * Keep each finished row in the step cache so a rerun replays it instead of
   * recomputing (default: true for operators that use a serving). Never for
   * operators whose result for a row depends on other rows (dedup, limit).
   */
  cacheRows?: boolean;
  /** Columns read, written or dropped because of params. */
  columns?(params: P): ColumnEffects;
  /**
   * Checks beyond the params' schema (one value against another, a prompt's placeholders), run on
   * schema-valid params before any work: each problem is a compile error located at its path.
   */
  checkParams?(params: P): ParamProblem[];
  /**
   * An LLM operator's default prompt and its placeholders, for a `prompt: { system, user }` param
   * (`dataflow operators NAME --prompts` prints them).
   */
  prompt?: PromptSpec;
  /**
   * Files the operator reads besides the rows (a corpus), relative to the
   * pipeline's folder; their size and modification time enter the step's
   * fingerprint, so changing one recomputes the step.
   */
  inputFiles?(params: P): string[];
  /**
   * What a step of this operator does when a run processes part of the source (`--shard I/N`, a
   * work-queue chunk); see ShardingMode. Default: "row", except for dataset operators and
   * operators with `cacheRows: false`, which are refused until they say how they shard.
   */
  sharding?(params: P, place: ShardPlace): ShardingMode;
}

/**
 * How an operator's step behaves when a run processes only some source rows:
 * - "row": a row's result depends on that row alone, or on side inputs every part reads whole (the
 *   source through readSource, files, a retriever's corpus): each part computes exactly what a whole
 *   run would;
 * - "merge": a filter whose decisions depend on earlier rows (dedup, limit, sample of a size): parts
 *   pass rows through it and record what reached it; the merge takes its decisions over every
 *   part's rows in source order and leaves out what it drops. It must only drop rows, never change
 *   them. Steps after it compute rows it may later drop (they cost work, not correctness);
 * - { refuse }: it cannot be split this way; `refuse` says why and what to change.
 */
export type ShardingMode = "row" | "merge" | { refuse: string };

/** Where a step sits in its pipeline, for `sharding` functions. */
export interface ShardPlace {
  /** Input port → column. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Whether the step names a retriever. */
  readonly retriever: boolean;
  /** Whether an earlier step writes (makes or changes) this column, so it is not the source's. */
  madeUpstream(column: string): boolean;
}

/** Where a step reports what happens to rows, so nothing is lost silently. */
export interface StepReporter {
  /** The row was removed on purpose (a filter, a dedup). */
  filtered(record: RowRecord, reason: string): void;
  /** The row failed; it goes to the rejects file. */
  rejected(record: RowRecord, error: unknown): void;
  /** One input row became `count` rows (count ≥ 2). */
  expanded(record: RowRecord, count: number): void;
  /** The row's result came from the step cache instead of being computed. */
  replayed(record: RowRecord): void;
  /** Flow control: the step holds `n` more rows it has not emitted yet. */
  hold(n: number): void;
  /** Flow control: `n` held rows left the step (emitted, filtered or rejected). */
  release(n: number): void;
}

export interface OperatorContext<P = Record<string, unknown>> {
  readonly stepId: string;
  /** The pipeline file's folder: relative paths in params resolve against it. */
  readonly baseDir: string;
  /** Validated params, defaults filled. */
  readonly params: P;
  /** Input port → column. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Output port → column. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The step's LLM serving, when it names one. */
  readonly serving: LLMServingABC | undefined;
  /** The step's retriever, when it names one. */
  readonly retriever: RetrieverABC | undefined;
  readonly logger: Logger;
  /** Aborted when in-flight work must stop (a cancelled run's grace period is over). */
  readonly signal: AbortSignal;
  /** Aborted when the run stops taking rows: start no new work, let in-flight work finish. */
  readonly stopping: AbortSignal;
  /** Most rows in flight at once in this step. */
  readonly concurrency: number;
  readonly report: StepReporter;
  /** The step's row cache, when caching is on for this step; RowOperator uses it. */
  readonly cache: StepCache | undefined;
  /** Step-level counters for the run summary. */
  count(metric: string, by?: number): void;
  /** Record one value of a distribution (a length, a score) for the run summary. */
  observe(metric: string, value: number): void;
  /**
   * Re-reads the pipeline's source from its start: every good source row (bad lines skipped, the
   * run's row limit applied), whatever later steps do to them. For operators whose result must not
   * depend on upstream filters and rejects (a retrieval corpus). Undefined outside a pipeline run.
   */
  readonly readSource?: () => AsyncIterable<RowRecord>;
}

/**
 * The operator contract: static metadata in `spec`, and `run`, which turns the
 * stream of rows into the stream of output rows. Most operators extend
 * RowOperator or DatasetOperator rather than implementing `run` directly.
 */
export abstract class OperatorABC<P = Record<string, unknown>> {
  abstract run(rows$: Observable<RowRecord>, ctx: OperatorContext<P>): Observable<RowRecord>;
}

/** An operator class as the registry holds it. */
export interface OperatorClass<P = never> {
  readonly spec: OperatorSpec<P>;
  new (): OperatorABC<P>;
}
