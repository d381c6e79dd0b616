import type { SourceLocation } from "../contracts/errors.js";
import type { OperatorClass } from "../contracts/operator.js";

/**
 * A block under `servings:` or `retrievers:`: the kind it is (`type`) and that kind's options.
 * Core knows no kind: each is registered by a plugin with the schema its options pass.
 */
export interface KindConfig {
  type: string;
  [option: string]: unknown;
}

export interface PlannedStep {
  id: string;
  op: OperatorClass;
  params: Record<string, unknown>;
  /** Port → column, defaults filled. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  serving?: string;
  /** Name of an entry in `retrievers`. */
  retriever?: string;
  concurrency?: number;
  location: SourceLocation;
}

/** A compiled pipeline: everything validated, paths absolute, defaults filled. */
export interface PipelinePlan {
  name: string;
  file: string;
  baseDir: string;
  /** `format` names a registered file format. */
  source: { path: string; format?: string; idColumn?: string; columns: string[]; options?: FormatOptions };
  /** `rejects` is where rows go that fail when no run store is used (library runs). */
  output: { path: string; format?: string; rejects: string; options?: FormatOptions };
  cache: { dir: string };
  /** Each validated against its registered serving kind, defaults filled. */
  servings: Record<string, KindConfig>;
  /** Each validated against its registered retriever kind, defaults filled, paths absolute. */
  retrievers: Record<string, KindConfig>;
  run: { maxRejectRate: number; window: number; shutdownGraceMs: number };
  steps: PlannedStep[];
  plugins: string[];
  /** Columns of the output rows, as far as the compiler can tell. */
  columns: string[];
}

/** Options a registered file format adds to `source:` or `output:` (e.g. `split`), as the schema checked them. */
export type FormatOptions = Record<string, unknown>;
